import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../logger.ts";
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
import {
  adError,
  allDebridBodyError,
  isDefinitiveAllDebridError,
  mapAllDebridError,
  readAdError,
} from "./errors.ts";
import { mapMagnet, mapMagnetInfo } from "./map.ts";
import type { AdDelayed, AdUnlock, AdUser } from "./wire.ts";

export interface AllDebridOptions {
  apiKey: string;
  /** Without version: https://api.alldebrid.com (paths add /v4 or /v4.1). */
  apiUrl: string;
  /** Requests per `rateWindowMs` (documented: 600 per minute). */
  rateLimit: number;
  rateWindowMs: number;
  /** Requests per `burstWindowMs` (documented: 12 per second). */
  burstLimit?: number;
  burstWindowMs?: number;
  timeoutMs: number;
  clock: Clock;
  log: Logger;
  /** Share one limiter between every user of the same key. */
  limiter?: RequestLimiter;
  maxRetries?: number;
  backoffBaseMs?: number;
  defaultRetryAfterMs?: number;
  /** Pause between two /link/delayed polls (the documentation asks for at most one per 5 s). */
  delayedPollMs?: number;
  /** Give up on a delayed link after this long. */
  delayedTimeoutMs?: number;
  onResponse?: (info: { provider: "alldebrid"; status: number; elapsedMs: number; path: string }) => void;
  ambientMeter?: AmbientMeter;
}

export const AD_BURST_LIMIT = 12;
/**
 * Ids per /v4/magnet/files call. AllDebrid documents `id[]` as "one or more" with no maximum; 100
 * keeps a form body near 1.5 KB and an answer of a few hundred KB.
 */
export const AD_FILES_BATCH = 100;
/** How long the last magnet list answers a batch of details (a sync's walk just read it). */
const LIST_REUSE_MS = 60_000;
export const AD_DELAYED_POLL_MS = 5_000;

/**
 * AllDebrid API v4/v4.1 adapter (https://docs.alldebrid.com/). Every answer is checked for
 * `status`, whatever the HTTP code: errors usually come back as HTTP 200.
 */
export class AllDebridProvider implements DebridProvider {
  readonly kind = "alldebrid" as const;
  /** /v4.1/magnet/status has no file tree, so no links: they come with the details. */
  readonly listOmits = { links: true } as const;
  readonly detailsBatch = AD_FILES_BATCH;
  readonly limiter: RequestLimiter;
  private snapshot: { at: number; byId: Map<string, unknown> } | null = null;
  private listing: Promise<Map<string, unknown>> | null = null;
  private readonly http: DebridHttpClient;
  private readonly clock: Clock;
  private readonly delayedPollMs: number;
  private readonly delayedTimeoutMs: number;

  constructor(options: AllDebridOptions) {
    this.clock = options.clock;
    this.delayedPollMs = Math.max(options.delayedPollMs ?? AD_DELAYED_POLL_MS, 1);
    this.delayedTimeoutMs = options.delayedTimeoutMs ?? 10 * 60_000;
    this.limiter =
      options.limiter ??
      new CombinedLimiter([
        new SlidingWindowLimiter(options.rateLimit, options.rateWindowMs, options.clock),
        new SlidingWindowLimiter(
          options.burstLimit ?? AD_BURST_LIMIT,
          options.burstWindowMs ?? 1000,
          options.clock,
        ),
      ]);
    this.http = new DebridHttpClient({
      provider: "alldebrid",
      baseUrl: options.apiUrl.replace(/\/+$/, ""),
      headers: () => ({ Authorization: `Bearer ${options.apiKey}` }),
      limiter: this.limiter,
      clock: options.clock,
      log: options.log.child({ module: "alldebrid" }),
      timeoutMs: options.timeoutMs,
      mapError: mapAllDebridError,
      isDefinitive: isDefinitiveAllDebridError,
      bodyError: allDebridBodyError,
      secrets: [options.apiKey],
      maxRetries: options.maxRetries,
      backoffBaseMs: options.backoffBaseMs,
      defaultRetryAfterMs: options.defaultRetryAfterMs,
      onResponse: options.onResponse as never,
      ambientMeter: options.ambientMeter,
    });
  }

