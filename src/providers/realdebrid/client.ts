import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../logger.ts";
import { type AmbientMeter, DebridHttpClient, type HttpResponse } from "../http/http-client.ts";
import { SlidingWindowLimiter } from "../http/rate-limiter.ts";
import {
  type AccountInfo,
  type CallOptions,
  type DebridProvider,
  ProviderError,
  type ProviderTorrent,
  type ProviderTorrentInfo,
  type RequestStats,
  type UnrestrictedLink,
} from "../types.ts";
import { isDefinitiveRealDebridError, mapRealDebridError } from "./errors.ts";
import { mapTorrentInfo, mapTorrentItem } from "./map.ts";
import type { RdTraffic, RdUnrestrict, RdUser } from "./wire.ts";

export interface RealDebridOptions {
  token: string;
  apiUrl: string;
  rateLimit: number;
  rateWindowMs: number;
  timeoutMs: number;
  clock: Clock;
  log: Logger;
  /** Share one limiter between every user of the same token. */
  limiter?: SlidingWindowLimiter;
  maxRetries?: number;
  backoffBaseMs?: number;
  onResponse?: (info: { provider: "realdebrid"; status: number; elapsedMs: number; path: string }) => void;
  ambientMeter?: AmbientMeter;
}

/** The documented maximum page size of GET /torrents. */
export const RD_MAX_PAGE = 5000;

/** Real-Debrid REST 1.0 adapter. https://api.real-debrid.com/ */
export class RealDebridProvider implements DebridProvider {
  readonly kind = "realdebrid" as const;
  readonly limiter: SlidingWindowLimiter;
  private readonly http: DebridHttpClient;

  constructor(options: RealDebridOptions) {
    this.limiter =
      options.limiter ?? new SlidingWindowLimiter(options.rateLimit, options.rateWindowMs, options.clock);
    this.http = new DebridHttpClient({
      provider: "realdebrid",
      baseUrl: options.apiUrl,
      headers: () => ({ Authorization: `Bearer ${options.token}` }),
      limiter: this.limiter,
      clock: options.clock,
      log: options.log.child({ module: "realdebrid" }),
      timeoutMs: options.timeoutMs,
      mapError: mapRealDebridError,
      isDefinitive: isDefinitiveRealDebridError,
      secrets: [options.token],
      maxRetries: options.maxRetries,
      backoffBaseMs: options.backoffBaseMs,
      onResponse: options.onResponse as never,
      ambientMeter: options.ambientMeter,
    });
  }

  stats(): RequestStats {
    return this.http.stats();
  }

  async *listTorrents(options: { pageSize?: number } & CallOptions = {}): AsyncIterable<ProviderTorrent[]> {
    const limit = Math.min(options.pageSize ?? RD_MAX_PAGE, RD_MAX_PAGE);
    const seen = new Set<string>();
    for (let page = 1; ; page++) {
      const res = await this.http.request({
        method: "GET",
        path: "/torrents",
        query: { page, limit },
        json: true,
        signal: options.signal,
        meter: options.meter,
      });
      // 204 (empty body) past the end of the library.
      if (res.status === 204 || res.text.trim() === "") return;
      const raw = res.data;
      if (!Array.isArray(raw)) throw badResponse("/torrents", "expected an array");
      const items: ProviderTorrent[] = [];
      for (const entry of raw) {
        const item = mapTorrentItem(entry);
        // Torrents added during the walk shift later pages: an id seen twice is kept once.
        if (item && !seen.has(item.id)) {
          seen.add(item.id);
          items.push(item);
        }
      }
      if (items.length > 0) yield items;
      if (raw.length < limit) return;
      const total = Number(res.headers.get("x-total-count"));
      if (Number.isFinite(total) && total > 0 && page * limit >= total) return;
    }
  }

  async getTorrent(id: string, options: CallOptions = {}): Promise<ProviderTorrentInfo> {
    const path = `/torrents/info/${encodeURIComponent(id)}`;
    const res = await this.http.request({
      method: "GET",
      path,
      json: true,
      signal: options.signal,
      meter: options.meter,
    });
    const info = mapTorrentInfo(parseJson(res, path));
    if (!info) throw badResponse(path, "no torrent id in the answer");
    return info;
  }

