import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../logger.ts";
import type { ResponseListener } from "../descriptor.ts";
import { CombinedLimiter, type RequestLimiter } from "../http/combined-limiter.ts";
import { type AmbientMeter, DebridHttpClient, type HttpRequest } from "../http/http-client.ts";
import { SlidingWindowLimiter } from "../http/rate-limiter.ts";
import {
  type AccountInfo,
  type AddedTorrent,
  type CallOptions,
  type DebridProvider,
  ProviderError,
  type ProviderTorrent,
  type ProviderTorrentInfo,
  type RequestStats,
  type UnrestrictedLink,
} from "../types.ts";
import { isDefinitiveTorBoxError, mapTorBoxError, torBoxBodyError } from "./errors.ts";
import { mapTorrent, parseFileLink } from "./map.ts";
import { TB_PLANS, tbCached, tbCreated, tbUser } from "./wire.ts";

export interface TorBoxOptions {
  apiKey: string;
  /** Without the version: https://api.torbox.app (paths add /v1/api). */
  apiUrl: string;
  /** Requests per `rateWindowMs` on every endpoint (documented: 300 per minute per key). */
  rateLimit: number;
  rateWindowMs: number;
  /** createtorrent per `createWindowMs` (documented: 60 per hour) and per minute at the edge (10). */
  createLimit: number;
  createWindowMs: number;
  createBurstLimit: number;
  timeoutMs: number;
  clock: Clock;
  log: Logger;
  maxRetries?: number;
  backoffBaseMs?: number;
  defaultRetryAfterMs?: number;
  onResponse?: ResponseListener;
  ambientMeter?: AmbientMeter;
}

/** mylist page size: the documented default and largest `limit`. */
export const TB_PAGE_SIZE = 1000;

/**
 * TorBox API v1 adapter. Two HTTP clients share one general limiter (300/min): the second adds
 * createtorrent's own limits (60/hour, 10/min), so a burst of adds never starves reads and a
 * read never spends an add.
 */
export class TorBoxProvider implements DebridProvider {
  readonly kind = "torbox" as const;
  readonly limiter: RequestLimiter;
  private readonly http: DebridHttpClient;
  private readonly createHttp: DebridHttpClient;
  private readonly apiBase: string;
  private readonly clock: Clock;

  constructor(private readonly options: TorBoxOptions) {
    this.clock = options.clock;
    this.apiBase = `${options.apiUrl.replace(/\/+$/, "")}/v1/api`;
    this.limiter = new SlidingWindowLimiter(options.rateLimit, options.rateWindowMs, options.clock);
    const createLimiter = new CombinedLimiter([
      this.limiter,
      new SlidingWindowLimiter(options.createLimit, options.createWindowMs, options.clock),
      new SlidingWindowLimiter(options.createBurstLimit, 60_000, options.clock),
    ]);
    this.http = this.client(this.limiter);
    this.createHttp = this.client(createLimiter);
  }

  private client(limiter: RequestLimiter): DebridHttpClient {
    const o = this.options;
    return new DebridHttpClient({
      provider: "torbox",
      baseUrl: this.apiBase,
      headers: () => ({ Authorization: `Bearer ${o.apiKey}` }),
      limiter,
      clock: o.clock,
      log: o.log.child({ module: "torbox" }),
      timeoutMs: o.timeoutMs,
      mapError: mapTorBoxError,
      bodyError: torBoxBodyError,
      isDefinitive: isDefinitiveTorBoxError,
      secrets: [o.apiKey],
      maxRetries: o.maxRetries,
      backoffBaseMs: o.backoffBaseMs,
      defaultRetryAfterMs: o.defaultRetryAfterMs,
      onResponse: o.onResponse,
      ambientMeter: o.ambientMeter,
    });
  }

  stats(): RequestStats {
    const a = this.http.stats();
    const b = this.createHttp.stats();
    return {
      requests: a.requests + b.requests,
      rateLimited: a.rateLimited + b.rateLimited,
      retries: a.retries + b.retries,
      failures: a.failures + b.failures,
    };
  }