  stats(): RequestStats {
    return this.http.stats();
  }

  /**
   * The whole library in one call (AllDebrid does not page). A magnet still in queue or failed has
   * no file tree to read: the list says all there is, so it comes as complete details.
   */
  async *listTorrents(options: { pageSize?: number } & CallOptions = {}): AsyncIterable<ProviderTorrent[]> {
    const magnets = await this.magnets(options);
    const items: ProviderTorrent[] = [];
    for (const raw of magnets.values()) {
      const item = hasFileTree(raw) ? mapMagnet(raw) : completeItem(raw);
      if (item) items.push(item);
    }
    if (items.length > 0) yield items;
  }

  /**
   * Details of many magnets: their list entries (the last list when it is recent, else one new
   * list) and one /v4/magnet/files call for all of those that have a file tree.
   */
  async getTorrents(
    ids: readonly string[],
    options: CallOptions = {},
  ): Promise<Map<string, ProviderTorrentInfo | Error>> {
    const recent =
      this.snapshot && this.clock.now() - this.snapshot.at < LIST_REUSE_MS ? this.snapshot.byId : null;
    const magnets = recent && ids.every((id) => recent.has(id)) ? recent : await this.refresh(options);
    const withTree = ids.filter((id) => hasFileTree(magnets.get(id)));
    const trees = new Map<string, unknown>();
    for (let start = 0; start < withTree.length; start += AD_FILES_BATCH) {
      const batch = withTree.slice(start, start + AD_FILES_BATCH);
      for (const [id, tree] of await this.filesOf(batch, options)) trees.set(id, tree);
    }
    const out = new Map<string, ProviderTorrentInfo | Error>();
    for (const id of ids) {
      const raw = magnets.get(id);
      const tree = trees.get(id);
      // Not listed, or deleted between the list and the files: gone (left out).
      if (raw === undefined || tree instanceof Error) continue;
      out.set(id, mapMagnetInfo(raw, tree ?? []) ?? badResponse("/v4.1/magnet/status", `magnet ${id}`));
    }
    return out;
  }

  /** Every magnet by id, from one /v4.1/magnet/status (kept for getTorrents). */
  private async magnets(options: CallOptions): Promise<Map<string, unknown>> {
    const data = await this.call({
      method: "POST",
      path: "/v4.1/magnet/status",
      signal: options.signal,
      meter: options.meter,
    });
    const magnets = (data as { magnets?: unknown }).magnets;
    // An array, or (seen in clients) an object keyed by id.
    const list = Array.isArray(magnets)
      ? magnets
      : magnets && typeof magnets === "object"
        ? Object.values(magnets)
        : null;
    if (!list) throw badResponse("/v4.1/magnet/status", "no magnets list");
    const byId = new Map<string, unknown>();
    for (const raw of list) {
      const id = (raw as { id?: unknown } | null)?.id;
      if ((typeof id === "number" || typeof id === "string") && !byId.has(String(id)))
        byId.set(String(id), raw);
    }
    this.snapshot = { at: this.clock.now(), byId };
    return byId;
  }

  /** One list for every caller waiting at the same time (the sync's workers). */
  private refresh(options: CallOptions): Promise<Map<string, unknown>> {
    this.listing ??= this.magnets(options).finally(() => {
      this.listing = null;
    });
    return this.listing;
  }

  /** The /v4/magnet/files trees of several magnets; an unknown id maps to its error. */
  private async filesOf(ids: string[], options: CallOptions): Promise<Map<string, unknown>> {
    const data = await this.call({
      method: "POST",
      path: "/v4/magnet/files",
      form: { "id[]": ids },
      signal: options.signal,
      meter: options.meter,
    });
    const magnets = (data as { magnets?: unknown }).magnets;
    const trees = new Map<string, unknown>();
    for (const entry of Array.isArray(magnets) ? magnets : []) {
      const id = (entry as { id?: unknown } | null)?.id;
      if (typeof id !== "number" && typeof id !== "string") continue;
      const error = readAdError(entry);
      if (error?.code === "MAGNET_INVALID_ID") trees.set(String(id), adError(error.code, error.message, 200));
      else trees.set(String(id), error ? [] : ((entry as { files?: unknown }).files ?? []));
    }
    return trees;
  }

