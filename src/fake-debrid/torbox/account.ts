import { FakeLibrary, type FakeTorrent } from "../library.ts";
import { RequestWindow } from "../rate-window.ts";
import type { FakeDebridState, HashScript } from "../state.ts";

/**
 * The fake TorBox account. Like the fake AllDebrid, it shares the FakeDebridState (catalog of
 * hashes and contents, /dl/ route, scripts) but keeps its own torrent list, as a separate real
 * account would. The list starts as a twin of the server's library (same size and mix, another
 * seed, TorBox's numeric ids), so the demo and benchmarks have something to list. Torrents added
 * through the API carry TorBox's own record (TbMeta); the twin's are read from their status
 * (Real-Debrid words) each time, so `library.mutate()` changes what TorBox answers.
 */

/** The key the fake accepts unless a test sets another one. */
export const DEFAULT_FAKE_TORBOX_KEY = "fake-torbox-key";

/** How a torrent ends, in TorBox's terms. */
export type TbOutcome = "downloaded" | "dead" | "error" | "virus";

/** A scripted outcome for a hash, in TorBox's own terms (wins over the shared HashScript). */
export interface TbHashScript {
  /** Error code answered by createtorrent (e.g. ACTIVE_LIMIT). */
  addError?: string;
  /** HTTP status of that error (400 unless told; 429 without a code for a rate limit). */
  addErrorHttp?: number;
  /** How many creates fail before one succeeds (default: all of them). */
  addErrorTimes?: number;
  outcome?: TbOutcome;
  files?: Array<{ path: string; bytes: number }>;
}

/** TorBox's side of a torrent record. */
export interface TbMeta {
  /** download_state */
  state: string;
  finished: boolean;
  present: boolean;
  outcome: TbOutcome;
  createdAt: string;
  updatedAt: string;
  cachedAt: string | null;
  pollsUntilNext: number;
}

/**
 * The shared scripts in TorBox's words. Where TorBox documents nothing equivalent:
 * - infringing_file: no DMCA refusal is documented; the torrent is accepted and ends in "error".
 * - fair_usage_limit: COOLDOWN_LIMIT ("user is on download cooldown").
 * - service_unavailable: HTTP 500 NO_SERVERS_AVAILABLE_ERROR.
 * - magnet_error: metadata never arrives; the torrent ends in "error" without files.
 */
export function translateScript(script: HashScript | undefined): TbHashScript | undefined {
  if (!script) return undefined;
  const out: TbHashScript = { files: script.files, addErrorTimes: script.addErrorTimes };
  switch (script.addError) {
    case "too_many_active_downloads":
      out.addError = "ACTIVE_LIMIT";
      break;
    case "too_many_requests":
      out.addErrorHttp = 429;
      break;
    case "fair_usage_limit":
      out.addError = "COOLDOWN_LIMIT";
      break;
    case "service_unavailable":
      out.addError = "NO_SERVERS_AVAILABLE_ERROR";
      out.addErrorHttp = 500;
      break;
    case "infringing_file":
      out.outcome = "error";
      break;
  }
  const finals: Record<string, TbOutcome> = {
    downloaded: "downloaded",
    dead: "dead",
    error: "error",
    magnet_error: "error",
    virus: "virus",
  };
  if (script.finalStatus && !out.outcome) out.outcome = finals[script.finalStatus];
  return out;
}

export class FakeTorBoxAccount {
  readonly library: FakeLibrary;
  /** TorBox's record of each torrent added through the API. */
  readonly meta = new Map<string, TbMeta>();
  readonly scripts = new Map<string, TbHashScript>();
  /** Hashes TorBox already has (checkcached lists them; createtorrent finishes them at once). */
  readonly cached = new Set<string>();
  apiKey = DEFAULT_FAKE_TORBOX_KEY;
  /** Documented: 300 requests per minute per key on every endpoint. */
  readonly general = new RequestWindow(300, 60_000);
  /** Documented: createtorrent 60 per hour, and 10 per minute at the edge. */
  readonly createHourly = new RequestWindow(60, 3_600_000);
  readonly createEdge = new RequestWindow(10, 60_000);
  private nextId = 4_000_001;
  private readonly addAttempts = new Map<string, number>();
  private readonly aliases = new Map<string, string>();
  private readonly aliased = new Map<string, string>();

