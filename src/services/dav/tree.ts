import { davTorrentFiles, davTorrents } from "../../db/repo/dav.ts";
import { downloadsVersion } from "../../db/repo/downloads.ts";
import { libraryVersion } from "../../db/repo/torrent-queries.ts";
import type { Deps } from "../../deps.ts";
import { safeName, uniqueNames } from "./names.ts";

/** One torrent folder of the tree. */
export interface DavTorrent {
  name: string;
  provider: string;
  id: string;
  bytes: number;
  /** Epoch ms: when the provider finished it (else when it was added). */
  mtime: number;
  category: string | null;
}

/** A top folder: __all__, a DAV_FOLDERS folder, or a provider's. */
export interface DavRoot {
  name: string;
  torrents: DavTorrent[];
  byName: Map<string, DavTorrent>;
}

/** The library as folders, valid while the library (and the downloads' categories) stay as they are. */
export interface DavSnapshot {
  version: string;
  roots: Map<string, DavRoot>;
}

export interface DavFile {
  kind: "file";
  name: string;
  fileId: number;
  bytes: number;
  /** The restricted link to unrestrict, null when the provider gave none for this file. */
  link: string | null;
}

export interface DavDir {
  kind: "dir";
  name: string;
  bytes: number;
  children: Map<string, DavDir | DavFile>;
}

export const ALL_FOLDER = "__all__";

function snapshotVersion(deps: Deps): string {
  const library = libraryVersion(deps.dbh);
  // Category folders also follow the qBittorrent downloads' categories.
  const usesCategories = deps.config.dav.folders.some((r) => r.by === "category");
  return usesCategories ? `${library}|${downloadsVersion(deps.dbh.db)}` : String(library);
}

function root(name: string, torrents: DavTorrent[]): DavRoot {
  return { name, torrents, byName: new Map(torrents.map((t) => [t.name, t])) };
}

function buildSnapshot(deps: Deps, version: string): DavSnapshot {
  const rows = davTorrents(deps.dbh);
  // Names are chosen once, in __all__: every other folder shows a subset with the same names,
  // so a symlink into any of them keeps pointing at the same torrent.
  const names = uniqueNames(
    rows,
    (r) => r.filename || r.id,
    (r) => r.id,
    false,
  );
  const all: DavTorrent[] = rows.map((r, i) => ({
    name: names[i] as string,
    provider: r.provider,
    id: r.id,
    bytes: r.bytes,
    mtime: Date.parse(r.ended_on ?? r.added_on ?? "") || 0,
    category: r.category,
  }));
  const roots = new Map<string, DavRoot>([[ALL_FOLDER, root(ALL_FOLDER, all)]]);
  const folders = [...new Set(deps.config.dav.folders.map((r) => r.folder))];
  for (const folder of folders) {
    const rules = deps.config.dav.folders.filter((r) => r.folder === folder);
    const matches = (t: DavTorrent) =>
      rules.some((r) => (r.by === "category" ? t.category === r.category : r.pattern.test(t.name)));
    roots.set(folder, root(folder, all.filter(matches)));
  }
  const providers = deps.providers.configured();
  if (providers.length > 1) {
    for (const provider of providers)
      roots.set(
        provider,
        root(
          provider,
          all.filter((t) => t.provider === provider),
        ),
      );
  }
  return { version, roots };
}

/** The tree's top folders, rebuilt from SQLite when the library changed since the last read. */
export function davSnapshot(deps: Deps): DavSnapshot {
  const version = snapshotVersion(deps);
  const cached = deps.dav.snapshot;
  if (cached && cached.version === version) return cached;
  const built = buildSnapshot(deps, version);
  deps.dav.snapshot = built;
  deps.dav.torrentTrees.clear();
  return built;
}

function newDir(name: string): DavDir {
  return { kind: "dir", name, bytes: 0, children: new Map() };
}

/** A free name in `dir` (names compare without case), suffixed with `key` when taken. */
function freeName(dir: DavDir, wanted: string, key: string, isFile: boolean): string {
  const taken = new Set([...dir.children.keys()].map((n) => n.toLowerCase()));
  if (!taken.has(wanted.toLowerCase())) return wanted;
  const [name] = uniqueNames(
    [wanted, wanted],
    (n) => n,
    () => key,
    isFile,
  ).slice(1);
  return name as string;
}

/** The folder tree of one torrent's selected files (file order = restricted link order). */
function buildTorrentTree(deps: Deps, torrent: DavTorrent): DavDir {
  const { files, links } = davTorrentFiles(deps.dbh, torrent.provider, torrent.id);
  const top = newDir(torrent.name);
  files.forEach((file, index) => {
    const segments = file.path.split("/").filter((s) => s !== "");
    if (segments.length === 0) segments.push(`file-${file.file_id}`);
    let dir = top;
    dir.bytes += file.bytes;
    for (const segment of segments.slice(0, -1)) {
      const name = safeName(segment);
      const existing = dir.children.get(name);
      if (existing?.kind === "dir") dir = existing;
      else {
        const created = newDir(freeName(dir, name, `dir-${file.file_id}`, false));
        dir.children.set(created.name, created);
        dir = created;
      }
      dir.bytes += file.bytes;
    }
    const name = freeName(dir, safeName(segments.at(-1) as string), String(file.file_id), true);
    dir.children.set(name, {
      kind: "file",
      name,
      fileId: file.file_id,
      bytes: file.bytes,
      link: files.length === links.length ? (links[index] ?? null) : null,
    });
  });
  return top;
}

function torrentTree(deps: Deps, snapshot: DavSnapshot, torrent: DavTorrent): DavDir {
  const key = `${torrent.provider}\u0000${torrent.id}`;
  const trees = deps.dav.torrentTrees;
  const cached = trees.get(key);
  if (cached) return cached;
  const tree = buildTorrentTree(deps, torrent);
  if (deps.dav.snapshot === snapshot) {
    trees.set(key, tree);
    // A few thousand trees at most: the oldest goes first.
    if (trees.size > 4096) trees.delete(trees.keys().next().value as string);
  }
  return tree;
}

export type DavNode =
  | { kind: "top"; roots: DavRoot[] }
  | { kind: "root"; root: DavRoot }
  | { kind: "dir"; torrent: DavTorrent; dir: DavDir }
  | { kind: "file"; torrent: DavTorrent; file: DavFile };

/** What `segments` (decoded path segments under /dav/) names, or null. */
export function resolveDavPath(deps: Deps, segments: readonly string[]): DavNode | null {
  const snapshot = davSnapshot(deps);
  if (segments.length === 0) return { kind: "top", roots: [...snapshot.roots.values()] };
  const top = snapshot.roots.get(segments[0] as string);
  if (!top) return null;
  if (segments.length === 1) return { kind: "root", root: top };
  const torrent = top.byName.get(segments[1] as string);
  if (!torrent) return null;
  let node: DavDir | DavFile = torrentTree(deps, snapshot, torrent);
  for (const segment of segments.slice(2)) {
    if (node.kind !== "dir") return null;
    const child: DavDir | DavFile | undefined = node.children.get(segment);
    if (!child) return null;
    node = child;
  }
  return node.kind === "dir" ? { kind: "dir", torrent, dir: node } : { kind: "file", torrent, file: node };
}
