import { FakeLibrary, type FakeTorrent } from "../library.ts";
import { RequestWindow } from "../rate-window.ts";
import type { FakeDebridState, HashScript } from "../state.ts";

/**
 * The fake Premiumize account. Like the fake AllDebrid, it shares the server's catalog of hashes
 * and file contents, its scripts and /dl/ route, but keeps its own transfers and cloud: a transfer
 * added here never shows up in the Real-Debrid library. Its library starts as a twin of the
 * server's (same size and mix, another seed), so benchmarks and the demo have something to list.
 *
 * Records use the shared FakeTorrent (statuses in Real-Debrid words, translated at the edge by
 * wire.ts); a finished transfer also owns cloud records: one folder tree or one file.
 */

/** A scripted outcome in Premiumize's own terms (wins over the shared HashScript). */
export interface PmHashScript {
  /** transfer/create answers `{status: "error", message}` with this message. */
  addError?: string;
  /** HTTP status of that refusal when it is not an application error (429, 503). */
  addErrorHttp?: number;
  /** How many creates fail before one succeeds (default: all of them). */
  addErrorTimes?: number;
  /** How the transfer ends, in Real-Debrid words (the fake's records): default downloaded. */
  finalStatus?: "downloaded" | "error" | "virus" | "dead";
  files?: Array<{ path: string; bytes: number }>;
  /** Already in Premiumize's cache: finished at once, true in /cache/check. */
  cached?: boolean;
}

/** Messages the fake answers with. Premiumize documents none: see docs/providers.md. */
export const PM_MESSAGES = {
  auth: "customer_id and pin parameter missing or not logged in ",
  tooManyActive: "You have reached the limit of active transfers. Please wait until some are finished.",
  fairUse: "Fair use limit reached: not enough fair use points left.",
  banned: "This content is banned (copyright).",
  unavailable: "Service temporarily unavailable, please try again later.",
  rateLimited: "Too many requests, slow down.",
  invalidSrc: "Invalid src: not a valid magnet, link or torrent file.",
  transferNotFound: "Transfer not found.",
  itemNotFound: "Item not found.",
  folderNotFound: "Folder not found.",
  unknownMethod: "Unknown method.",
  /** /transfer/directdl (wording not documented): a host Premiumize does not support, a file gone. */
  unsupportedHoster: "Unsupported link: this hoster is not supported.",
  hosterFileGone: "File not found on the hoster.",
} as const;

/**
 * The shared scripts in Premiumize's terms: an infringing file is refused at create with a "banned"
 * message, too many active / fair use / 429 / 503 become Premiumize's own refusals.
 */
export function translateScript(script: HashScript | undefined): PmHashScript | undefined {
  if (!script) return undefined;
  const out: PmHashScript = { files: script.files, addErrorTimes: script.addErrorTimes };
  switch (script.addError) {
    case "too_many_active_downloads":
      out.addError = PM_MESSAGES.tooManyActive;
      break;
    case "too_many_requests":
      out.addError = PM_MESSAGES.rateLimited;
      out.addErrorHttp = 429;
      break;
    case "fair_usage_limit":
      out.addError = PM_MESSAGES.fairUse;
      break;
    case "service_unavailable":
      out.addError = PM_MESSAGES.unavailable;
      out.addErrorHttp = 503;
      break;
    case "infringing_file":
      out.addError = PM_MESSAGES.banned;
      break;
  }
  const finals = {
    downloaded: "downloaded",
    magnet_error: "error",
    error: "error",
    virus: "virus",
    dead: "dead",
  };
  if (script.finalStatus) out.finalStatus = finals[script.finalStatus] as PmHashScript["finalStatus"];
  return out;
}

export interface CloudFolder {
  id: string;
  name: string;
  parentId: string | null;
  /** Children in listing order. */
  folders: string[];
  files: string[];
}

export interface CloudFile {
  id: string;
  name: string;
  size: number;
  /** Content key (content.ts) of the bytes served. */
  key: string;
  folderId: string | null;
  createdAt: number;
}

export class FakePremiumizeAccount {
  readonly library: FakeLibrary;
  /** Transfers added through the API: they move along the lifecycle as they are listed. */
  readonly added = new Map<string, { src: string; pollsUntilNext: number; final: string }>();
  readonly scripts = new Map<string, PmHashScript>();
  /** Hashes already in Premiumize's cache. */
  readonly cached = new Set<string>();
  readonly folders = new Map<string, CloudFolder>();
  readonly files = new Map<string, CloudFile>();
  /** Where each finished transfer landed in the cloud. */
  readonly cloud = new Map<string, { folderId: string | null; fileId: string | null }>();
  /** Premiumize documents no request limit; the fake applies the server's (default 250/min). */
  readonly window: RequestWindow;
  private nextCloudId = 1;
  private readonly addAttempts = new Map<string, number>();

