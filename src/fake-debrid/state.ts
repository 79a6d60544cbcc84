import { randomBytes } from "node:crypto";
import { parseTorrentFile } from "../domain/torrent-file.ts";
import type { FakeHosterFile } from "./hoster.ts";
import { FakeLibrary, type FakeTorrent, type LibraryOptions } from "./library.ts";
import { type FakeReply, finish, rdError } from "./realdebrid/model.ts";

/** A scripted outcome for a hash (repair and download tests script failures this way). */
export interface HashScript {
  /** Error answered by addMagnet/addTorrent. */
  addError?:
    | "infringing_file"
    | "too_many_requests"
    | "fair_usage_limit"
    | "too_many_active_downloads"
    | "service_unavailable";
  /** How many adds fail before one succeeds (default: all of them). */
  addErrorTimes?: number;
  /** State the torrent ends in once its files are selected (default downloaded). */
  finalStatus?: "downloaded" | "magnet_error" | "error" | "virus" | "dead";
  /**
   * Files of the torrent when it was never seen before; `content`, when given, is what its link
   * serves (an archive made by the test) instead of the generated pattern.
   */
  files?: Array<{ path: string; bytes: number; content?: Uint8Array }>;
}

export interface FakeOptions {
  token: string;
  /** Requests admitted per window (Real-Debrid: 250 per minute). */
  rateLimit: number;
  rateWindowMs: number;
  /** Info polls between lifecycle steps of added torrents. */
  pollsPerStep: number;
  /** Cached torrents go straight to downloaded after selectFiles. */
  instantAvailability: boolean;
  activeLimit: number;
  /** Unrestricted download links stop working after this long (0 = never). */
  linkTtlMs: number;
  /** Throttle of the download endpoint (bytes per second, 0 = unlimited). */
  downloadBytesPerSecond: number;
  /** Each download connection is cut after sending this many bytes, as a flaky CDN does (0 = never). */
  cutDownloadsAfterBytes: number;
  /** API key of the fake AllDebrid account (served under /v4 and /v4.1). */
  adApiKey?: string;
}

const ADD_ERRORS: Record<NonNullable<HashScript["addError"]>, FakeReply> = {
  infringing_file: rdError(451, "infringing_file", 35),
  too_many_requests: rdError(429, "too_many_requests", 34),
  fair_usage_limit: rdError(503, "fair_usage_limit", 36),
  too_many_active_downloads: rdError(509, "too_many_active_downloads", 21),
  service_unavailable: rdError(503, "service_unavailable", 25),
};

/** Everything the fake servers share: the library, scripts, tokens, counters. */
export class FakeDebridState {
  baseUrl = "";
  readonly library: FakeLibrary;
  readonly scripts = new Map<string, HashScript>();
  /** Files known per hash (a torrent deleted and re-added keeps its file list). */
  readonly catalog = new Map<string, { name: string; files: Array<{ path: string; bytes: number }> }>();
  readonly addedTorrents = new Set<string>();
  readonly deadLinks = new Set<string>();
  /** Bytes served for a file key instead of the generated pattern (HashScript content). */
  readonly fileContent = new Map<string, Uint8Array>();
  readonly downloads = new Map<string, { key: string; size: number; name: string; expiresAt: number }>();
  /** Files on the fake file host, by id (hoster.ts): what hoster links point to. */
  readonly hosterFiles = new Map<string, FakeHosterFile>();
  private readonly addAttempts = new Map<string, number>();

  constructor(
    readonly options: FakeOptions,
    /** Kept so other providers' accounts can build their own library of the same shape. */
    readonly libraryOptions: LibraryOptions,
  ) {
    this.library = new FakeLibrary(libraryOptions);
    for (const t of this.library.torrents.values()) this.remember(t);
  }

  private remember(t: FakeTorrent): void {
    this.catalog.set(t.hash, {
      name: t.filename,
      files: t.files.map((f) => ({ path: f.path, bytes: f.bytes })),
    });
  }

  /** addMagnet / addTorrent: a new torrent in magnet_conversion, or the scripted error. */
  addTorrent(hash: string, name?: string): FakeReply {
    const script = this.scripts.get(hash);
    if (script?.addError) {
      const attempts = (this.addAttempts.get(hash) ?? 0) + 1;
      this.addAttempts.set(hash, attempts);
      if (attempts <= (script.addErrorTimes ?? Number.POSITIVE_INFINITY)) return ADD_ERRORS[script.addError];
    }
    const known = this.catalog.get(hash);
    const torrent = this.library.build(
      known?.name ?? name ?? hash,
      "magnet_conversion",
      this.library.nextAddedDate(),
      hash,
    );
    const files = script?.files ?? known?.files;
    if (files) {
      for (const [i, f] of (script?.files ?? []).entries())
        if (f.content) this.fileContent.set(`${hash}:${i + 1}`, f.content);
      torrent.files = files.map((f, i) => ({
        id: i + 1,
        path: f.path,
        bytes: f.bytes,
        selected: false,
        key: `${hash}:${i + 1}`,
      }));
    } else {
      for (const f of torrent.files) f.key = `${hash}:${f.id}`;
    }
    torrent.target = script?.finalStatus ?? "downloaded";
    torrent.pollsUntilNext = this.options.pollsPerStep;
    this.library.insert(torrent);
    this.addedTorrents.add(torrent.id);
    this.remember(torrent);
    return {
      status: 201,
      json: { id: torrent.id, uri: `${this.baseUrl}/rest/1.0/torrents/info/${torrent.id}` },
    };
  }

  /** selectFiles done: queued, or straight to the end state when cached. */
  selected(torrent: FakeTorrent): void {
    if (this.options.instantAvailability) {
      finish(this, torrent);
      return;
    }
    torrent.status = "queued";
    torrent.pollsUntilNext = this.options.pollsPerStep;
  }

  parseTorrentFile(bytes: Uint8Array): { hash: string; name: string } | null {
    const parsed = parseTorrentFile(bytes);
    if (!parsed) return null;
    if (!this.catalog.has(parsed.hash) && parsed.files.length > 0) {
      const name = parsed.name ?? parsed.hash;
      this.catalog.set(parsed.hash, {
        name,
        files: parsed.files.map((f) => ({
          path: `/${parsed.files.length > 1 ? `${name}/` : ""}${f.path}`,
          bytes: f.length,
        })),
      });
    }
    return { hash: parsed.hash, name: parsed.name ?? parsed.hash };
  }

  issueDownloadToken(key: string, size: number, name: string): string {
    const token = randomBytes(12).toString("hex");
    const ttl = this.options.linkTtlMs;
    this.downloads.set(token, {
      key,
      size,
      name,
      expiresAt: ttl > 0 ? Date.now() + ttl : Number.POSITIVE_INFINITY,
    });
    return token;
  }

  /** Expires every download link issued so far (tests of "expired links are unrestricted again"). */
  expireDownloadLinks(): void {
    for (const entry of this.downloads.values()) entry.expiresAt = 0;
  }

  /** The torrent by hash (latest added), for tests. */
  byHash(hash: string): FakeTorrent | undefined {
    let found: FakeTorrent | undefined;
    for (const t of this.library.torrents.values()) if (t.hash === hash) found = t;
    return found;
  }
}
