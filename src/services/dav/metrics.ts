import type { Registry } from "prom-client";
import type { DavCounters, DavState } from "./state.ts";

/** The WebDAV server's counters in /metrics (read from deps.dav at each scrape). */
export function registerDavMetrics(registry: Registry, dav: DavState): void {
  const { counters } = dav;
  const { Counter, Gauge } = require("prom-client") as typeof import("prom-client");
  const registers = [registry];
  const counter = (name: string, help: string, pick: (c: DavCounters) => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(pick(counters));
      },
    });
  counter(
    "redriva_dav_bytes_streamed_total",
    "Bytes of files sent to WebDAV readers",
    (c) => c.bytesStreamed,
  );
  counter("redriva_dav_reads_total", "WebDAV file reads opened at the provider", (c) => c.reads);
  counter(
    "redriva_dav_resumes_total",
    "Times a WebDAV read reconnected to the provider mid-body (connection broken, link expired), unseen by the reader",
    (c) => c.resumes,
  );
  counter("redriva_dav_unrestricts_total", "Unrestrict requests made for WebDAV reads", (c) => c.unrestricts);
  counter(
    "redriva_dav_link_cache_hits_total",
    "WebDAV file opens served with a cached direct link (no provider call)",
    (c) => c.linkCacheHits,
  );
  counter(
    "redriva_dav_links_renewed_total",
    "Direct links that stopped working before their expiry and were unrestricted again",
    (c) => c.linksRenewed,
  );
  counter(
    "redriva_dav_dead_links_total",
    "Links found dead while reading through WebDAV (each one a repair candidate)",
    (c) => c.deadLinks,
  );
  counter(
    "redriva_dav_redirects_total",
    "WebDAV GETs answered with a redirect to the provider's direct link (DAV_STREAM=redirect)",
    (c) => c.redirects,
  );
  counter(
    "redriva_dav_redirect_link_checks_total",
    "Cached links tried with a one-byte read before a redirect (not seen working for a minute)",
    (c) => c.linkChecks,
  );
  new Gauge({
    name: "redriva_dav_open_streams",
    help: "WebDAV reads streaming right now (until the body ends, fails or the reader leaves)",
    registers,
    collect() {
      this.set(counters.openStreams);
    },
  });
  new Gauge({
    name: "redriva_dav_listing_cache_bytes",
    help: "Memory held by the cached (gzipped) PROPFIND listings of the top folders",
    registers,
    collect() {
      this.set(dav.listingCacheBytes());
    },
  });
}