  constructor(readonly state: FakeDebridState) {
    const base = state.libraryOptions;
    this.library = new FakeLibrary({ ...base, seed: (base.seed ?? 42) + 1000 });
    this.window = new RequestWindow(state.options.rateLimit, state.options.rateWindowMs);
  }

  script(hash: string): PmHashScript | undefined {
    return this.scripts.get(hash) ?? translateScript(this.state.scripts.get(hash));
  }

  /** True when this create of `hash` must fail (counts the attempt). */
  failsThisTime(hash: string, script: PmHashScript | undefined): boolean {
    if (!script?.addError) return false;
    const attempts = (this.addAttempts.get(hash) ?? 0) + 1;
    this.addAttempts.set(hash, attempts);
    return attempts <= (script.addErrorTimes ?? Number.POSITIVE_INFINITY);
  }

  isCached(hash: string): boolean {
    if (this.state.options.instantAvailability || this.cached.has(hash)) return true;
    if (this.scripts.get(hash)?.cached) return true;
    for (const t of this.library.torrents.values())
      if (t.hash === hash && t.status === "downloaded") return true;
    return false;
  }

  activeCount(): number {
    let n = 0;
    for (const id of this.added.keys()) {
      const status = this.library.torrents.get(id)?.status;
      if (status === "magnet_conversion" || status === "queued" || status === "downloading") n++;
    }
    return n;
  }

  /** A new transfer: waiting (fetching metadata), or finished at once when cached. */
  add(hash: string, name: string | null, src: string): FakeTorrent {
    const script = this.script(hash);
    const known = this.state.catalog.get(hash);
    const torrent = this.state.library.build(
      known?.name ?? name ?? hash,
      "magnet_conversion",
      this.library.nextAddedDate(),
      hash,
    );
    torrent.id = this.cloudId("tr");
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
    torrent.host = "premiumize.me";
    torrent.progress = 0;
    torrent.speed = null;
    torrent.seeders = null;
    this.library.insert(torrent);
    if (!known) {
      this.state.catalog.set(hash, {
        name: torrent.filename,
        files: torrent.files.map((f) => ({ path: f.path, bytes: f.bytes })),
      });
    }
    const final = script?.finalStatus ?? "downloaded";
    this.added.set(torrent.id, { src, pollsUntilNext: this.state.options.pollsPerStep, final });
    if (final === "downloaded" && this.isCached(hash)) this.finish(torrent);
    return torrent;
  }

  /** One listing: waiting → queued → running → final, a step every `pollsPerStep` listings. */
  advance(torrent: FakeTorrent): void {
    const meta = this.added.get(torrent.id);
    if (!meta || !["magnet_conversion", "queued", "downloading"].includes(torrent.status)) return;
    if (meta.pollsUntilNext > 0) {
      meta.pollsUntilNext--;
      return;
    }
    meta.pollsUntilNext = this.state.options.pollsPerStep;
    if (torrent.status === "magnet_conversion") torrent.status = "queued";
    else if (torrent.status === "queued") {
      torrent.status = "downloading";
      torrent.progress = 50;
    } else if (meta.final === "downloaded") this.finish(torrent);
    else {
      torrent.status = meta.final;
      torrent.ended = new Date().toISOString();
    }
  }

  finish(torrent: FakeTorrent): void {
    torrent.status = "downloaded";
    torrent.progress = 100;
    torrent.ended = new Date().toISOString();
    this.cloudOf(torrent);
  }

  /**
   * The cloud records of a finished transfer (made on first need for seeded ones): a single file
   * at the root becomes one file (`file_id`), anything else one folder tree (`folder_id`).
   */
  cloudOf(torrent: FakeTorrent): { folderId: string | null; fileId: string | null } {
    const existing = this.cloud.get(torrent.id);
    if (existing) return existing;
    const createdAt = Math.floor(Date.parse(torrent.ended ?? torrent.added) / 1000) || 0;
    const split = torrent.files.map((f) => f.path.split("/").filter((p) => p !== ""));
    const single = split.length === 1 && (split[0]?.length ?? 0) === 1;
    let result: { folderId: string | null; fileId: string | null };
    if (single) {
      const file = torrent.files[0] as FakeTorrent["files"][number];
      result = {
        folderId: null,
        fileId: this.newFile(file.key, split[0]?.[0] ?? "file", file.bytes, null, createdAt),
      };
    } else {
      const firsts = new Set(split.map((parts) => parts[0]));
      const shared = firsts.size === 1 && split.every((parts) => parts.length > 1);
      const rootName = shared ? (split[0]?.[0] ?? torrent.filename) : torrent.filename;
      const root = this.newFolder(rootName, null);
      torrent.files.forEach((file, i) => {
        const parts = split[i] ?? [];
        const inside = shared ? parts.slice(1) : parts;
        let folder = root;
        for (const name of inside.slice(0, -1)) folder = this.childFolder(folder, name);
        const fileId = this.newFile(file.key, inside.at(-1) ?? "file", file.bytes, folder.id, createdAt);
        folder.files.push(fileId);
      });
      result = { folderId: root.id, fileId: null };
    }
    this.cloud.set(torrent.id, result);
    return result;
  }

