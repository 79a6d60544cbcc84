import { randomBytes } from "node:crypto";
import { FakeLibrary, type FakeTorrent } from "../library.ts";
import { RequestWindow } from "../rate-window.ts";
import type { FakeDebridState, HashScript } from "../state.ts";

/**
 * The fake Debrid-Link account. Like the fake AllDebrid one, it shares the FakeDebridState (one
 * catalog of hashes and file contents, one /dl/ route, the same scripts) but keeps its own
 * seedbox, as a separate account would.
 */

/** A scripted outcome for a hash, in Debrid-Link's terms (wins over the shared HashScript). */
export interface DlHashScript {
  /** Error code seedbox/add answers for this hash (e.g. maxTorrent). */
  addError?: string;
  addErrorTimes?: number;
  /** HTTP status of that error (default 400). */
  addErrorHttp?: number;
  /** How the torrent ends (default complete). */
  outcome?: "complete" | "stopped" | "trackerError" | "localError";
  files?: Array<{ path: string; bytes: number }>;
  /** Already cached: complete in the seedbox/add answer. */
  cached?: boolean;
}

/** Where a torrent stands in Debrid-Link's terms. */
export interface DlView {
  phase: "metadata" | "downloading" | "done";
  outcome: NonNullable<DlHashScript["outcome"]>;
}

/** Torrents added through the API; the seeded library's torrents are read from their status. */
export interface DlTorrentMeta extends DlView {
  created: number;
  pollsUntilNext: number;
}

/** A seeded torrent's status (Real-Debrid's words, changed by FakeLibrary.mutate) → DlView. */
function viewOfStatus(status: string): DlView {
  switch (status) {
    case "downloaded":
      return { phase: "done", outcome: "complete" };
    case "dead":
      return { phase: "done", outcome: "stopped" };
    case "magnet_error":
      return { phase: "done", outcome: "trackerError" };
    case "error":
    case "virus":
      return { phase: "done", outcome: "localError" };
    case "magnet_conversion":
    case "waiting_files_selection":
      return { phase: "metadata", outcome: "complete" };
    default:
      return { phase: "downloading", outcome: "complete" };
  }
}

/**
 * Shared scripts in Debrid-Link's words. Where Debrid-Link has no equivalent, the closest
 * documented behaviour: no DMCA refusal at add (the torrent ends in a local error), no
 * traffic refusal for torrents (fair usage → maxData), a maintenance → internalError (HTTP 503).
 */
export function translateScript(script: HashScript | undefined): DlHashScript | undefined {
  if (!script) return undefined;
  const out: DlHashScript = { files: script.files, addErrorTimes: script.addErrorTimes };
  switch (script.addError) {
    case "too_many_active_downloads":
      out.addError = "maxTorrent";
      break;
    case "too_many_requests":
      out.addError = "floodDetected";
      out.addErrorHttp = 429;
      break;
    case "fair_usage_limit":
      out.addError = "maxData";
      break;
    case "service_unavailable":
      out.addError = "internalError";
      out.addErrorHttp = 503;
      break;
    case "infringing_file":
      out.outcome = "localError";
      break;
  }
  const outcomes = {
    downloaded: "complete",
    dead: "stopped",
    magnet_error: "trackerError",
    error: "localError",
    virus: "localError",
  } as const;
  if (script.finalStatus && !out.outcome) out.outcome = outcomes[script.finalStatus];
  return out;
}

/** The API key the fake accepts unless a test sets another. */
export const DEFAULT_FAKE_DL_KEY = "fake-debridlink-key";

export class FakeDebridLinkAccount {
  apiKey = DEFAULT_FAKE_DL_KEY;
  /** Starts as a twin of the shared library's options (own seed): the demo lists it. */
  readonly library: FakeLibrary;
  readonly meta = new Map<string, DlTorrentMeta>();
  /** Direct link token by `${torrentId}:${fileId}`, once a torrent is complete. */
  private readonly tokens = new Map<string, string>();
  readonly scripts = new Map<string, DlHashScript>();
  readonly cached = new Set<string>();
  /** Torrents the seedbox holds before seedbox/add answers maxTorrent. */
  torrentLimit = 50;
  /**
   * The limit the fake enforces: Debrid-Link publishes none (floodDetected past it), so the
   * server's configured limit (250 per minute by default; the demo lifts it).
   */
  readonly window: RequestWindow;
  private readonly addAttempts = new Map<string, number>();

  constructor(readonly state: FakeDebridState) {
    const base = state.libraryOptions;
    this.library = new FakeLibrary({ ...base, seed: (base.seed ?? 42) + 2000 });
    this.window = new RequestWindow(state.options.rateLimit, state.options.rateWindowMs);
  }

  /** Where the torrent stands: its lifecycle when added through the API, else its status. */
  view(torrent: FakeTorrent): DlView {
    return this.meta.get(torrent.id) ?? viewOfStatus(torrent.status);
  }

  script(hash: string): DlHashScript | undefined {
    return this.scripts.get(hash) ?? translateScript(this.state.scripts.get(hash));
  }