  /**
   * mylist by pages of 1,000 (`offset`/`limit`), `bypass_cache` so a sync sees what is there now
   * (the cached list is up to 600 s old). A short page is the last one. Each entry carries its
   * files, so the items are full ProviderTorrentInfo.
   */
  async *listTorrents(options: { pageSize?: number } & CallOptions = {}): AsyncIterable<ProviderTorrent[]> {
    const limit = Math.min(options.pageSize ?? TB_PAGE_SIZE, TB_PAGE_SIZE);
    const seen = new Set<string>();
    for (let offset = 0; ; offset += limit) {
      const data = await this.listPage(offset, limit, options);
      const page: ProviderTorrent[] = [];
      for (const raw of data) {
        const item = mapTorrent(raw, this.apiBase);
        if (item && !seen.has(item.id)) {
          seen.add(item.id);
          page.push({ ...item, complete: true });
        }
      }
      if (page.length > 0) yield page;
      if (data.length < limit) return;
    }
  }

  private async listPage(offset: number, limit: number, options: CallOptions): Promise<unknown[]> {
    try {
      const data = await this.call(this.http, {
        method: "GET",
        path: "/torrents/mylist",
        query: { bypass_cache: "true", offset, limit },
        signal: options.signal,
        meter: options.meter,
      });
      if (data === null || data === undefined) return [];
      if (!Array.isArray(data)) throw badResponse("/torrents/mylist", "data is not a list");
      return data;
    } catch (error) {
      // An empty account answers ITEM_NOT_FOUND instead of an empty list (seen in clients).
      if (error instanceof ProviderError && error.kind === "not_found") return [];
      throw error;
    }
  }

  async getTorrent(id: string, options: CallOptions = {}): Promise<ProviderTorrentInfo> {
    if (!/^\d+$/.test(id)) throw notFound(id);
    const data = await this.call(this.http, {
      method: "GET",
      path: "/torrents/mylist",
      query: { bypass_cache: "true", id },
      signal: options.signal,
      meter: options.meter,
    });
    // By id, `data` is the torrent itself; tolerate a list of one, and null for an unknown id.
    const raw = Array.isArray(data) ? data.find((t) => String((t as { id?: unknown })?.id) === id) : data;
    if (!raw) throw notFound(id);
    const info = mapTorrent(raw, this.apiBase);
    if (!info) throw badResponse("/torrents/mylist", "no torrent in the answer");
    return info;
  }

  async addMagnet(magnet: string): Promise<AddedTorrent> {
    const hash = /xt=urn:btih:([0-9a-f]{40})(?:&|$)/i.exec(magnet)?.[1]?.toLowerCase();
    const cached = hash ? await this.isCached(hash) : undefined;
    const form = new FormData();
    form.append("magnet", magnet);
    return this.create(form, cached);
  }

  /** The hash of a .torrent is only known from TorBox's answer: the cache is checked after. */
  async addTorrentFile(torrent: Uint8Array): Promise<AddedTorrent> {
    const form = new FormData();
    form.append(
      "file",
      new Blob([torrent as BlobPart], { type: "application/x-bittorrent" }),
      "upload.torrent",
    );
    return this.create(form, null);
  }

  /** `cached` null: ask checkcached with the hash TorBox answers. */
  private async create(form: FormData, cached: boolean | undefined | null): Promise<AddedTorrent> {
    // seed=3: do not seed (Redriva only reads); allow_zip=false: files one by one.
    form.append("seed", "3");
    form.append("allow_zip", "false");
    const data = await this.call(this.createHttp, {
      method: "POST",
      path: "/torrents/createtorrent",
      formData: form,
      idempotent: false,
    });
    const created = tbCreated.safeParse(data);
    if (!created.success) throw badResponse("/torrents/createtorrent", "no torrent_id");
    const hash = created.data.hash?.toLowerCase();
    const known = cached === null ? (hash ? await this.isCached(hash) : undefined) : cached;
    return { id: String(created.data.torrent_id), cached: known };
  }

