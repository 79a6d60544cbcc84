import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DEFAULT_FAKE_AD_KEY } from "./alldebrid/server.ts";
import { serveContent } from "./content.ts";
import { HOSTER_PREFIX, hosterPage } from "./hoster.ts";
import type { LibraryOptions } from "./library.ts";
import { FAKE_PROVIDERS, type FakeMount, type FakeProvider } from "./providers.ts";
import { RequestWindow } from "./rate-window.ts";
import type { FakeReply } from "./realdebrid/model.ts";
import { FakeDebridState, type FakeOptions } from "./state.ts";

/**
 * A fake debrid server on 127.0.0.1 (every entry of FAKE_PROVIDERS, over one shared library) for
 * tests, benchmarks and `bun run demo`. It follows the documented APIs: shapes, statuses, error codes, 204 past
 * the end, the rate limit with 429s that count, and serves real bytes (with Range) for links.
 */
export interface FaultOptions {
  /** Share of API requests answered with a transient 5xx (500, 502, 503 or 504). */
  serverErrorRate?: number;
  /**
   * Body of those 5xx: a proxy's HTML page, the provider's own JSON error (`internal_error`,
   * `service_unavailable`), or either at random (default).
   */
  serverErrorBodies?: "html" | "json" | "mixed";
  /** Share of API requests refused with 429 even under the limit. */
  rateLimitRate?: number;
  /** Share of API requests whose connection is dropped without an answer. */
  dropRate?: number;
  /** Share of API answers cut in the middle of their JSON. */
  malformedRate?: number;
  /** Added latency per API request. */
  latencyMs?: { min: number; max: number };
}

export interface FakeServerStats {
  requests: number;
  admitted: number;
  rateLimited: number;
  injected: { serverErrors: number; rateLimited: number; dropped: number; malformed: number };
  byRoute: Record<string, number>;
  /** Arrival time of every API request (ms), for rate measurements. */
  arrivals: number[];
  downloadsServed: number;
}

