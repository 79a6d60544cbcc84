import { FakeLibrary, type FakeTorrent } from "../library.ts";
import { RequestWindow } from "../rate-window.ts";
import type { FakeDebridState, HashScript } from "../state.ts";

/**
 * The fake AllDebrid account. It shares the FakeDebridState with the fake Real-Debrid (one
 * server, one catalog of hashes and file contents, one /dl/ route, the same scripts), but keeps
 * its own magnet list, as two real accounts would: a torrent added to AllDebrid does not show up
 * in the Real-Debrid library (and a sync of both never counts it twice).
 */

/** A scripted outcome for a hash, in AllDebrid's own terms (wins over the shared HashScript). */
export interface AdHashScript {
  /** Error code answered for this magnet by magnet/upload (e.g. MAGNET_TOO_MANY_ACTIVE). */
  addError?: string;
  /** How many uploads fail before one succeeds (default: all of them). */
  addErrorTimes?: number;
  /** HTTP status for the add error when it is not an application error (429, 503). */
  addErrorHttp?: number;
  /** statusCode the magnet ends in (default 4, Ready). */
  statusCode?: number;
  /** Files of the torrent when the hash was never seen before. */
  files?: Array<{ path: string; bytes: number }>;
  /** Already cached: `ready: true` at upload, statusCode 4 at once. */
  cached?: boolean;
}

export interface AdMagnetMeta {
  statusCode: number;
  finalCode: number;
  /** Unix seconds. */
  uploadDate: number;
  completionDate: number;
  pollsUntilNext: number;
}

/**
 * The shared scripts translated to AllDebrid. Where AllDebrid has no equivalent, the closest
 * documented behaviour:
 * - infringing_file: AllDebrid has no DMCA refusal at upload; the magnet is accepted and ends in
 *   statusCode 12 "Processing failed" (an honest error, not a "dead" that repair would re-add).
 * - fair_usage_limit: no traffic-based refusal for magnets; the account-wide cap
 *   MAGNET_TOO_MANY (1,000 magnets) is the closest refusal.
 * - service_unavailable: HTTP 503 with MAINTENANCE.
 */
export function translateScript(script: HashScript | undefined): AdHashScript | undefined {
  if (!script) return undefined;
  const out: AdHashScript = { files: script.files, addErrorTimes: script.addErrorTimes };
  switch (script.addError) {
    case "too_many_active_downloads":
      out.addError = "MAGNET_TOO_MANY_ACTIVE";
      break;
    case "too_many_requests":
      out.addErrorHttp = 429;
      break;
    case "fair_usage_limit":
      out.addError = "MAGNET_TOO_MANY";
      break;
    case "service_unavailable":
      out.addError = "MAINTENANCE";
      out.addErrorHttp = 503;
      break;
    case "infringing_file":
      out.statusCode = 12;
      break;
  }
  const finals: Record<string, number> = { downloaded: 4, magnet_error: 14, error: 9, virus: 12, dead: 15 };
  if (script.finalStatus && out.statusCode === undefined) out.statusCode = finals[script.finalStatus];
  return out;
}

/** The statusCode a seeded torrent shows, from its status in Real-Debrid words. */
const SEEDED_CODES: Record<string, number> = {
  magnet_conversion: 0,
  waiting_files_selection: 0,
  queued: 0,
  downloading: 1,
  compressing: 2,
  uploading: 3,
  downloaded: 4,
  // AllDebrid has no virus verdict: "Processing failed", an error.
  virus: 12,
  error: 9,
  magnet_error: 14,
  // Links gone: "File not available - no peer", re-adding may bring it back.
  dead: 15,
};

export class FakeAllDebridAccount {
  /**
   * Starts as a twin of the shared library's options (own seed, AllDebrid's numeric ids), so
   * benchmarks and the demo have magnets to list; the API adds to it.
   */
  readonly library: FakeLibrary;
  /** AllDebrid's record of each magnet uploaded through the API (seeded ones read theirs from their status). */
  readonly meta = new Map<string, AdMagnetMeta>();
  /** Per-hash scripts for AllDebrid only; a hash here ignores the shared state.scripts. */
  readonly scripts = new Map<string, AdHashScript>();
  /** Hashes AllDebrid already has (ready at upload). */
  readonly cached = new Set<string>();
  /** Documented: 30 active magnets at most. */
  activeLimit = 30;
  /** link/unlock answers `delayed` and needs this many link/delayed polls (0 = direct links). */
  delayedPolls = 0;
  readonly delayed = new Map<number, { pollsLeft: number; link: string }>();
  /** Documented limits: 12 requests per second and 600 per minute. */
  readonly perSecond = new RequestWindow(12, 1000);
  readonly perMinute = new RequestWindow(600, 60_000);
  private nextId = 310_000_001;
  private nextDelayedId = 1;
  private readonly addAttempts = new Map<string, number>();

  constructor(readonly state: FakeDebridState) {
    const base = state.libraryOptions;
    this.library = new FakeLibrary({
      ...base,
      seed: (base.seed ?? 42) + 3000,
      newId: () => String(this.nextId++),
    });
    for (const torrent of this.library.torrents.values()) {
      torrent.host = "alldebrid.com";
      // AllDebrid has no file selection: every file is downloaded, and gets a link.
      for (const f of torrent.files) f.selected = true;
      if (torrent.linkIds.length > 0) this.library.makeLinks(torrent);
    }
  }