  async getTorrent(id: string, options: CallOptions = {}): Promise<ProviderTorrentInfo> {
    const status = await this.call({
      method: "POST",
      path: "/v4.1/magnet/status",
      form: { id },
      signal: options.signal,
      meter: options.meter,
    });
    const magnet = (status as { magnets?: unknown }).magnets;
    const item = mapMagnet(Array.isArray(magnet) ? magnet[0] : magnet);
    if (!item) throw badResponse("/v4.1/magnet/status", "no magnet in the answer");
    let tree: unknown = (magnet as { files?: unknown }).files;
    // v4.1 moved the file tree to /v4/magnet/files; failed magnets have nothing to list.
    if (
      tree === undefined &&
      item.status !== "error" &&
      item.status !== "magnet_error" &&
      item.status !== "dead"
    ) {
      tree = await this.files(id, options);
    }
    const info = mapMagnetInfo(magnet, tree ?? []);
    if (!info) throw badResponse("/v4.1/magnet/status", "no magnet in the answer");
    return info;
  }

  /** The /v4/magnet/files tree of one magnet ([] while AllDebrid has none to give). */
  private async files(id: string, options: CallOptions): Promise<unknown> {
    const data = await this.call({
      method: "POST",
      path: "/v4/magnet/files",
      form: { "id[]": id },
      signal: options.signal,
      meter: options.meter,
    });
    const magnets = (data as { magnets?: unknown }).magnets;
    const entry = (Array.isArray(magnets) ? magnets[0] : magnets) as { files?: unknown } | undefined;
    const error = readAdError(entry);
    if (error) {
      if (error.code === "MAGNET_INVALID_ID") throw adError(error.code, error.message, 200);
      return [];
    }
    return entry?.files ?? [];
  }

  async addMagnet(magnet: string): Promise<AddedTorrent> {
    const data = await this.call({
      method: "POST",
      path: "/v4/magnet/upload",
      form: { "magnets[]": magnet },
      idempotent: false,
    });
    return readAdded((data as { magnets?: unknown }).magnets, "/v4/magnet/upload");
  }

  async addTorrentFile(torrent: Uint8Array): Promise<AddedTorrent> {
    const form = new FormData();
    form.append(
      "files[]",
      new Blob([torrent as BlobPart], { type: "application/x-bittorrent" }),
      "upload.torrent",
    );
    const data = await this.call({
      method: "POST",
      path: "/v4/magnet/upload/file",
      formData: form,
      idempotent: false,
    });
    return readAdded((data as { files?: unknown }).files, "/v4/magnet/upload/file");
  }

  /** AllDebrid downloads every file of a magnet: nothing to select. */
  async selectFiles(_id: string, _fileIds: number[] | "all"): Promise<void> {}

  async deleteTorrent(id: string): Promise<void> {
    await this.call({ method: "POST", path: "/v4/magnet/delete", form: { id } });
  }

  /** /v4/link/unlock takes any supported host's link (delayed links waited for), as the magnets' own links. */
  unrestrictHosterLink(link: string): Promise<UnrestrictedLink> {
    return this.unrestrictLink(link);
  }

  async unrestrictLink(link: string): Promise<UnrestrictedLink> {
    const data = (await this.call({
      method: "POST",
      path: "/v4/link/unlock",
      form: { link },
    })) as Partial<AdUnlock>;
    let download = typeof data.link === "string" ? data.link : "";
    if (data.delayed !== undefined && data.delayed !== null) {
      download = await this.waitDelayed(String(data.delayed));
    }
    if (!download) throw badResponse("/v4/link/unlock", "no download link");
    return {
      download,
      filename: String(data.filename ?? ""),
      filesize: Number(data.filesize ?? 0),
      host: typeof data.host === "string" ? data.host : null,
      chunks: null,
      mimeType: null,
    };
  }