export interface FakeDebridServer {
  url: string;
  /** Base URL to give Redriva as RD_API_URL. */
  rdApiUrl: string;
  /** Base URL to give Redriva as AD_API_URL (paths add /v4 or /v4.1), with AD_API_KEY = adApiKey. */
  adApiUrl: string;
  adApiKey: string;
  state: FakeDebridState;
  faults: FaultOptions;
  stats: FakeServerStats;
  resetStats(): void;
  /** Changes the Real-Debrid rate limit on the fly (benchmarks prepare fast, then measure at 250/min). */
  setRateLimit(limit: number, windowMs: number): void;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface StartOptions extends Partial<FakeOptions> {
  library?: Partial<LibraryOptions>;
  faults?: FaultOptions;
  port?: number;
  /** Address to listen on (default 127.0.0.1; the container test uses the podman bridge's). */
  hostname?: string;
  /** Host name in the URLs it hands out, when clients reach it under another name (a container). */
  advertisedHost?: string;
  /** Deterministic fault injection. */
  faultSeed?: number;
  /** The providers served (default: every built-in fake); a test may add its own. */
  providers?: readonly FakeProvider[];
}

const emptyStats = (): FakeServerStats => ({
  requests: 0,
  admitted: 0,
  rateLimited: 0,
  injected: { serverErrors: 0, rateLimited: 0, dropped: 0, malformed: 0 },
  byRoute: {},
  arrivals: [],
  downloadsServed: 0,
});

export async function startFakeDebrid(options: StartOptions = {}): Promise<FakeDebridServer> {
  const state = new FakeDebridState(
    {
      token: options.token ?? "fake-token",
      rateLimit: options.rateLimit ?? 250,
      rateWindowMs: options.rateWindowMs ?? 60_000,
      pollsPerStep: options.pollsPerStep ?? 1,
      instantAvailability: options.instantAvailability ?? false,
      activeLimit: options.activeLimit ?? 50,
      linkTtlMs: options.linkTtlMs ?? 0,
      downloadBytesPerSecond: options.downloadBytesPerSecond ?? 0,
      cutDownloadsAfterBytes: options.cutDownloadsAfterBytes ?? 0,
      adApiKey: options.adApiKey ?? DEFAULT_FAKE_AD_KEY,
    },
    { size: 0, ...options.library },
  );
  const window = new RequestWindow(state.options.rateLimit, state.options.rateWindowMs);
  const faults: FaultOptions = options.faults ?? {};
  let stats = emptyStats();
  let seed = options.faultSeed ?? 7;
  const roll = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    try {
      if (url.pathname.startsWith("/dl/")) return serveDownload(req, res, url);
      if (url.pathname.startsWith(HOSTER_PREFIX)) {
        const page = hosterPage(state, url.pathname);
        return send(res, { status: page.status, text: page.html, headers: { "Content-Type": "text/html" } });
      }
      const handler = route(url.pathname);
      if (!handler) return send(res, { status: 404, json: { error: "unknown_method", error_code: 3 } });
      stats.requests++;
      stats.arrivals.push(Date.now());
      const key = `${req.method} ${url.pathname.replace(/\/[A-Z2-7]{13}$/, "/:id")}`;
      stats.byRoute[key] = (stats.byRoute[key] ?? 0) + 1;
      if (faults.latencyMs) {
        const { min, max } = faults.latencyMs;
        await Bun.sleep(min + roll() * (max - min));
      }
      // The limit counts every request, refused ones included (documented by Real-Debrid).
      if (!handler.ownRateLimit && !window.admit()) {
        stats.rateLimited++;
        return send(res, { status: 429, json: { error: "too_many_requests", error_code: 34 } });
      }
      if (faults.dropRate && roll() < faults.dropRate) {
        stats.injected.dropped++;
        req.socket.destroy();
        return;
      }
      if (faults.rateLimitRate && roll() < faults.rateLimitRate) {
        stats.injected.rateLimited++;
        stats.rateLimited++;
        return send(res, { status: 429, json: { error: "too_many_requests", error_code: 34 } });
      }
      if (faults.serverErrorRate && roll() < faults.serverErrorRate) {
        stats.injected.serverErrors++;
        return send(res, injectedServerError(faults.serverErrorBodies ?? "mixed", roll(), roll()));
      }
      stats.admitted++;
      const reply = await handler.handler(state, req, res, handler.path, url);
      if (handler.ownRateLimit && reply.status === 429) {
        // Refused by the provider's own limits (AllDebrid: 12/s, 600/min).
        stats.admitted--;
        stats.rateLimited++;
      }
      if (faults.malformedRate && reply.json !== undefined && roll() < faults.malformedRate) {
        stats.injected.malformed++;
        const text = JSON.stringify(reply.json);
        return send(res, {
          ...reply,
          json: undefined,
          text: text.slice(0, Math.max(1, Math.floor(text.length / 2))),
        });
      }
      return send(res, reply);
    } catch (error) {
      return send(res, {
        status: 500,
        json: { error: "internal_error", error_code: -1, detail: String(error) },
      });
    }
  });

  const mounts: FakeMount[] = (options.providers ?? FAKE_PROVIDERS).flatMap((p) => p.mounts);
  function route(pathname: string): (FakeMount & { path: string }) | null {
    const mount = mounts.find((m) => pathname.startsWith(m.prefix));
    if (!mount) return null;
    return { ...mount, path: mount.stripPrefix ? pathname.slice(mount.stripPrefix.length) : pathname };
  }

  function serveDownload(req: IncomingMessage, res: ServerResponse, url: URL) {
    const token = url.pathname.split("/")[2] ?? "";
    const entry = state.downloads.get(token);
    if (!entry || entry.expiresAt < Date.now()) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("link expired");
      return;
    }
    stats.downloadsServed++;
    serveContent(req, res, entry, {
      content: state.fileContent.get(entry.key),
      bytesPerSecond: state.options.downloadBytesPerSecond,
      cutAfterBytes: state.options.cutDownloadsAfterBytes,
      expired: () => entry.expiresAt < Date.now(),
    });
  }

  const hostname = options.hostname ?? "127.0.0.1";
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, hostname, resolve));
  const port = (server.address() as AddressInfo).port;
  state.baseUrl = `http://${options.advertisedHost ?? hostname}:${port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    url: state.baseUrl,
    rdApiUrl: `${state.baseUrl}/rest/1.0`,
    adApiUrl: state.baseUrl,
    adApiKey: state.options.adApiKey ?? DEFAULT_FAKE_AD_KEY,
    state,
    faults,
    get stats() {
      return stats;
    },
    setRateLimit(limit: number, windowMs: number) {
      window.limit = limit;
      window.windowMs = windowMs;
      window.reset();
    },
    resetStats() {
      stats = emptyStats();
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** One transient 5xx as a proxy (HTML 502/504) or the provider itself (JSON 500/503) answers it. */
function injectedServerError(
  bodies: "html" | "json" | "mixed",
  pickBody: number,
  pickStatus: number,
): FakeReply {
  const json = bodies === "json" || (bodies === "mixed" && pickBody < 0.5);
  if (json) {
    return pickStatus < 0.5
      ? { status: 500, json: { error: "internal_error", error_code: -1 } }
      : { status: 503, json: { error: "service_unavailable", error_code: 25 } };
  }
  const status = pickStatus < 0.5 ? 502 : 504;
  return {
    status,
    text: `<html><body><h1>${status} Bad gateway</h1></body></html>`,
    headers: { "Content-Type": "text/html" },
  };
}

function send(res: ServerResponse, reply: FakeReply): void {
  if (res.headersSent) return;
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  let body = "";
  if (reply.json !== undefined) {
    body = JSON.stringify(reply.json);
    headers["Content-Type"] = "application/json";
  } else if (reply.text !== undefined) {
    body = reply.text;
    headers["Content-Type"] ??= "text/plain";
  }
  if (reply.status === 204) body = "";
  res.writeHead(reply.status, headers);
  res.end(body);
}