  constructor(readonly state: FakeDebridState) {
    const base = state.libraryOptions;
    const twin = new FakeLibrary({ ...base, seed: (base.seed ?? 42) + 2000 });
    this.library = new FakeLibrary({ ...base, size: 0 });
    for (const torrent of twin.sorted()) {
      torrent.id = String(this.nextId++);
      torrent.host = "torbox.app";
      // TorBox has no file selection: every file is downloaded, and gets a link.
      for (const f of torrent.files) f.selected = true;
      if (torrent.linkIds.length > 0) this.library.makeLinks(torrent);
      this.library.insert(torrent);
    }
  }

  /** TorBox's numeric id of a torrent (one added by `library.mutate()` gets an alias). */
  idOf(torrent: FakeTorrent): string {
    if (/^\d+$/.test(torrent.id)) return torrent.id;
    let alias = this.aliases.get(torrent.id);
    if (!alias) {
      alias = String(this.nextId++);
      this.aliases.set(torrent.id, alias);
      this.aliased.set(alias, torrent.id);
    }
    return alias;
  }

  /** The torrent under TorBox's id. */
  find(id: string): FakeTorrent | undefined {
    return this.library.torrents.get(this.aliased.get(id) ?? id);
  }

  /** TorBox's view of a torrent: its own record, or one read from the twin's status. */
  metaOf(torrent: FakeTorrent): TbMeta {
    const stored = this.meta.get(torrent.id);
    if (stored) return stored;
    const done = { finished: true, present: true, outcome: "downloaded" as TbOutcome };
    const base = { createdAt: torrent.added, updatedAt: torrent.ended ?? torrent.added, pollsUntilNext: 0 };
    const open = { finished: false, present: false, outcome: "downloaded" as TbOutcome, cachedAt: null };
    switch (torrent.status) {
      case "downloaded":
        return { ...base, ...done, state: "cached", cachedAt: torrent.ended };
      case "dead":
        return {
          ...base,
          ...done,
          present: false,
          outcome: "dead",
          state: "completed",
          cachedAt: torrent.ended,
        };
      case "virus":
        return { ...base, ...done, outcome: "virus", state: "completed", cachedAt: torrent.ended };
      case "magnet_conversion":
      case "waiting_files_selection":
        return { ...base, ...open, state: "metaDL" };
      case "queued":
        return { ...base, ...open, state: "queuedDL" };
      case "compressing":
      case "uploading":
        return { ...base, ...open, state: "uploading" };
      case "error":
      case "magnet_error":
        return { ...base, ...open, outcome: "error", state: "error" };
      default:
        // "downloading", and words TorBox never sent (kept as they are, to test tolerance).
        return { ...base, ...open, state: torrent.status };
    }
  }

  script(hash: string): TbHashScript | undefined {
    return this.scripts.get(hash) ?? translateScript(this.state.scripts.get(hash));
  }

  /** True when this create of `hash` must fail (counts the attempt). */
  failsThisTime(hash: string, script: TbHashScript | undefined): boolean {
    if (!script?.addError && !script?.addErrorHttp) return false;
    const attempts = (this.addAttempts.get(hash) ?? 0) + 1;
    this.addAttempts.set(hash, attempts);
    return attempts <= (script.addErrorTimes ?? Number.POSITIVE_INFINITY);
  }

  activeCount(): number {
    let n = 0;
    for (const t of this.library.torrents.values()) {
      const m = this.metaOf(t);
      if (!m.finished && m.state !== "error") n++;
    }
    return n;
  }

  isCached(hash: string): boolean {
    if (this.cached.has(hash) || this.state.options.instantAvailability) return true;
    for (const t of this.library.torrents.values()) {
      if (t.hash !== hash) continue;
      const m = this.metaOf(t);
      if (m.finished && m.present) return true;
    }
    return false;
  }