  async addMagnet(magnet: string): Promise<{ id: string }> {
    const res = await this.http.request({
      method: "POST",
      path: "/torrents/addMagnet",
      form: { magnet },
      json: true,
      idempotent: false,
    });
    return readId(res, "/torrents/addMagnet");
  }

  async addTorrentFile(torrent: Uint8Array): Promise<{ id: string }> {
    const res = await this.http.request({
      method: "PUT",
      path: "/torrents/addTorrent",
      body: torrent,
      json: true,
      idempotent: false,
    });
    return readId(res, "/torrents/addTorrent");
  }

  async selectFiles(id: string, fileIds: number[] | "all"): Promise<void> {
    const files = fileIds === "all" ? "all" : fileIds.join(",");
    try {
      await this.http.request({
        method: "POST",
        path: `/torrents/selectFiles/${encodeURIComponent(id)}`,
        form: { files },
      });
    } catch (error) {
      // 202 action_already_done is a success for us; anything else propagates.
      if (error instanceof ProviderError && error.providerCode === 31) return;
      throw error;
    }
  }

  async deleteTorrent(id: string): Promise<void> {
    await this.http.request({ method: "DELETE", path: `/torrents/delete/${encodeURIComponent(id)}` });
  }

  /** POST /unrestrict/link takes any supported host's link, as the torrents' own links (unsupported: code 16). */
  unrestrictHosterLink(link: string): Promise<UnrestrictedLink> {
    return this.unrestrictLink(link);
  }

  async unrestrictLink(link: string): Promise<UnrestrictedLink> {
    const res = await this.http.request({
      method: "POST",
      path: "/unrestrict/link",
      form: { link },
      json: true,
    });
    const raw = parseJson(res, "/unrestrict/link") as Partial<RdUnrestrict>;
    if (!raw || typeof raw.download !== "string") throw badResponse("/unrestrict/link", "no download URL");
    return {
      download: raw.download,
      filename: String(raw.filename ?? ""),
      filesize: Number(raw.filesize ?? 0),
      host: raw.host ?? null,
      chunks: typeof raw.chunks === "number" ? raw.chunks : null,
      mimeType: raw.mimeType ?? null,
    };
  }

  async getAccount(): Promise<AccountInfo> {
    const user = parseJson(
      await this.http.request({ method: "GET", path: "/user", json: true }),
      "/user",
    ) as Partial<RdUser>;
    let traffic: AccountInfo["traffic"] = [];
    try {
      const raw = parseJson(
        await this.http.request({ method: "GET", path: "/traffic", json: true }),
        "/traffic",
      ) as RdTraffic;
      traffic = Object.entries(raw ?? {}).map(([host, t]) => ({
        host,
        left: typeof t?.left === "number" ? t.left : null,
        type: t?.type ?? null,
      }));
    } catch (error) {
      if (error instanceof ProviderError && error.kind === "auth") throw error;
    }
    return {
      username: String(user.username ?? ""),
      email: user.email ?? null,
      premium: user.type === "premium",
      premiumSecondsLeft: Number(user.premium ?? 0),
      expiration: user.expiration ?? null,
      traffic,
    };
  }
}

function parseJson(res: HttpResponse, path: string): unknown {
  if (res.data === undefined) throw badResponse(path, `empty answer (HTTP ${res.status})`);
  return res.data;
}

function badResponse(path: string, why: string): ProviderError {
  return new ProviderError({
    provider: "realdebrid",
    kind: "bad_response",
    message: `Real-Debrid ${path}: unexpected answer (${why})`,
  });
}

function readId(res: HttpResponse, path: string): { id: string } {
  const raw = parseJson(res, path) as { id?: unknown };
  if (!raw || (typeof raw.id !== "string" && typeof raw.id !== "number")) throw badResponse(path, "no id");
  return { id: String(raw.id) };
}
