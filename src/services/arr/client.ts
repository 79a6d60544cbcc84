import { AppError, errorMessage } from "../../errors.ts";
import type { Clock } from "../../lib/clock.ts";
import { maskSecrets } from "../../lib/mask-secrets.ts";
import type { Logger } from "../../logger.ts";
import { SlidingWindowLimiter } from "../../providers/http/rate-limiter.ts";
import { matchItemForPath } from "./match.ts";
import { queueRecordsOf } from "./queue.ts";
import type {
  ArrItem,
  ArrKind,
  ArrQueueRecord,
  ArrRescanReport,
  ArrSystemStatus,
  ArrTestResult,
} from "./types.ts";

export interface ArrClientOptions {
  kind: ArrKind;
  url: string;
  apiKey: string;
  clock: Clock;
  log: Logger;
  timeoutMs?: number;
  /** Commands per minute (rescans and searches); reads are not throttled. */
  commandsPerMinute?: number;
  /** Above this many distinct items, one library-wide rescan replaces the per-item commands. */
  fullRescanThreshold?: number;
  /** Refuse every search command (the user's "never search" switch). */
  neverSearch?: boolean;
}

/** Sonarr v3+/Radarr v3+ command names; both take one id per rescan command. */
const COMMANDS = {
  sonarr: { rescan: "RescanSeries", idField: "seriesId", itemsPath: "/api/v3/series" },
  radarr: { rescan: "RescanMovie", idField: "movieId", itemsPath: "/api/v3/movie" },
} as const;

/**
 * One Sonarr or Radarr instance over its v3 API. Small on purpose:
 * - `testConnection()`: status check that never throws (for a "test" button);
 * - `items()` / `findByPath(path)`: which series/movie owns a file (list cached per client);
 * - `rescan(ids)` / `rescanPaths(paths)`: deduplicated, rate-limited rescan commands;
 * - `search(ids)`: release searches, refused when `neverSearch` is on.
 * The API key travels in the X-Api-Key header only and is masked from every error message.
 */
export class ArrClient {
  readonly kind: ArrKind;
  private readonly limiter: SlidingWindowLimiter;
  private itemsCache: Promise<ArrItem[]> | null = null;

  constructor(private readonly options: ArrClientOptions) {
    this.kind = options.kind;
    this.limiter = new SlidingWindowLimiter(options.commandsPerMinute ?? 30, 60_000, options.clock);
  }

  get url(): string {
    return this.options.url;
  }

  async systemStatus(signal?: AbortSignal): Promise<ArrSystemStatus> {
    const body = (await this.request("GET", "/api/v3/system/status", undefined, signal)) as Record<
      string,
      unknown
    >;
    const appName = typeof body.appName === "string" ? body.appName : "";
    if (!appName) throw new AppError("upstream_error", `${this.label()}: not a Sonarr/Radarr status answer`);
    if (appName.toLowerCase() !== this.kind) {
      throw new AppError(
        "upstream_error",
        `${this.label()}: this URL answers as ${appName}, not ${this.kind}`,
      );
    }
    return { appName, version: typeof body.version === "string" ? body.version : "?" };
  }

  /** Never throws: the answer says what went wrong in words a settings page can show. */
  async testConnection(signal?: AbortSignal): Promise<ArrTestResult> {
    try {
      const status = await this.systemStatus(signal);
      return { ok: true, kind: this.kind, ...status };
    } catch (error) {
      return { ok: false, kind: this.kind, error: errorMessage(error) };
    }
  }

  /** Every series (Sonarr) or movie (Radarr) with its folder. Cached; `refresh` reloads. */
  items(options: { refresh?: boolean; signal?: AbortSignal } = {}): Promise<ArrItem[]> {
    if (!this.itemsCache || options.refresh) {
      const loading = this.loadItems(options.signal);
      this.itemsCache = loading;
      loading.catch(() => {
        if (this.itemsCache === loading) this.itemsCache = null;
      });
    }
    return this.itemsCache;
  }

