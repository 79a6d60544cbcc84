import { davTorrentFiles } from "../../db/repo/dav.ts";
import { downloadsVersion } from "../../db/repo/downloads.ts";
import { libraryVersion } from "../../db/repo/torrent-queries.ts";
import type { Deps } from "../../deps.ts";
import { errorMessage } from "../../errors.ts";
import { safeName, uniqueNames } from "./names.ts";
import {
  ALL_FOLDER,
  buildPackedTree,
  compareNames,
  type PackedTree,
  SEP,
  type TreeBuildRequest,
} from "./tree-build.ts";
import type { TreeWorkerRequest } from "./tree-worker.ts";

/** One torrent folder of the tree. */
export interface DavTorrent {
  name: string;
  provider: string;
  id: string;
  bytes: number;
  /** Epoch ms: when the provider finished it (else when it was added). */
  mtime: number;
}

/**
 * A top folder's Depth 1 PROPFIND answer, rendered with its snapshot. Held as Blobs: Bun.serve
 * sends a Blob body several times faster than the same bytes as a Uint8Array (8 clients × 35 MB:
 * 4 s against 18-25 s, measured side by side).
 */
export interface DavListing {
  gzip: Blob;
  xmlBytes: number;
  /** The same unzipped, made on the first request of a client without gzip and kept. */
  plain: Promise<Blob> | null;
}

/** A top folder: __all__, a DAV_FOLDERS folder, or a provider's. */
export interface DavRoot {
  name: string;
  /** Its torrent folder called `name`. */
  find(name: string): DavTorrent | undefined;
  /** Epoch ms of its newest torrent. */
  newest: number;
  listing: DavListing;
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

export { ALL_FOLDER };

function snapshotVersion(deps: Deps): string {
  const library = libraryVersion(deps.dbh);
  // Category folders also follow the qBittorrent downloads' categories.
  const usesCategories = deps.config.dav.folders.some((r) => r.by === "category");
  return usesCategories ? `${library}|${downloadsVersion(deps.dbh.db)}` : String(library);
}

/**
 * The snapshot over the packed columns as they came: a torrent becomes an object when a path
 * names it (binary search in its folder's sorted indexes), so taking over a tree of 100,000 costs
 * the server's thread three string splits, not 100,000 objects and maps.
 */
function unpack(tree: PackedTree): DavSnapshot {
  const names = tree.names === "" ? [] : tree.names.split(SEP);
  const providers = tree.providers.split(SEP);
  const ids = tree.ids.split(SEP);
  const torrentAt = (i: number): DavTorrent => ({
    name: names[i] as string,
    provider: providers[i] as string,
    id: ids[i] as string,
    bytes: tree.bytes[i] as number,
    mtime: tree.mtimes[i] as number,
  });
  const roots = new Map<string, DavRoot>();
  for (const packed of tree.roots) {
    const sorted = packed.byName;
    const find = (name: string): DavTorrent | undefined => {
      let low = 0;
      let high = sorted.length - 1;
      while (low <= high) {
        const mid = (low + high) >>> 1;
        const index = sorted[mid] as number;
        const order = compareNames(names[index] as string, name);
        if (order === 0) return torrentAt(index);
        if (order < 0) low = mid + 1;
        else high = mid - 1;
      }
      return undefined;
    };
    roots.set(packed.name, {
      name: packed.name,
      find,
      newest: packed.newest,
      listing: { gzip: new Blob([packed.gzip]), xmlBytes: packed.xmlBytes, plain: null },
    });
  }
  return { version: tree.version, roots };
}

type WorkerReply = { ok: true; tree: PackedTree } | { ok: false; error: string };

/** Builds the tree in a worker thread of its own (started for this build, ended after it). */
function buildInWorker(path: string, request: TreeBuildRequest): Promise<PackedTree> {
  return new Promise((resolve, reject) => {
    // smol: a smaller heap; the thread lives for one build.
    const worker = new Worker(new URL("./tree-worker.ts", import.meta.url).href, { smol: true });
    const done = () => worker.terminate();
    worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      done();
      if (event.data.ok) resolve(event.data.tree);
      else reject(new Error(event.data.error));
    };
    worker.onerror = (event) => {
      done();
      reject(new Error(event.message));
    };
    worker.postMessage({ path, ...request } satisfies TreeWorkerRequest);
  });
}