  /**
   * A magnet's statusCode and dates: its own record when uploaded through the API, else read
   * from its status (seeded, or changed by `library.mutate()`), never moving on its own.
   */
  metaOf(torrent: FakeTorrent): AdMagnetMeta {
    const stored = this.meta.get(torrent.id);
    if (stored) return stored;
    const code = SEEDED_CODES[torrent.status] ?? 9;
    const seconds = (iso: string | null) => (iso ? Math.floor(Date.parse(iso) / 1000) || 0 : 0);
    return {
      statusCode: code,
      finalCode: code,
      uploadDate: seconds(torrent.added),
      completionDate: code === 4 ? seconds(torrent.ended ?? torrent.added) : 0,
      pollsUntilNext: 0,
    };
  }

  script(hash: string): AdHashScript | undefined {
    return this.scripts.get(hash) ?? translateScript(this.state.scripts.get(hash));
  }

  /** True when this upload of `hash` must fail (counts the attempt). */
  failsThisTime(hash: string, script: AdHashScript | undefined): boolean {
    if (!script?.addError && !script?.addErrorHttp) return false;
    const attempts = (this.addAttempts.get(hash) ?? 0) + 1;
    this.addAttempts.set(hash, attempts);
    return attempts <= (script.addErrorTimes ?? Number.POSITIVE_INFINITY);
  }

  activeCount(): number {
    let n = 0;
    for (const t of this.library.torrents.values()) if (this.metaOf(t).statusCode <= 3) n++;
    return n;
  }

  /** A new magnet for `hash`: In Queue, or Ready at once when cached. */
  add(hash: string, name: string | null): { torrent: FakeTorrent; ready: boolean } {
    const script = this.script(hash);
    const known = this.state.catalog.get(hash);
    // The shared library builds it: same seeded names and configured file sizes as Real-Debrid.
    const torrent = this.state.library.build(
      known?.name ?? name ?? "noname",
      "queued",
      new Date().toISOString(),
      hash,
    );
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
    torrent.host = "alldebrid.com";
    this.library.insert(torrent);
    if (!known) {
      this.state.catalog.set(hash, {
        name: torrent.filename,
        files: torrent.files.map((f) => ({ path: f.path, bytes: f.bytes })),
      });
    }
    const finalCode = script?.statusCode ?? 4;
    const ready =
      finalCode === 4 &&
      (script?.cached ?? (this.cached.has(hash) || this.state.options.instantAvailability));
    this.meta.set(torrent.id, {
      statusCode: 0,
      finalCode,
      uploadDate: Math.floor(Date.now() / 1000),
      completionDate: 0,
      pollsUntilNext: this.state.options.pollsPerStep,
    });
    if (ready) this.finish(torrent);
    return { torrent, ready };
  }

  /** One status read: In Queue → Downloading → final code, one step per `pollsPerStep` reads. */
  advance(torrent: FakeTorrent): void {
    const meta = this.meta.get(torrent.id);
    if (!meta || meta.statusCode >= 4) return;
    if (meta.pollsUntilNext > 0) {
      meta.pollsUntilNext--;
      return;
    }
    if (meta.statusCode === 0) {
      meta.statusCode = 1;
      torrent.progress = 50;
      torrent.speed = 25_000_000;
      torrent.seeders = 12;
      meta.pollsUntilNext = this.state.options.pollsPerStep;
      return;
    }
    if (meta.finalCode === 4) this.finish(torrent);
    else this.fail(torrent, meta.finalCode);
  }

  finish(torrent: FakeTorrent): void {
    const meta = this.meta.get(torrent.id);
    if (!meta) return;
    meta.statusCode = 4;
    meta.completionDate = Math.floor(Date.now() / 1000);
    torrent.status = "downloaded";
    torrent.progress = 100;
    torrent.speed = null;
    torrent.seeders = null;
    this.library.makeLinks(torrent);
  }

  fail(torrent: FakeTorrent, code: number): void {
    const meta = this.meta.get(torrent.id);
    if (!meta) return;
    meta.statusCode = code;
    torrent.status = "error";
    torrent.speed = null;
    torrent.seeders = null;
    torrent.linkIds = [];
  }

  /** magnet/restart: a failed magnet goes back to the queue, its script read again. */
  restart(torrent: FakeTorrent): void {
    const meta = { ...this.metaOf(torrent) };
    this.meta.set(torrent.id, meta);
    meta.statusCode = 0;
    meta.finalCode = this.script(torrent.hash)?.statusCode ?? 4;
    meta.pollsUntilNext = this.state.options.pollsPerStep;
    torrent.status = "queued";
    torrent.progress = 0;
  }

  remove(id: string): boolean {
    this.meta.delete(id);
    return this.library.remove(id);
  }

  newDelayed(link: string): number {
    const id = this.nextDelayedId++;
    this.delayed.set(id, { pollsLeft: this.delayedPolls, link });
    return id;
  }

  /** The magnet by hash (latest added), for tests. */
  byHash(hash: string): FakeTorrent | undefined {
    let found: FakeTorrent | undefined;
    for (const t of this.library.torrents.values()) if (t.hash === hash) found = t;
    return found;
  }
}

const accounts = new WeakMap<FakeDebridState, FakeAllDebridAccount>();

/** The AllDebrid account of a fake server's state (created on first use). */
export function allDebridAccount(state: FakeDebridState): FakeAllDebridAccount {
  let account = accounts.get(state);
  if (!account) {
    account = new FakeAllDebridAccount(state);
    accounts.set(state, account);
  }
  return account;
}
