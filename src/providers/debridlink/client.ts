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
import { debridLinkBodyError, isDefinitiveDebridLinkError, mapDebridLinkError } from "./errors.ts";
import { mapTorrent, mapTorrentInfo } from "./map.ts";
import type { DlAccount, DlPagination } from "./wire.ts";

export interface DebridLinkOptions {
  apiKey: string;
  /** With the version: https://debrid-link.com/api/v2 */
  apiUrl: string;
  rateLimit: number;
  rateWindowMs: number;
  timeoutMs: number;
  clock: Clock;
  log: Logger;
  limiter?: RequestLimiter;
  maxRetries?: number;
  backoffBaseMs?: number;
  defaultRetryAfterMs?: number;
  onResponse?: (info: { provider: "debridlink"; status: number; elapsedMs: number; path: string }) => void;
  ambientMeter?: AmbientMeter;
}

/** seedbox/list takes 20 to 100 torrents per page. */
export const DL_PAGE_MAX = 100;
const DL_PAGE_MIN = 20;

/**
 * Debrid-Link API v2 adapter (https://debrid-link.com/api_doc/v2/introduction): Bearer API key,
 * `{success, value}` envelopes, errors as `{success: false, error}` whatever the HTTP status.
 */
export class DebridLinkProvider implements DebridProvider {
  readonly kind = "debridlink" as const;
  readonly limiter: RequestLimiter;
  private readonly http: DebridHttpClient;
  private readonly timeoutMs: number;

