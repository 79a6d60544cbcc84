import type { DavDir, DavSnapshot } from "./tree.ts";

/** A direct link obtained by unrestricting a restricted one. */
export interface CachedLink {
  url: string;
  /** Epoch ms after which it is unrestricted again before use. */
  expiresAt: number;
  /** Epoch ms it was obtained (its lifetime decides how early a redirect renews it). */
  obtainedAt: number;
  /** Epoch ms it was last seen working (issued, or tried before a redirect). */
  checkedAt: number;
}

/** Counters of the WebDAV server, exposed in /metrics. */
export interface DavCounters {
  /** Bytes sent to readers, counted as they go. */
  bytesStreamed: number;
  /** File reads opened at the provider. */
  reads: number;
  /** Times a read reconnected to the provider mid-body (connection broken, link expired). */
  resumes: number;
  /** Reads streaming right now: from the provider's first answer until the body ends, fails or the reader leaves. */
  openStreams: number;
  /** Unrestrict requests made for WebDAV reads. */
  unrestricts: number;
  /** File opens served with a cached direct link (no provider call). */
  linkCacheHits: number;
  /** Direct links that stopped working before their expiry and were replaced. */
  linksRenewed: number;
  /** Links found dead while reading (each made a repair candidate). */
  deadLinks: number;
  /** GETs answered with a redirect to the provider's direct link (DAV_STREAM=redirect). */
  redirects: number;
  /** Cached links tried with a one-byte read before a redirect (not seen working for a minute). */
  linkChecks: number;
}

/**
 * What the WebDAV server keeps in memory (built once by createDeps): the tree of the library at
 * its last version (with the rendered listings of its top folders), the folder trees of recently
 * opened torrents, the direct links and the unrestricts in flight.
 */
export class DavState {
  /** The tree the answers come from (possibly one version behind while the next is built). */
  snapshot: DavSnapshot | null = null;
  /** The build under way (one at a time), for the library version it was started at. */
  building: { version: string; promise: Promise<DavSnapshot> } | null = null;
  /** Whether the end of each sync starts a rebuild (armed by the first WebDAV request). */
  followingSyncs = false;
  readonly torrentTrees = new Map<string, DavDir>();
  readonly links = new Map<string, CachedLink>();
  readonly unrestrictsInFlight = new Map<string, Promise<CachedLink>>();
  readonly counters: DavCounters = {
    bytesStreamed: 0,
    reads: 0,
    resumes: 0,
    openStreams: 0,
    unrestricts: 0,
    linkCacheHits: 0,
    linksRenewed: 0,
    deadLinks: 0,
    redirects: 0,
    linkChecks: 0,
  };

  /** Memory held by the cached listings (gzipped), for /metrics. */
  listingCacheBytes(): number {
    let bytes = 0;
    for (const root of this.snapshot?.roots.values() ?? []) bytes += root.listing.gzip.size;
    return bytes;
  }
}