  /**
   * Requests a client needs to read a finished transfer's cloud content: one item/details for a
   * single file at the root, else one folder/list for the root folder and one per sub-folder.
   */
  cloudReads(torrent: FakeTorrent): number {
    const split = torrent.files.map((f) => f.path.split("/").filter((p) => p !== ""));
    if (split.length === 1 && (split[0]?.length ?? 0) === 1) return 1;
    const firsts = new Set(split.map((parts) => parts[0]));
    const shared = firsts.size === 1 && split.every((parts) => parts.length > 1);
    const folders = new Set<string>();
    for (const parts of split) {
      const inside = (shared ? parts.slice(1) : parts).slice(0, -1);
      for (let depth = 1; depth <= inside.length; depth++) folders.add(inside.slice(0, depth).join("/"));
    }
    return 1 + folders.size;
  }

  private cloudId(prefix: string): string {
    return `${prefix}${(this.nextCloudId++).toString(36).padStart(8, "0")}`;
  }

  private newFolder(name: string, parentId: string | null): CloudFolder {
    const folder: CloudFolder = { id: this.cloudId("fo"), name, parentId, folders: [], files: [] };
    this.folders.set(folder.id, folder);
    return folder;
  }

  private childFolder(parent: CloudFolder, name: string): CloudFolder {
    for (const id of parent.folders) {
      const child = this.folders.get(id);
      if (child?.name === name) return child;
    }
    const child = this.newFolder(name, parent.id);
    parent.folders.push(child.id);
    return child;
  }

  private newFile(
    key: string,
    name: string,
    size: number,
    folderId: string | null,
    createdAt: number,
  ): string {
    const id = this.cloudId("fi");
    this.files.set(id, { id, name, size, key, folderId, createdAt });
    return id;
  }

  /** folder/delete: the folder and everything under it. */
  deleteFolder(id: string): boolean {
    const folder = this.folders.get(id);
    if (!folder) return false;
    for (const child of folder.folders) this.deleteFolder(child);
    for (const file of folder.files) this.files.delete(file);
    this.folders.delete(id);
    const parent = folder.parentId ? this.folders.get(folder.parentId) : undefined;
    if (parent) parent.folders = parent.folders.filter((f) => f !== id);
    return true;
  }

  deleteFile(id: string): boolean {
    const file = this.files.get(id);
    if (!file) return false;
    this.files.delete(id);
    const parent = file.folderId ? this.folders.get(file.folderId) : undefined;
    if (parent) parent.files = parent.files.filter((f) => f !== id);
    return true;
  }

  /** Deletes a finished transfer's content from the cloud, as a user (or an expiry) would: tests. */
  deleteContent(torrentId: string): void {
    const torrent = this.library.torrents.get(torrentId);
    if (!torrent) return;
    const cloud = this.cloudOf(torrent);
    if (cloud.folderId) this.deleteFolder(cloud.folderId);
    if (cloud.fileId) this.deleteFile(cloud.fileId);
  }

  /** A finished transfer whose content died on Premiumize's side: content gone, transfer "deleted". */
  kill(torrentId: string): void {
    const torrent = this.library.torrents.get(torrentId);
    if (!torrent) return;
    this.deleteContent(torrentId);
    torrent.status = "dead";
  }

  /** transfer/delete: the transfer goes; its cloud content stays (Premiumize keeps it). */
  removeTransfer(id: string): boolean {
    this.added.delete(id);
    return this.library.remove(id);
  }

  /** The transfer by hash (latest added), for tests. */
  byHash(hash: string): FakeTorrent | undefined {
    let found: FakeTorrent | undefined;
    for (const t of this.library.torrents.values()) if (t.hash === hash) found = t;
    return found;
  }
}

const accounts = new WeakMap<FakeDebridState, FakePremiumizeAccount>();

/** The Premiumize account of a fake server's state (created on first use). */
export function premiumizeAccount(state: FakeDebridState): FakePremiumizeAccount {
  let account = accounts.get(state);
  if (!account) {
    account = new FakePremiumizeAccount(state);
    accounts.set(state, account);
  }
  return account;
}