async function buildSnapshot(deps: Deps, version: string): Promise<DavSnapshot> {
  const request: TreeBuildRequest = {
    version,
    folders: deps.config.dav.folders,
    providers: deps.providers.configured(),
  };
  // An in-memory database is seen by this connection only: built here, holding up the thread.
  if (deps.dbh.path === ":memory:") return unpack(buildPackedTree(deps.dbh, request));
  try {
    return unpack(await buildInWorker(deps.dbh.path, request));
  } catch (error) {
    deps.log.warn({ error: errorMessage(error) }, "WebDAV tree: the worker failed, building in-process");
    return unpack(buildPackedTree(deps.dbh, request));
  }
}

/**
 * Builds the snapshot of the library's current version, one build at a time: a request for a
 * newer version waits for the running build, then starts its own (requests for the same version
 * share it).
 */
async function rebuild(deps: Deps): Promise<DavSnapshot> {
  const { dav } = deps;
  for (;;) {
    const version = snapshotVersion(deps);
    if (dav.snapshot?.version === version) return dav.snapshot;
    const running = dav.building;
    if (!running) break;
    if (running.version === version) return running.promise;
    await running.promise.catch(() => undefined);
  }
  const version = snapshotVersion(deps);
  const promise = buildSnapshot(deps, version)
    .then((built) => {
      dav.snapshot = built;
      dav.torrentTrees.clear();
      return built;
    })
    .finally(() => {
      if (dav.building?.promise === promise) dav.building = null;
    });
  dav.building = { version, promise };
  return promise;
}

/** The end of every sync starts the rebuild at once, rather than on the next request. */
function followSyncs(deps: Deps): void {
  if (deps.dav.followingSyncs) return;
  deps.dav.followingSyncs = true;
  deps.bus.subscribe("sync", (event) => {
    if (event.type !== "end") return;
    rebuild(deps).catch((error) =>
      deps.log.warn({ error: errorMessage(error) }, "WebDAV tree: the rebuild after a sync failed"),
    );
  });
}

/**
 * The tree's top folders, stale-while-revalidate: when the library changed since the last build,
 * the previous snapshot answers while the new one is built off the server's thread (the next
 * answers show it). Waits only when there is no snapshot yet.
 */
export function davSnapshot(deps: Deps): Promise<DavSnapshot> {
  followSyncs(deps);
  const cached = deps.dav.snapshot;
  if (cached?.version === snapshotVersion(deps)) return Promise.resolve(cached);
  const fresh = rebuild(deps);
  if (!cached) return fresh;
  fresh.catch((error) => deps.log.warn({ error: errorMessage(error) }, "WebDAV tree: the rebuild failed"));
  return Promise.resolve(cached);
}

/** The snapshot of the library's current version, waiting for its build if needed. */
export function freshDavSnapshot(deps: Deps): Promise<DavSnapshot> {
  followSyncs(deps);
  return rebuild(deps);
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

function resolveIn(deps: Deps, snapshot: DavSnapshot, segments: readonly string[]): DavNode | null {
  if (segments.length === 0) return { kind: "top", roots: [...snapshot.roots.values()] };
  const top = snapshot.roots.get(segments[0] as string);
  if (!top) return null;
  if (segments.length === 1) return { kind: "root", root: top };
  const torrent = top.find(segments[1] as string);
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

/**
 * What `segments` (decoded path segments under /dav/) names, or null. A path missing from a
 * stale snapshot waits for the current one: what was just added is never answered 404.
 */
export async function resolveDavPath(deps: Deps, segments: readonly string[]): Promise<DavNode | null> {
  const snapshot = await davSnapshot(deps);
  const found = resolveIn(deps, snapshot, segments);
  if (found || snapshot.version === snapshotVersion(deps)) return found;
  return resolveIn(deps, await freshDavSnapshot(deps), segments);
}