  /**
   * checkcached for one hash (a general request, not one of the 60 adds an hour): tells
   * DOWNLOAD_REQUIRE_CACHED before anything is added. Undefined when TorBox cannot say.
   */
  async isCached(hash: string): Promise<boolean | undefined> {
    try {
      const data = await this.call(this.http, {
        method: "GET",
        path: "/torrents/checkcached",
        query: { hash, format: "object", list_files: "false" },
      });
      if (data === null || data === undefined) return false;
      const cached = tbCached.safeParse(data);
      return cached.success ? Object.keys(cached.data).some((h) => h.toLowerCase() === hash) : undefined;
    } catch (error) {
      if (error instanceof ProviderError && (error.kind === "auth" || error.kind === "rate_limited"))
        throw error;
      return undefined;
    }
  }

  /** TorBox downloads every file of a torrent: nothing to select. */
  async selectFiles(_id: string, _fileIds: number[] | "all"): Promise<void> {}

  async deleteTorrent(id: string): Promise<void> {
    if (!/^\d+$/.test(id)) throw notFound(id);
    await this.call(this.http, {
      method: "POST",
      path: "/torrents/controltorrent",
      jsonBody: { torrent_id: Number(id), operation: "delete" },
    });
  }

  /** A link from getTorrent → requestdl (token as a query parameter, as documented) → the CDN URL. */
  async unrestrictLink(link: string): Promise<UnrestrictedLink> {
    const ref = parseFileLink(link);
    if (!ref) {
      throw new ProviderError({
        provider: "torbox",
        kind: "bad_request",
        message: "TorBox: not a TorBox file link (expected torrent_id and file_id)",
      });
    }
    const info = await this.getTorrent(ref.torrentId);
    const file = info.files.find((f) => String(f.id) === ref.fileId);
    if (!file) {
      throw new ProviderError({
        provider: "torbox",
        kind: "not_found",
        message: `TorBox: torrent ${ref.torrentId} has no file ${ref.fileId}`,
        providerError: "ITEM_NOT_FOUND",
      });
    }
    const data = await this.call(this.http, {
      method: "GET",
      path: "/torrents/requestdl",
      query: {
        token: this.options.apiKey,
        torrent_id: ref.torrentId,
        file_id: ref.fileId,
        redirect: "false",
      },
    });
    if (typeof data !== "string" || !URL.canParse(data)) throw badResponse("/torrents/requestdl", "no URL");
    return {
      download: data,
      filename: file.path.split("/").pop() ?? "",
      filesize: file.bytes,
      host: "torbox.app",
      chunks: null,
      mimeType: null,
    };
  }

  async getAccount(): Promise<AccountInfo> {
    const data = await this.call(this.http, {
      method: "GET",
      path: "/user/me",
      query: { settings: "false" },
    });
    const parsed = tbUser.safeParse(data);
    if (!parsed.success) throw badResponse("/user/me", "no user");
    const user = parsed.data;
    const until = user.premium_expires_at ? Date.parse(user.premium_expires_at) : Number.NaN;
    const left = Number.isFinite(until) ? Math.max(0, Math.floor((until - this.clock.now()) / 1000)) : 0;
    return {
      username: user.email ?? `TorBox user ${user.id}`,
      email: user.email ?? null,
      premium: user.plan > 0 && left > 0,
      premiumSecondsLeft: user.plan > 0 ? left : 0,
      expiration: Number.isFinite(until) ? new Date(until).toISOString() : null,
      traffic: [{ host: "torbox.app", left: null, type: TB_PLANS[user.plan] ?? `plan ${user.plan}` }],
    };
  }

  /** One request; returns `data` of a success envelope (errors are thrown by the HTTP client). */
  private async call(http: DebridHttpClient, req: Omit<HttpRequest, "json">): Promise<unknown> {
    const res = await http.request({ ...req, json: true });
    return (res.data as { data?: unknown } | undefined)?.data;
  }
}

function badResponse(path: string, why: string): ProviderError {
  return new ProviderError({
    provider: "torbox",
    kind: "bad_response",
    message: `TorBox ${path}: unexpected answer (${why})`,
  });
}

function notFound(id: string): ProviderError {
  return new ProviderError({
    provider: "torbox",
    kind: "not_found",
    message: `TorBox: no torrent ${id}`,
    providerCode: "ITEM_NOT_FOUND",
    providerError: "ITEM_NOT_FOUND",
  });
}
