import type { z } from "zod";
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../logger.ts";
import type { RequestLimiter } from "../http/combined-limiter.ts";
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
import { mapPremiumizeError, premiumizeBodyError } from "./errors.ts";
import {
  btihOf,
  type CloudFile,
  fileFromItem,
  itemIdOf,
  mapTransfer,
  mapTransferInfo,
  statusOf,
} from "./map.ts";
import {
  PmAccountInfo,
  PmCacheCheck,
  PmDirectDl,
  PmFolderList,
  PmItemDetails,
  PmTransfer,
  PmTransferCreate,
  PmTransferList,
} from "./wire.ts";

export interface PremiumizeOptions {
  apiKey: string;
  /** https://www.premiumize.me/api (paths add /transfer/list…). */
  apiUrl: string;
  /** Requests per `rateWindowMs`: Premiumize documents none; see docs/providers.md. */
  rateLimit: number;
  rateWindowMs: number;
  timeoutMs: number;
  clock: Clock;
  log: Logger;
  limiter?: RequestLimiter;
  maxRetries?: number;
  backoffBaseMs?: number;
  defaultRetryAfterMs?: number;
  /** How long a transfer list may answer getTorrent for transfers that can no longer change. */
  snapshotMs?: number;
  onResponse?: (info: { provider: "premiumize"; status: number; elapsedMs: number; path: string }) => void;
  ambientMeter?: AmbientMeter;
}

/** /cache/check takes many items per call; a sane batch keeps URLs and bodies small. */
export const PM_CACHE_BATCH = 100;
/** Folder depth we follow inside one transfer (a loop in the answers must not hang us). */
const MAX_DEPTH = 32;
/** Statuses after which a transfer does not change any more (only its deletion can happen). */
const SETTLED = new Set(["finished", "seeding", "error", "timeout", "deleted", "banned"]);

/**
 * Premiumize API adapter. Its model differs from Real-Debrid's: a transfer finishes into a cloud
 * folder (`folder_id`) or file (`file_id`); the library is the transfer list plus those contents.
 * There is no per-transfer endpoint: getTorrent reads /transfer/list (reusing the last list for
 * settled transfers, so a full sync costs one list plus one folder read per finished transfer).
 */
export class PremiumizeProvider implements DebridProvider {
  readonly kind = "premiumize" as const;
  /** A transfer has no size, and its links are its cloud files: both come with the details. */
  readonly listOmits = { bytes: true, links: true } as const;
  readonly limiter: RequestLimiter;
  private readonly http: DebridHttpClient;
  private readonly clock: Clock;
  private readonly snapshotMs: number;
  private snapshot: { at: number; byId: Map<string, PmTransfer> } | null = null;
  private listing: Promise<void> | null = null;