  /** Polls /v4/link/delayed (status 1 processing, 2 ready, 3 error) until the link is ready. */
  private async waitDelayed(id: string): Promise<string> {
    const deadline = this.clock.now() + this.delayedTimeoutMs;
    for (;;) {
      await this.clock.sleep(this.delayedPollMs);
      const data = (await this.call({
        method: "POST",
        path: "/v4/link/delayed",
        form: { id },
      })) as Partial<AdDelayed>;
      if (data.status === 2 && typeof data.link === "string" && data.link) return data.link;
      if (data.status === 3) {
        throw new ProviderError({
          provider: "alldebrid",
          kind: "unavailable",
          message: "AllDebrid could not generate the delayed link (status 3)",
          providerError: "DELAYED_ERROR",
        });
      }
      if (this.clock.now() >= deadline) {
        throw new ProviderError({
          provider: "alldebrid",
          kind: "unavailable",
          message: `AllDebrid delayed link not ready after ${Math.round(this.delayedTimeoutMs / 1000)} s`,
        });
      }
    }
  }

  async getAccount(): Promise<AccountInfo> {
    const data = await this.call({ method: "GET", path: "/v4/user" });
    const user = ((data as { user?: unknown }).user ?? {}) as Partial<AdUser>;
    const until = Number(user.premiumUntil ?? 0);
    const nowSeconds = Math.floor(this.clock.now() / 1000);
    return {
      username: String(user.username ?? ""),
      email: typeof user.email === "string" ? user.email : null,
      premium: user.isPremium === true,
      premiumSecondsLeft: until > nowSeconds ? until - nowSeconds : 0,
      expiration: until > 0 ? new Date(until * 1000).toISOString() : null,
      traffic: Object.entries(user.limitedHostersQuotas ?? {}).map(([host, megabytes]) => ({
        host,
        left: typeof megabytes === "number" ? megabytes : null,
        type: "megabytes",
      })),
    };
  }

  /** One request; returns `data` of a success envelope (errors are thrown by the HTTP client). */
  private async call(req: Omit<HttpRequest, "json">): Promise<Record<string, unknown>> {
    const res = await this.http.request({ ...req, json: true });
    const data = (res.data as { data?: unknown } | undefined)?.data;
    if (!data || typeof data !== "object") throw badResponse(req.path, `no data (HTTP ${res.status})`);
    return data as Record<string, unknown>;
  }
}

function badResponse(path: string, why: string): ProviderError {
  return new ProviderError({
    provider: "alldebrid",
    kind: "bad_response",
    message: `AllDebrid ${path}: unexpected answer (${why})`,
  });
}

/** The first entry of an upload answer: its id and `ready`, or its own error. */
function readAdded(entries: unknown, path: string): AddedTorrent {
  const entry = Array.isArray(entries) ? entries[0] : undefined;
  if (!entry || typeof entry !== "object") throw badResponse(path, "no entry");
  const error = readAdError(entry);
  if (error) throw adError(error.code, error.message, 200);
  const { id, ready } = entry as { id?: unknown; ready?: unknown };
  if (typeof id !== "number" && typeof id !== "string") throw badResponse(path, "no id");
  return { id: String(id), cached: ready === true };
}

/** A magnet with a file tree to read: downloading to ready (statusCodes 1 to 4). */
function hasFileTree(raw: unknown): boolean {
  const code = Number((raw as { statusCode?: unknown } | null)?.statusCode);
  return code >= 1 && code <= 4;
}

/** A list entry that is all its details (in queue, or failed: no files). */
function completeItem(raw: unknown): ProviderTorrent | null {
  const info = mapMagnetInfo(raw, []);
  return info ? { ...info, complete: true } : null;
}
