import { createRandom, hexHash, type Random, rdId } from "./random.ts";

/** One file of a fake torrent. `key` names its deterministic content (see content.ts). */
export interface FakeFile {
  id: number;
  path: string;
  bytes: number;
  selected: boolean;
  key: string;
}

/** A fake torrent in Real-Debrid's model (AllDebrid's fake maps onto the same records). */
export interface FakeTorrent {
  id: string;
  filename: string;
  originalFilename: string;
  hash: string;
  status: string;
  progress: number;
  host: string;
  split: number;
  added: string;
  ended: string | null;
  speed: number | null;
  seeders: number | null;
  files: FakeFile[];
  /** Restricted link ids (one per selected file) once downloaded. */
  linkIds: string[];
  /** Scripted: how many more info polls until the next state (added torrents). */
  pollsUntilNext: number;
  /** Scripted end state once selected (e.g. "downloaded", "error", "dead"). */
  target: string;
}

const SHOWS = [
  "The.Expanse",
  "Dark",
  "Severance",
  "Andor",
  "Shogun",
  "Fargo",
  "Slow.Horses",
  "The.Bear",
  "Silo",
  "Mr.Robot",
];
const MOVIES = [
  "Dune.Part.Two",
  "Oppenheimer",
  "Arrival",
  "Blade.Runner.2049",
  "Heat",
  "Alien",
  "Parasite",
  "Memento",
];
const QUALITIES = [
  "1080p.WEB-DL.x264",
  "2160p.WEB-DL.DV.HDR.H265",
  "1080p.BluRay.x264",
  "2160p.BluRay.REMUX.HEVC.DTS-HD",
];
const GROUPS = ["NTb", "FLUX", "GRP", "EDITH", "SPARKS", "FraMeSToR"];
/** Names chosen by strangers: the UI and reports must show them as text. */
export const HOSTILE_NAMES = [
  "<img src=x onerror=alert(1)>.mkv",
  '"><script>alert(document.cookie)</script>',
  "Ünïcødé.名前.テスト.S01E01.1080p.mkv",
  `Very.Long.Name.${"x".repeat(400)}.mkv`,
  "'; DROP TABLE torrents; --.mkv",
];

export interface LibraryOptions {
  size: number;
  seed?: number;
  /** Share of torrents in each status; the rest are `downloaded`. */
  mix?: Partial<Record<string, number>>;
  /** Include hostile and unicode names. */
  hostileNames?: boolean;
  /** Statuses the real API never sent (to test tolerance). */
  unknownStatuses?: number;
  /** File sizes (bytes) for generated files; small in download tests. */
  fileBytes?: { min: number; max: number };
  /** Ids in the provider's own form (AllDebrid: numbers); Real-Debrid's by default. */
  newId?: () => string;
  /** Base time for `added` dates (ms); torrents are spread over the previous `spreadDays`. */
  now?: number;
  spreadDays?: number;
}

const DEFAULT_MIX: Record<string, number> = {
  downloading: 0.02,
  queued: 0.01,
  magnet_conversion: 0.005,
  waiting_files_selection: 0.005,
  compressing: 0.002,
  uploading: 0.002,
  magnet_error: 0.01,
  error: 0.01,
  virus: 0.002,
  dead: 0.01,
};

/** The fake provider's library: a seeded, mutable set of torrents. */
export class FakeLibrary {
  readonly torrents = new Map<string, FakeTorrent>();
  /** Restricted link id → (torrent id, file id). */
  readonly links = new Map<string, { torrentId: string; fileId: number }>();
  /** Told when a torrent's files become ready (a fake mount fills itself from it). */
  readonly onReady = new Set<(torrent: FakeTorrent) => void>();
  private readonly random: Random;
  private counter = 0;

  constructor(private readonly options: LibraryOptions) {
    this.random = createRandom(options.seed ?? 42);
    const now = options.now ?? Date.now();
    const spread = (options.spreadDays ?? 365) * 86_400_000;
    const mix = { ...DEFAULT_MIX, ...(options.mix ?? {}) };
    const hostile = options.hostileNames ? [...HOSTILE_NAMES] : [];
    for (let i = 0; i < options.size; i++) {
      const status = this.pickStatus(mix, i < (options.unknownStatuses ?? 0));
      const added = new Date(now - Math.floor(this.random.next() * spread)).toISOString();
      const name = hostile.shift() ?? this.randomName();
      this.insert(this.build(name, status, added));
    }
  }

  private pickStatus(mix: Record<string, number | undefined>, unknown: boolean): string {
    if (unknown) return "quantum_entangled";
    let roll = this.random.next();
    for (const [status, share] of Object.entries(mix)) {
      roll -= share ?? 0;
      if (roll < 0) return status;
    }
    return "downloaded";
  }

  private randomName(): string {
    const r = this.random;
    if (r.chance(0.6)) {
      const season = String(r.int(1, 6)).padStart(2, "0");
      const episode = r.chance(0.5) ? "" : `E${String(r.int(1, 12)).padStart(2, "0")}`;
      return `${r.pick(SHOWS)}.S${season}${episode}.${r.pick(QUALITIES)}-${r.pick(GROUPS)}`;
    }
    return `${r.pick(MOVIES)}.${r.int(1980, 2025)}.${r.pick(QUALITIES)}-${r.pick(GROUPS)}`;
  }

