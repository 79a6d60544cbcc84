import type { DavFolderRule } from "../../config/sections/dav.ts";
import { type DbHandle, openDatabase } from "../../db/client.ts";
import { type DavTorrentRow, davTorrents } from "../../db/repo/dav.ts";
import { type Entry, renderBytes } from "./listing-render.ts";
import { uniqueNames } from "./names.ts";

/**
 * Builds the top of the WebDAV tree (the torrent folders of __all__, the rule folders, the
 * provider folders) and renders each top folder's Depth 1 listing, gzipped. Pure but for the one
 * SQLite read: it runs in the tree worker (tree-worker.ts) so that 100,000 torrents never hold up
 * the server's thread, or in-process for an in-memory database.
 */

export const ALL_FOLDER = "__all__";

/** What a build needs besides the database. */
export interface TreeBuildRequest {
  /** The library version read before the build (the data read is at least as new). */
  version: string;
  folders: DavFolderRule[];
  /** Providers configured: one folder each when there are several. */
  providers: string[];
}

/** A top folder's listing as the build rendered it. */
export interface PackedRoot {
  name: string;
  /** Its torrents as indexes into those of __all__, sorted by name (for a binary search). */
  byName: Int32Array<ArrayBuffer>;
  /** Epoch ms of its newest torrent (the folder's own date). */
  newest: number;
  /** The Depth 1 PROPFIND answer (the folder and its torrents), gzipped. */
  gzip: Uint8Array<ArrayBuffer>;
  xmlBytes: number;
}

/**
 * The torrents as columns (NUL-joined strings, number arrays): what crosses from the worker in
 * one structured clone that costs the receiving thread milliseconds, not a copy of 100,000 objects.
 */
export interface PackedTree {
  version: string;
  names: string;
  providers: string;
  ids: string;
  bytes: Float64Array<ArrayBuffer>;
  mtimes: Float64Array<ArrayBuffer>;
  roots: PackedRoot[];
}

export const SEP = "\u0000";

/** The order of PackedRoot.byName (UTF-16 code units, as `<` compares). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface BuiltTorrent {
  name: string;
  provider: string;
  id: string;
  bytes: number;
  mtime: number;
  category: string | null;
}

function named(rows: DavTorrentRow[]): BuiltTorrent[] {
  // Names are chosen once, in __all__: every other folder shows a subset with the same names,
  // so a symlink into any of them keeps pointing at the same torrent.
  const names = uniqueNames(
    rows,
    (r) => r.filename || r.id,
    (r) => r.id,
    false,
  );
  return rows.map((r, i) => ({
    name: names[i] as string,
    provider: r.provider,
    id: r.id,
    bytes: r.bytes,
    mtime: Date.parse(r.ended_on ?? r.added_on ?? "") || 0,
    category: r.category,
  }));
}

/** The folders besides __all__ and which torrents each holds (indexes into `all`). */
function folderMembers(all: BuiltTorrent[], request: TreeBuildRequest): Array<[string, number[]]> {
  const out: Array<[string, number[]]> = [];
  for (const folder of new Set(request.folders.map((r) => r.folder))) {
    const rules = request.folders.filter((r) => r.folder === folder);
    const matches = (t: BuiltTorrent) =>
      rules.some((r) => (r.by === "category" ? t.category === r.category : r.pattern.test(t.name)));
    out.push([folder, indexesWhere(all, matches)]);
  }
  if (request.providers.length > 1)
    for (const provider of request.providers)
      out.push([provider, indexesWhere(all, (t) => t.provider === provider)]);
  return out;
}

function indexesWhere(all: BuiltTorrent[], keep: (t: BuiltTorrent) => boolean): number[] {
  const out: number[] = [];
  all.forEach((t, i) => {
    if (keep(t)) out.push(i);
  });
  return out;
}

function* listingEntries(name: string, torrents: Iterable<BuiltTorrent>, newest: number): Generator<Entry> {
  yield { segments: [name], name, mtime: newest, file: null };
  for (const t of torrents) yield { segments: [name, t.name], name: t.name, mtime: t.mtime, file: null };
}

function packRoot(name: string, all: BuiltTorrent[], members: number[] | null): PackedRoot {
  const torrents = members === null ? all : members.map((i) => all[i] as BuiltTorrent);
  let newest = 0;
  for (const t of torrents) if (t.mtime > newest) newest = t.mtime;
  const xml = renderBytes(listingEntries(name, torrents, newest));
  const byName = members === null ? Int32Array.from(all.keys()) : Int32Array.from(members);
  byName.sort((a, b) => compareNames((all[a] as BuiltTorrent).name, (all[b] as BuiltTorrent).name));
  return {
    name,
    byName,
    newest,
    gzip: Bun.gzipSync(xml, { level: 4 }),
    xmlBytes: xml.byteLength,
  };
}

/** The tree of `dbh`'s library, packed. */
export function buildPackedTree(dbh: DbHandle, request: TreeBuildRequest): PackedTree {
  const all = named(davTorrents(dbh));
  const roots = [
    packRoot(ALL_FOLDER, all, null),
    ...folderMembers(all, request).map(([name, members]) => packRoot(name, all, members)),
  ];
  return {
    version: request.version,
    names: all.map((t) => t.name).join(SEP),
    providers: all.map((t) => t.provider).join(SEP),
    ids: all.map((t) => t.id).join(SEP),
    bytes: Float64Array.from(all, (t) => t.bytes),
    mtimes: Float64Array.from(all, (t) => t.mtime),
    roots,
  };
}

/** The same from the database file at `path`, on a read-only connection of its own. */
export function buildPackedTreeFromFile(path: string, request: TreeBuildRequest): PackedTree {
  const dbh = openDatabase(path, { readonly: true });
  try {
    return buildPackedTree(dbh, request);
  } finally {
    dbh.close();
  }
}

/** The buffers a packed tree can hand over without copying (postMessage's transfer list). */
export function transferablesOf(tree: PackedTree): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [tree.bytes.buffer, tree.mtimes.buffer];
  for (const root of tree.roots) {
    buffers.push(root.gzip.buffer, root.byName.buffer);
  }
  return buffers;
}