  /** True when this add of `hash` must fail (counts the attempt). */
  failsThisTime(hash: string, script: DlHashScript | undefined): boolean {
    if (!script?.addError) return false;
    const attempts = (this.addAttempts.get(hash) ?? 0) + 1;
    this.addAttempts.set(hash, attempts);
    return attempts <= (script.addErrorTimes ?? Number.POSITIVE_INFINITY);
  }

  /** A new torrent for `hash`: fetching its metadata, or complete at once when cached. */
  add(hash: string, name: string | null): FakeTorrent {
    const script = this.script(hash);
    const known = this.state.catalog.get(hash);
    const torrent = this.state.library.build(
      known?.name ?? name ?? hash,
      "downloading",
      new Date().toISOString(),
      hash,
    );
    torrent.id = `${randomBytes(5).toString("hex")}-${this.library.torrents.size + 1}`;
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
    torrent.host = "debrid-link.com";
    torrent.progress = 0;
    this.library.insert(torrent);
    if (!known) {
      this.state.catalog.set(hash, {
        name: torrent.filename,
        files: torrent.files.map((f) => ({ path: f.path, bytes: f.bytes })),
      });
    }
    const outcome = script?.outcome ?? "complete";
    this.meta.set(torrent.id, {
      phase: "metadata",
      outcome,
      created: Math.floor(Date.now() / 1000),
      pollsUntilNext: this.state.options.pollsPerStep,
    });
    const cached = script?.cached ?? (this.cached.has(hash) || this.state.options.instantAvailability);
    if (outcome === "complete" && cached) this.finish(torrent);
    return torrent;
  }

  /** One read: metadata → downloading → outcome, one step per `pollsPerStep` reads. */
  advance(torrent: FakeTorrent): void {
    const meta = this.meta.get(torrent.id);
    if (!meta || meta.phase === "done") return;
    if (meta.pollsUntilNext > 0) {
      meta.pollsUntilNext--;
      return;
    }
    meta.pollsUntilNext = this.state.options.pollsPerStep;
    if (meta.phase === "metadata") {
      meta.phase = "downloading";
      torrent.progress = 50;
      torrent.speed = 25_000_000;
      torrent.seeders = 12;
      return;
    }
    if (meta.outcome === "complete") this.finish(torrent);
    else this.fail(torrent);
  }

  finish(torrent: FakeTorrent): void {
    const meta = this.meta.get(torrent.id);
    if (!meta) return;
    meta.phase = "done";
    meta.outcome = "complete";
    torrent.status = "downloaded";
    torrent.progress = 100;
    torrent.speed = null;
    torrent.seeders = null;
  }

  fail(torrent: FakeTorrent): void {
    const meta = this.meta.get(torrent.id);
    if (!meta) return;
    meta.phase = "done";
    torrent.status = meta.outcome === "stopped" ? "dead" : "error";
    torrent.speed = null;
    torrent.seeders = null;
  }

  /** The direct link of a complete torrent's file (issued on first read, never expiring). */
  downloadUrl(torrent: FakeTorrent, fileId: number): string {
    const file = torrent.files.find((f) => f.id === fileId);
    const view = this.view(torrent);
    if (!file || view.phase !== "done" || view.outcome !== "complete") return "";
    const name = file.path.split("/").pop() ?? "file";
    let token = this.tokens.get(`${torrent.id}:${fileId}`);
    if (!token) {
      token = randomBytes(12).toString("hex");
      this.tokens.set(`${torrent.id}:${fileId}`, token);
      this.state.downloads.set(token, {
        key: file.key,
        size: file.bytes,
        name,
        expiresAt: Number.POSITIVE_INFINITY,
      });
    }
    return `${this.state.baseUrl}/dl/${token}/${encodeURIComponent(name)}`;
  }

  /** Forgets a torrent's links: the download server answers 404 for them after. */
  private dropLinks(torrent: FakeTorrent): void {
    for (const file of torrent.files) {
      const key = `${torrent.id}:${file.id}`;
      const token = this.tokens.get(key);
      if (token) this.state.downloads.delete(token);
      this.tokens.delete(key);
    }
  }

  /** Removes the torrent and kills its links. */
  remove(id: string): boolean {
    const torrent = this.library.torrents.get(id);
    if (torrent) this.dropLinks(torrent);
    this.meta.delete(id);
    return this.library.remove(id);
  }

  /** A complete torrent whose files died on Debrid-Link's side: links 404, the torrent stopped. */
  kill(id: string): void {
    const torrent = this.library.torrents.get(id);
    if (!torrent) return;
    this.dropLinks(torrent);
    const meta = this.meta.get(id);
    if (meta) meta.outcome = "stopped";
    torrent.status = "dead";
  }

  /** The torrent by hash (latest added), for tests. */
  byHash(hash: string): FakeTorrent | undefined {
    let found: FakeTorrent | undefined;
    for (const t of this.library.torrents.values()) if (t.hash === hash) found = t;
    return found;
  }
}

const accounts = new WeakMap<FakeDebridState, FakeDebridLinkAccount>();

/** The Debrid-Link account of a fake server's state (created on first use). */
export function debridLinkAccount(state: FakeDebridState): FakeDebridLinkAccount {
  let account = accounts.get(state);
  if (!account) {
    account = new FakeDebridLinkAccount(state);
    accounts.set(state, account);
  }
  return account;
}