  /** A new torrent: "metaDL" (metadata to fetch), or finished at once when cached. */
  add(hash: string, name: string | null): { torrent: FakeTorrent; cached: boolean } {
    const script = this.script(hash);
    const cached = (script?.outcome ?? "downloaded") === "downloaded" && this.isCached(hash);
    const known = this.state.catalog.get(hash);
    const now = new Date().toISOString();
    const torrent = this.state.library.build(known?.name ?? name ?? hash, "queued", now, hash);
    torrent.id = String(this.nextId++);
    const files = script?.files ?? known?.files;
    if (files) {
      torrent.files = files.map((f, i) => ({
        id: i + 1,
        path: f.path,
        bytes: f.bytes,
        selected: true,
        key: `${hash}:${i + 1}`,
      }));
    } else {
      for (const f of torrent.files) {
        f.key = `${hash}:${f.id}`;
        f.selected = true;
      }
    }
    torrent.host = "torbox.app";
    torrent.progress = 0;
    this.library.insert(torrent);
    if (!known) {
      this.state.catalog.set(hash, {
        name: torrent.filename,
        files: torrent.files.map((f) => ({ path: f.path, bytes: f.bytes })),
      });
    }
    this.meta.set(torrent.id, {
      state: "metaDL",
      finished: false,
      present: false,
      outcome: script?.outcome ?? "downloaded",
      createdAt: now,
      updatedAt: now,
      cachedAt: null,
      pollsUntilNext: this.state.options.pollsPerStep,
    });
    if (cached) this.finish(torrent, "cached");
    return { torrent, cached };
  }

  /** One read: metaDL → downloading → outcome, one step per `pollsPerStep` reads. */
  advance(torrent: FakeTorrent): void {
    const meta = this.meta.get(torrent.id);
    if (!meta || meta.finished || meta.state === "error") return;
    if (meta.pollsUntilNext > 0) {
      meta.pollsUntilNext--;
      return;
    }
    meta.updatedAt = new Date().toISOString();
    if (meta.state === "metaDL") {
      if (meta.outcome === "error" && !this.script(torrent.hash)?.files) {
        this.fail(torrent);
        return;
      }
      meta.state = "downloading";
      torrent.progress = 50;
      torrent.speed = 25_000_000;
      torrent.seeders = 12;
      meta.pollsUntilNext = this.state.options.pollsPerStep;
      return;
    }
    if (meta.outcome === "error") this.fail(torrent);
    else this.finish(torrent, "completed");
  }

  /** Downloaded: finished, and present unless scripted dead (files dropped from storage). */
  finish(torrent: FakeTorrent, word: "completed" | "cached"): void {
    const meta = this.meta.get(torrent.id);
    if (!meta) return;
    const now = new Date().toISOString();
    meta.state = word;
    meta.finished = true;
    meta.present = meta.outcome !== "dead";
    meta.cachedAt = now;
    meta.updatedAt = now;
    torrent.status = "downloaded";
    torrent.progress = 100;
    torrent.speed = null;
    torrent.seeders = null;
    this.library.makeLinks(torrent);
  }

  fail(torrent: FakeTorrent): void {
    const meta = this.meta.get(torrent.id);
    if (!meta) return;
    meta.state = "error";
    meta.updatedAt = new Date().toISOString();
    torrent.status = "error";
    torrent.speed = null;
    torrent.seeders = null;
    torrent.linkIds = [];
  }

  /** Files of a finished torrent dropped from TorBox's storage (what repair must notice). */
  expire(torrent: FakeTorrent): void {
    const meta = this.meta.get(torrent.id);
    if (meta) meta.present = false;
    else torrent.status = "dead";
  }

  remove(id: string): boolean {
    this.meta.delete(id);
    return this.library.remove(id);
  }

  /** The torrent by hash (latest added), for tests. */
  byHash(hash: string): FakeTorrent | undefined {
    let found: FakeTorrent | undefined;
    for (const t of this.library.torrents.values()) if (t.hash === hash) found = t;
    return found;
  }
}

const accounts = new WeakMap<FakeDebridState, FakeTorBoxAccount>();

/** The TorBox account of a fake server's state (created on first use). */
export function torBoxAccount(state: FakeDebridState): FakeTorBoxAccount {
  let account = accounts.get(state);
  if (!account) {
    account = new FakeTorBoxAccount(state);
    accounts.set(state, account);
  }
  return account;
}