  /**
   * A plain read of the v3 API (`/api/v3/downloadclient`, `/api/v3/history/since?...`): the caller
   * parses the answer and decides how often to ask (reads do not go through the command limiter).
   */
  read(pathAndQuery: string, signal?: AbortSignal): Promise<unknown> {
    return this.request("GET", pathAndQuery, undefined, signal);
  }

  async findByPath(path: string, signal?: AbortSignal): Promise<ArrItem | undefined> {
    return matchItemForPath(await this.items({ signal }), path);
  }

  /**
   * Sends one rescan per distinct id (rate-limited), or a single library-wide rescan when there
   * are more than `fullRescanThreshold`. Returns the number of commands sent.
   */
  async rescan(
    ids: readonly number[],
    signal?: AbortSignal,
  ): Promise<{ commands: number; fullRescan: boolean }> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return { commands: 0, fullRescan: false };
    const { rescan, idField } = COMMANDS[this.kind];
    if (unique.length > (this.options.fullRescanThreshold ?? 50)) {
      await this.command({ name: rescan }, signal);
      return { commands: 1, fullRescan: true };
    }
    for (const id of unique) await this.command({ name: rescan, [idField]: id }, signal);
    return { commands: unique.length, fullRescan: false };
  }

  /** Finds the items owning these paths and rescans them. Paths nobody owns are reported. */
  async rescanPaths(paths: readonly string[], signal?: AbortSignal): Promise<ArrRescanReport> {
    const items = await this.items({ refresh: true, signal });
    const matched = new Map<number, ArrItem>();
    const unmatched: string[] = [];
    for (const path of paths) {
      const item = matchItemForPath(items, path);
      if (item) matched.set(item.id, item);
      else unmatched.push(path);
    }
    const sent = await this.rescan([...matched.keys()], signal);
    return { kind: this.kind, matched: [...matched.values()], unmatched, ...sent };
  }

  /**
   * Asks for new releases of these items. Refused (returns sent: 0, refused: true) when the user
   * chose "never search". Radarr takes all ids in one command; Sonarr one series per command.
   */
  async search(
    ids: readonly number[],
    signal?: AbortSignal,
  ): Promise<{ commands: number; refused: boolean }> {
    const unique = [...new Set(ids)];
    if (this.options.neverSearch) {
      this.options.log.info(
        { kind: this.kind, items: unique.length },
        "arr search skipped: never-search is on",
      );
      return { commands: 0, refused: true };
    }
    if (unique.length === 0) return { commands: 0, refused: false };
    if (this.kind === "radarr") {
      await this.command({ name: "MoviesSearch", movieIds: unique }, signal);
      return { commands: 1, refused: false };
    }
    for (const id of unique) await this.command({ name: "SeriesSearch", seriesId: id }, signal);
    return { commands: unique.length, refused: false };
  }

  /**
   * The queue records of one download (several for a season pack: one per episode), found by
   * its id (the info-hash, which the *arr stores upper-case). Walks the pages of GET /api/v3/queue
   * with unknown items included (a grab the *arr cannot match still sits in its queue).
   */
  async queueRecordsFor(downloadId: string, signal?: AbortSignal): Promise<ArrQueueRecord[]> {
    const wanted = downloadId.toUpperCase();
    const pageSize = 200;
    const unknown = this.kind === "sonarr" ? "includeUnknownSeriesItems" : "includeUnknownMovieItems";
    for (let page = 1; page <= 100; page++) {
      const query = `page=${page}&pageSize=${pageSize}&${unknown}=true`;
      const body = await this.request("GET", `/api/v3/queue?${query}`, undefined, signal);
      const { records, totalRecords } = queueRecordsOf(body, this.label());
      const found = records.filter((r) => r.downloadId.toUpperCase() === wanted);
      if (found.length > 0) return found;
      if (records.length === 0 || page * pageSize >= totalRecords) break;
    }
    return [];
  }

  /**
   * Removes a queue item and its download: DELETE /api/v3/queue/{id}?removeFromClient=true&
   * blocklist=…&skipRedownload=…. With blocklist and redownload allowed, the *arr never grabs
   * that release again and searches the next one at once. Rate-limited like the commands.
   */
  async removeFromQueue(
    queueId: number,
    options: { blocklist: boolean; skipRedownload: boolean },
    signal?: AbortSignal,
  ): Promise<void> {
    const query = `removeFromClient=true&blocklist=${options.blocklist}&skipRedownload=${options.skipRedownload}`;
    const ticket = await this.acquire(signal);
    try {
      await this.request("DELETE", `/api/v3/queue/${queueId}?${query}`, undefined, signal);
      this.options.log.info({ kind: this.kind, queueId, ...options }, "arr queue item removed");
    } finally {
      ticket.release();
    }
  }

  private async loadItems(signal?: AbortSignal): Promise<ArrItem[]> {
    const body = await this.request("GET", COMMANDS[this.kind].itemsPath, undefined, signal);
    if (!Array.isArray(body))
      throw new AppError("upstream_error", `${this.label()}: expected a list of items`);
    const items: ArrItem[] = [];
    for (const raw of body as Array<Record<string, unknown>>) {
      if (typeof raw?.id === "number" && typeof raw.path === "string") {
        items.push({ id: raw.id, title: typeof raw.title === "string" ? raw.title : "", path: raw.path });
      }
    }
    return items;
  }

  private async command(body: Record<string, unknown>, signal?: AbortSignal): Promise<void> {
    const ticket = await this.acquire(signal);
    try {
      await this.request("POST", "/api/v3/command", body, signal);
      this.options.log.info({ kind: this.kind, command: body }, "arr command sent");
    } finally {
      ticket.release();
    }
  }

  /** The limiter only looks at the signal when it wakes; a caller's abort must not wait a minute. */
  private acquire(signal?: AbortSignal): Promise<{ release(): void }> {
    const acquiring = this.limiter.acquire(signal);
    if (!signal) return acquiring;
    signal.throwIfAborted();
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        // The slot may still be granted later: give it straight back.
        acquiring.then((ticket) => ticket.release()).catch(() => {});
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      acquiring.then(
        (ticket) => {
          signal.removeEventListener("abort", onAbort);
          if (signal.aborted) ticket.release();
          else resolve(ticket);
        },
        (error) => {
          signal.removeEventListener("abort", onAbort);
          reject(error);
        },
      );
    });
  }

  private async request(
    method: "GET" | "POST" | "DELETE",
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ) {
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 10_000);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await fetch(`${this.options.url}${path}`, {
        method,
        headers: {
          "X-Api-Key": this.options.apiKey,
          Accept: "application/json",
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: combined,
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const why = timeout.aborted
        ? `no answer within ${this.options.timeoutMs ?? 10_000} ms`
        : errorMessage(error);
      throw new AppError(
        "upstream_unavailable",
        this.mask(`${this.label()}: cannot reach ${this.url} (${why})`),
        {
          retryable: true,
        },
      );
    }
    const text = await response.text();
    if (response.status === 401 || response.status === 403) {
      throw new AppError(
        "upstream_auth",
        `${this.label()}: the API key was refused (HTTP ${response.status})`,
      );
    }
    if (!response.ok) {
      throw new AppError(
        "upstream_error",
        this.mask(`${this.label()}: HTTP ${response.status} on ${method} ${path}`),
        {
          retryable: response.status >= 500,
        },
      );
    }
    try {
      return text === "" ? null : JSON.parse(text);
    } catch {
      throw new AppError("upstream_error", `${this.label()}: answer to ${path} is not JSON (wrong URL?)`);
    }
  }

  private label(): string {
    return this.kind === "sonarr" ? "Sonarr" : "Radarr";
  }

  private mask(text: string): string {
    return maskSecrets(text, [this.options.apiKey]);
  }
}