  constructor(options: DebridLinkOptions) {
    this.timeoutMs = options.timeoutMs;
    this.limiter =
      options.limiter ?? new SlidingWindowLimiter(options.rateLimit, options.rateWindowMs, options.clock);
    this.http = new DebridHttpClient({
      provider: "debridlink",
      baseUrl: options.apiUrl.replace(/\/+$/, ""),
      headers: () => ({ Authorization: `Bearer ${options.apiKey}` }),
      limiter: this.limiter,
      clock: options.clock,
      log: options.log.child({ module: "debridlink" }),
      timeoutMs: options.timeoutMs,
      mapError: mapDebridLinkError,
      isDefinitive: isDefinitiveDebridLinkError,
      bodyError: debridLinkBodyError,
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

  /** Pages of seedbox/list, newest first, until `pagination.next` is -1; files included. */
  async *listTorrents(options: { pageSize?: number } & CallOptions = {}): AsyncIterable<ProviderTorrent[]> {
    const perPage = Math.max(DL_PAGE_MIN, Math.min(DL_PAGE_MAX, options.pageSize ?? DL_PAGE_MAX));
    const seen = new Set<string>();
    for (let page = 0; ; ) {
      const body = await this.call({
        method: "GET",
        path: "/seedbox/list",
        query: { page, perPage },
        signal: options.signal,
        meter: options.meter,
      });
      const value = Array.isArray(body.value) ? body.value : null;
      if (!value) throw badResponse("/seedbox/list", "no value list");
      const items: ProviderTorrent[] = [];
      for (const raw of value) {
        // Each listed torrent carries its files and links: everything getTorrent would answer.
        const item = mapTorrentInfo(raw);
        if (item && !seen.has(item.id)) {
          seen.add(item.id);
          items.push({ ...item, complete: true });
        }
      }
      if (items.length > 0) yield items;
      const pagination = body.pagination as Partial<DlPagination> | undefined;
      const next = typeof pagination?.next === "number" ? pagination.next : -1;
      if (value.length === 0 || next <= page) return;
      page = next;
    }
  }

  /** seedbox/list?ids=<id>: the torrent with its files; an empty list means it is gone. */
  async getTorrent(id: string, options: CallOptions = {}): Promise<ProviderTorrentInfo> {
    const body = await this.call({
      method: "GET",
      path: "/seedbox/list",
      query: { ids: id },
      signal: options.signal,
      meter: options.meter,
    });
    const value = Array.isArray(body.value) ? body.value : [];
    const info = mapTorrentInfo(value.find((t) => (t as { id?: unknown })?.id === id));
    if (!info) {
      throw new ProviderError({
        provider: "debridlink",
        kind: "not_found",
        message: `Debrid-Link has no torrent ${id}`,
        providerError: "badId",
      });
    }
    return info;
  }

  async addMagnet(magnet: string): Promise<AddedTorrent> {
    const body = await this.call({
      method: "POST",
      path: "/seedbox/add",
      // async: answer at once, before the metadata is known (recommended by the documentation).
      form: { url: magnet, async: "true" },
      idempotent: false,
    });
    return readAdded(body.value);
  }

  async addTorrentFile(torrent: Uint8Array): Promise<AddedTorrent> {
    const form = new FormData();
    form.append(
      "file",
      new Blob([torrent as BlobPart], { type: "application/x-bittorrent" }),
      "upload.torrent",
    );
    form.append("async", "true");
    const body = await this.call({ method: "POST", path: "/seedbox/add", formData: form, idempotent: false });
    return readAdded(body.value);
  }

  /** Debrid-Link downloads every file of a torrent: nothing to select. */
  async selectFiles(_id: string, _fileIds: number[] | "all"): Promise<void> {}

  async deleteTorrent(id: string): Promise<void> {
    const body = await this.call({ method: "DELETE", path: `/seedbox/${encodeURIComponent(id)}/remove` });
    const removed = Array.isArray(body.value) ? body.value.map(String) : [];
    if (!removed.includes(id)) {
      throw new ProviderError({
        provider: "debridlink",
        kind: "not_found",
        message: `Debrid-Link has no torrent ${id} to remove`,
        providerError: "badId",
      });
    }
  }

  /**
   * A seedbox file's `downloadUrl` is already direct: nothing to unrestrict. One ranged read of
   * its first byte tells whether it still works (404/410 once the torrent is gone), its size and
   * its name. It goes to the download server, not the API, so the API limiter does not count it.
   */
  async unrestrictLink(link: string): Promise<UnrestrictedLink> {
    let res: Response;
    try {
      res = await fetch(link, {
        headers: { Range: "bytes=0-0" },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      throw new ProviderError({
        provider: "debridlink",
        kind: "network",
        message: `Debrid-Link download link unreachable: ${cause instanceof Error ? cause.message : String(cause)}`,
        cause,
      });
    }
    await res.body?.cancel();
    if (res.status === 404 || res.status === 410) {
      throw new ProviderError({
        provider: "debridlink",
        kind: "not_found",
        message: `Debrid-Link download link is gone (HTTP ${res.status})`,
        httpStatus: res.status,
        providerError: "fileNotFound",
      });
    }
    if (!res.ok) {
      throw new ProviderError({
        provider: "debridlink",
        kind: res.status >= 500 ? "unavailable" : "bad_request",
        message: `Debrid-Link download link answered HTTP ${res.status}`,
        httpStatus: res.status,
      });
    }
    return {
      download: link,
      filename: fileNameOf(res.headers.get("content-disposition"), link),
      filesize: sizeOf(res),
      host: "debrid-link.com",
      chunks: null,
      mimeType: res.headers.get("content-type"),
    };
  }

  async getAccount(): Promise<AccountInfo> {
    const body = await this.call({ method: "GET", path: "/account/infos" });
    const account = (body.value ?? {}) as Partial<DlAccount>;
    const left = Math.max(0, Number(account.premiumLeft ?? 0) || 0);
    const type = Number(account.accountType ?? 0);
    return {
      username: String(account.username ?? ""),
      email: typeof account.email === "string" ? account.email : null,
      premium: type === 2 || (type === 1 && left > 0),
      premiumSecondsLeft: left,
      expiration: left > 0 ? new Date(Date.now() + left * 1000).toISOString() : null,
      traffic: [],
    };
  }

  /** One request; the success envelope (errors are thrown by the HTTP client). */
  private async call(req: Omit<HttpRequest, "json">): Promise<Record<string, unknown>> {
    const res = await this.http.request({ ...req, json: true });
    const body = res.data;
    if (!body || typeof body !== "object") throw badResponse(req.path, `empty answer (HTTP ${res.status})`);
    return body as Record<string, unknown>;
  }
}

function badResponse(path: string, why: string): ProviderError {
  return new ProviderError({
    provider: "debridlink",
    kind: "bad_response",
    message: `Debrid-Link ${path}: unexpected answer (${why})`,
  });
}

/** The seedbox/add answer: its id, and cached when it is complete already. */
function readAdded(value: unknown): AddedTorrent {
  const item = mapTorrent(value);
  if (!item) throw badResponse("/seedbox/add", "no torrent id");
  return { id: item.id, cached: item.status === "downloaded" };
}

function sizeOf(res: Response): number {
  const total = /\/(\d+)\s*$/.exec(res.headers.get("content-range") ?? "")?.[1];
  if (total) return Number(total);
  return res.status === 200 ? Number(res.headers.get("content-length") ?? 0) : 0;
}

function fileNameOf(disposition: string | null, link: string): string {
  const quoted = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition ?? "")?.[1];
  const raw = quoted ?? new URL(link).pathname.split("/").pop() ?? "";
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