  constructor(options: PremiumizeOptions) {
    this.clock = options.clock;
    this.snapshotMs = options.snapshotMs ?? 60_000;
    this.limiter =
      options.limiter ?? new SlidingWindowLimiter(options.rateLimit, options.rateWindowMs, options.clock);
    this.http = new DebridHttpClient({
      provider: "premiumize",
      baseUrl: options.apiUrl.replace(/\/+$/, ""),
      // The documentation recommends the Bearer header (keeps the key out of URLs and logs).
      headers: () => ({ Authorization: `Bearer ${options.apiKey}` }),
      limiter: this.limiter,
      clock: options.clock,
      log: options.log.child({ module: "premiumize" }),
      timeoutMs: options.timeoutMs,
      mapError: mapPremiumizeError,
      bodyError: premiumizeBodyError,
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
   * The whole library in one call: /transfer/list does not page. A transfer that is not finished
   * has no cloud content yet (or none any more): the list says all there is to know of it, so it
   * comes as complete details and a sync spends no request on it.
   */
  async *listTorrents(options: { pageSize?: number } & CallOptions = {}): AsyncIterable<ProviderTorrent[]> {
    const transfers = await this.transfers(options);
    if (transfers.length > 0) yield transfers.map(listed);
  }

  async getTorrent(id: string, options: CallOptions = {}): Promise<ProviderTorrentInfo> {
    const transfer = await this.transfer(id, options);
    if (statusOf(transfer.status) !== "downloaded") return mapTransferInfo(transfer, []);
    const content = await this.content(transfer, options);
    if (content === "gone") {
      // Finished, but its folder or file was deleted from the cloud: re-adding brings it back.
      return {
        ...mapTransferInfo({ ...transfer, status: "deleted" }, []),
        providerStatus: "finished: content deleted",
      };
    }
    if (content.length === 0) {
      // Finished a moment ago: the cloud does not show the content yet (Premiumize is still moving it).
      return { ...mapTransferInfo(transfer, []), status: "uploading", progress: 100, links: [] };
    }
    return mapTransferInfo(transfer, content);
  }

  async addMagnet(magnet: string): Promise<AddedTorrent> {
    const hash = btihOf(magnet);
    const cached = hash ? await this.cachedOrUnknown(hash) : undefined;
    const data = await this.call(PmTransferCreate, {
      method: "POST",
      path: "/transfer/create",
      form: { src: magnet },
      idempotent: false,
    });
    return { id: data.id, cached };
  }

  async addTorrentFile(torrent: Uint8Array): Promise<AddedTorrent> {
    // Reading the info-hash would take a bencode parser, which providers do not import: the
    // cache is not asked, and the transfer's own status says whether it was cached.
    const form = new FormData();
    form.append(
      "src",
      new Blob([torrent as BlobPart], { type: "application/x-bittorrent" }),
      "upload.torrent",
    );
    const data = await this.call(PmTransferCreate, {
      method: "POST",
      path: "/transfer/create",
      formData: form,
      idempotent: false,
    });
    return { id: data.id };
  }

  /** Premiumize fetches every file of a torrent: nothing to select. */
  async selectFiles(_id: string, _fileIds: number[] | "all"): Promise<void> {}

  /** Deletes the transfer and what it left in the cloud (as deleting a Real-Debrid torrent does). */
  async deleteTorrent(id: string): Promise<void> {
    const transfer = await this.transfer(id, {}, true);
    await this.call(null, { method: "POST", path: "/transfer/delete", form: { id } });
    this.snapshot?.byId.delete(id);
    const target = transfer.folder_id
      ? { path: "/folder/delete", id: transfer.folder_id }
      : transfer.file_id
        ? { path: "/item/delete", id: transfer.file_id }
        : null;
    if (!target) return;
    await this.call(null, { method: "POST", path: target.path, form: { id: target.id } }).catch((error) => {
      // Already removed by hand: the torrent is gone either way.
      if (!(error instanceof ProviderError && error.kind === "not_found")) throw error;
    });
  }

  /** One of our item links (see map.ts) → a fresh direct link from /item/details. */
  /**
   * POST /transfer/directdl: a file host's link → its direct link, without a transfer in the
   * cloud. A link holding several files (a folder) is refused: one link is one download here.
   */
  async unrestrictHosterLink(link: string): Promise<UnrestrictedLink> {
    const data = await this.call(PmDirectDl, {
      method: "POST",
      path: "/transfer/directdl",
      form: { src: link },
    });
    const [file, ...more] = data.content;
    if (!file || more.length > 0) {
      throw new ProviderError({
        provider: "premiumize",
        kind: "bad_request",
        message: `Premiumize: the link holds ${data.content.length} files; only a link to one file is downloaded`,
      });
    }
    return {
      download: file.link,
      filename: file.path.split("/").pop() || file.path,
      filesize: typeof file.size === "number" && Number.isFinite(file.size) ? file.size : 0,
      host: URL.canParse(link) ? new URL(link).host : null,
      chunks: null,
      mimeType: null,
    };
  }

  async unrestrictLink(link: string): Promise<UnrestrictedLink> {
    const id = itemIdOf(link);
    if (!id) {
      throw new ProviderError({
        provider: "premiumize",
        kind: "bad_request",
        message: "Premiumize: not a Premiumize cloud file link",
      });
    }
    const item = await this.call(PmItemDetails, { method: "GET", path: "/item/details", query: { id } });
    if (!item.link) {
      throw new ProviderError({
        provider: "premiumize",
        kind: "unavailable",
        message: `Premiumize has no download link for "${item.name}" yet`,
      });
    }
    return {
      download: item.link,
      filename: item.name,
      filesize: typeof item.size === "number" ? item.size : 0,
      host: "premiumize.me",
      chunks: null,
      mimeType: item.mime_type ?? null,
    };
  }

  async getAccount(): Promise<AccountInfo> {
    const data = await this.call(PmAccountInfo, { method: "GET", path: "/account/info" });
    const until = typeof data.premium_until === "number" ? data.premium_until : 0;
    const nowSeconds = Math.floor(this.clock.now() / 1000);
    const used =
      typeof data.limit_used === "number" && Number.isFinite(data.limit_used) ? data.limit_used : null;
    return {
      username: `customer ${data.customer_id}`,
      email: null,
      premium: until > nowSeconds,
      premiumSecondsLeft: until > nowSeconds ? until - nowSeconds : 0,
      expiration: until > 0 ? new Date(until * 1000).toISOString() : null,
      // Fair use is the only quota: the share left, in percent.
      traffic:
        used === null
          ? []
          : [{ host: "fair use", left: Math.round(Math.max(0, 1 - used) * 1000) / 10, type: "percent" }],
    };
  }

  /** Which info-hashes Premiumize already has (/cache/check: costs no fair-use points). */
  async checkCached(hashes: readonly string[], options: CallOptions = {}): Promise<Map<string, boolean>> {
    const result = new Map<string, boolean>();
    for (let start = 0; start < hashes.length; start += PM_CACHE_BATCH) {
      const batch = hashes.slice(start, start + PM_CACHE_BATCH);
      const data = await this.call(PmCacheCheck, {
        method: "POST",
        path: "/cache/check",
        form: { "items[]": [...batch] },
        signal: options.signal,
        meter: options.meter,
      });
      for (const [i, hash] of batch.entries()) result.set(hash, data.response[i] === true);
    }
    return result;
  }

  /** The cache answer for one hash; a failed check (other than a bad key) does not stop an add. */
  private async cachedOrUnknown(hash: string): Promise<boolean | undefined> {
    try {
      return (await this.checkCached([hash])).get(hash);
    } catch (error) {
      if (error instanceof ProviderError && error.kind === "auth") throw error;
      return undefined;
    }
  }

  private async transfers(options: CallOptions): Promise<PmTransfer[]> {
    const data = await this.call(PmTransferList, {
      method: "GET",
      path: "/transfer/list",
      signal: options.signal,
      meter: options.meter,
    });
    const byId = new Map<string, PmTransfer>();
    for (const raw of data.transfers) {
      const parsed = PmTransfer.safeParse(raw);
      if (parsed.success && !byId.has(parsed.data.id)) byId.set(parsed.data.id, parsed.data);
    }
    this.snapshot = { at: this.clock.now(), byId };
    return [...byId.values()];
  }

  /**
   * A fresh list for one lookup. Lookups made while a list is already on its way share it: the
   * sync's workers and the download poller ask for many transfers at once, and each list answer
   * holds them all (the whole library: a heavy answer to repeat).
   */
  private refresh(options: CallOptions): Promise<void> {
    this.listing ??= this.transfers(options)
      .then(() => undefined)
      .finally(() => {
        this.listing = null;
      });
    return this.listing;
  }

  /** One transfer by id: from a recent list when it is settled, else from a fresh list. */
  private async transfer(id: string, options: CallOptions, fresh = false): Promise<PmTransfer> {
    const recent =
      this.snapshot && this.clock.now() - this.snapshot.at < this.snapshotMs ? this.snapshot : null;
    const known = recent?.byId.get(id);
    if (!fresh && known && SETTLED.has(known.status.toLowerCase())) return known;
    await this.refresh(options);
    const found = this.snapshot?.byId.get(id);
    if (!found) {
      throw new ProviderError({
        provider: "premiumize",
        kind: "not_found",
        message: `Premiumize has no transfer ${id}`,
      });
    }
    return found;
  }

  /** The files a finished transfer left in the cloud, "gone" when they were deleted. */
  private async content(transfer: PmTransfer, options: CallOptions): Promise<CloudFile[] | "gone"> {
    try {
      if (transfer.file_id) {
        const item = await this.call(PmItemDetails, {
          method: "GET",
          path: "/item/details",
          query: { id: transfer.file_id },
          signal: options.signal,
          meter: options.meter,
        });
        return [fileFromItem(item, `/${item.name}`)];
      }
      if (transfer.folder_id) {
        const files: CloudFile[] = [];
        await this.walk(transfer.folder_id, null, files, options, 0);
        return files;
      }
      return [];
    } catch (error) {
      if (error instanceof ProviderError && error.kind === "not_found") return "gone";
      throw error;
    }
  }

  /** Lists a folder depth first; paths start with the transfer folder's own name. */
  private async walk(
    folderId: string,
    prefix: string | null,
    files: CloudFile[],
    options: CallOptions,
    depth: number,
  ): Promise<void> {
    if (depth > MAX_DEPTH) return;
    const folder = await this.call(PmFolderList, {
      method: "GET",
      path: "/folder/list",
      query: { id: folderId },
      signal: options.signal,
      meter: options.meter,
    });
    const base = prefix ?? `/${folder.name ?? ""}`;
    for (const item of folder.content) {
      const path = `${base}/${item.name}`;
      if (item.type === "folder") await this.walk(item.id, path, files, options, depth + 1);
      else files.push(fileFromItem(item, path));
    }
  }

  /** One request; the answer checked against its documented shape (null: only `status`). */
  private async call<S extends z.ZodType>(
    schema: S | null,
    req: Omit<HttpRequest, "json">,
  ): Promise<z.infer<S>> {
    const res = await this.http.request({ ...req, json: true });
    if (!schema) return res.data as z.infer<S>;
    const parsed = schema.safeParse(res.data);
    if (!parsed.success) {
      throw new ProviderError({
        provider: "premiumize",
        kind: "bad_response",
        message: `Premiumize ${req.path}: unexpected answer (${parsed.error.issues[0]?.path.join(".") || "shape"})`,
        httpStatus: res.status,
      });
    }
    return parsed.data;
  }
}

/** A listed transfer: its details too when it has no cloud content to read. */
function listed(transfer: PmTransfer): ProviderTorrent {
  if (statusOf(transfer.status) === "downloaded") return mapTransfer(transfer);
  return { ...mapTransferInfo(transfer, []), complete: true };
}