  /** Builds a torrent record (not inserted). */
  build(name: string, status: string, added: string, hash?: string): FakeTorrent {
    const r = this.random;
    const bytesRange = this.options.fileBytes ?? { min: 200 * 1024 ** 2, max: 8 * 1024 ** 3 };
    const fileCount = name.includes(".S") && !/E\d\d/.test(name) ? r.int(2, 8) : 1;
    const files: FakeFile[] = [];
    // Drawn even when another form is asked for, so a seed gives the same names and sizes.
    const drawn = rdId(r);
    const id = this.options.newId?.() ?? drawn;
    for (let f = 1; f <= fileCount; f++) {
      const ext = fileCount === 1 ? "mkv" : f === fileCount ? "nfo" : "mkv";
      const base = fileCount === 1 ? name : `${name}/${name.replace(/\.S(\d\d)\./, `.S$1E0${f}.`)}`;
      files.push({
        id: f,
        path: `/${base.replace(/\/+$/, "")}${base.endsWith(`.${ext}`) ? "" : `.${ext}`}`,
        bytes: ext === "nfo" ? r.int(1000, 9000) : r.int(bytesRange.min, bytesRange.max),
        selected: ext !== "nfo",
        key: `${id}:${f}`,
      });
    }
    const done = status === "downloaded" || status === "dead";
    const torrent: FakeTorrent = {
      id,
      filename: name,
      originalFilename: name,
      hash: hash ?? hexHash(r),
      status,
      progress: done ? 100 : status === "downloading" ? r.int(1, 99) : status === "compressing" ? 100 : 0,
      host: "real-debrid.com",
      split: 2000,
      added,
      ended: done ? added : null,
      speed: ["downloading", "compressing", "uploading"].includes(status) ? r.int(100_000, 50_000_000) : null,
      seeders: ["downloading", "magnet_conversion"].includes(status) ? r.int(0, 200) : null,
      files,
      linkIds: [],
      pollsUntilNext: 0,
      target: "downloaded",
    };
    if (status === "magnet_conversion") for (const f of torrent.files) f.selected = false;
    if (done) this.makeLinks(torrent);
    return torrent;
  }

  insert(torrent: FakeTorrent): void {
    this.torrents.set(torrent.id, torrent);
    this.sortedCache = null;
  }

  makeLinks(torrent: FakeTorrent): void {
    torrent.linkIds = [];
    for (const file of torrent.files.filter((f) => f.selected)) {
      const linkId = rdId(this.random);
      torrent.linkIds.push(linkId);
      this.links.set(linkId, { torrentId: torrent.id, fileId: file.id });
    }
    for (const listener of this.onReady) listener(torrent);
  }

  remove(id: string): boolean {
    const torrent = this.torrents.get(id);
    if (!torrent) return false;
    for (const linkId of torrent.linkIds) this.links.delete(linkId);
    this.sortedCache = null;
    return this.torrents.delete(id);
  }

  private sortedCache: FakeTorrent[] | null = null;

  /** Newest first, as Real-Debrid lists them (cached until a torrent is added or removed). */
  sorted(): FakeTorrent[] {
    this.sortedCache ??= [...this.torrents.values()].sort((a, b) =>
      a.added < b.added ? 1 : a.added > b.added ? -1 : 0,
    );
    return this.sortedCache;
  }

  nextAddedDate(): string {
    // Strictly increasing so newly added torrents sort first.
    this.counter++;
    return new Date(Date.now() + this.counter).toISOString();
  }

  /**
   * "A day of changes": adds, status/progress changes and removals, like a real library between
   * two smart syncs. Returns what changed so tests and benchmarks can check the sync against it.
   */
  mutate(changes: { added?: number; changed?: number; removed?: number; finished?: number }) {
    const added: string[] = [];
    const changed: string[] = [];
    const removed: string[] = [];
    const finished: string[] = [];
    for (let i = 0; i < (changes.added ?? 0); i++) {
      const t = this.build(this.randomName(), "downloaded", this.nextAddedDate());
      this.insert(t);
      added.push(t.id);
    }
    const existing = [...this.torrents.values()].filter((t) => !added.includes(t.id));
    const active = existing.filter((t) => ["downloading", "queued"].includes(t.status));
    for (const t of active.slice(0, changes.finished ?? 0)) {
      t.status = "downloaded";
      t.progress = 100;
      t.ended = new Date().toISOString();
      t.speed = null;
      this.makeLinks(t);
      finished.push(t.id);
    }
    const stable = existing.filter((t) => t.status === "downloaded" && !finished.includes(t.id));
    for (const t of stable.slice(0, changes.changed ?? 0)) {
      // Downloaded torrents whose links died: the most common real change.
      t.status = "dead";
      changed.push(t.id);
    }
    for (const t of stable.slice(changes.changed ?? 0, (changes.changed ?? 0) + (changes.removed ?? 0))) {
      this.remove(t.id);
      removed.push(t.id);
    }
    return { added, changed, removed, finished };
  }
}
