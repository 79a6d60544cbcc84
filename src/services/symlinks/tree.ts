import { readdir } from "node:fs/promises";
import type { Deps } from "../../deps.ts";
import { isMediaName } from "./check.ts";
import { realMediaRoot, resolveFolder } from "./paths.ts";
import type { FolderCounts, SymlinkRuntime, TreeSnapshot } from "./runtime.ts";
import { getSymlinkSettings } from "./settings.ts";

/** One folder of the picker: counts cover its whole subtree. */
export interface TreeNode {
  path: string;
  name: string;
  symlinks: number;
  mediaFiles: number;
  folders: number;
  /** Present down to the requested depth; `hasChildren` says whether there is more. */
  children?: TreeNode[];
  hasChildren: boolean;
}

const CACHE_MS = 60_000;
/** Folders listed at once: enough to hide latency on a network mount, gentle on the disk. */
const CONCURRENCY = 8;

/**
 * The folder tree under the media root with symlink counts per folder, for the scan picker.
 * Listed with async I/O (the event loop stays free), never entering symlinked folders, cached
 * for a minute per root (`refresh` recomputes).
 */
export async function getDirectoryTree(
  deps: Deps,
  options: { path?: unknown; depth?: number; refresh?: boolean } = {},
): Promise<{ root: string; computedAt: number; unreadable: number; node: TreeNode }> {
  const root = realMediaRoot(getSymlinkSettings(deps).mediaRoot);
  const start = resolveFolder(root, options.path ?? "");
  const snapshot = await loadSnapshot(deps.symlinks.trees, root, deps.clock.now(), options.refresh ?? false);
  const depth = Math.min(Math.max(options.depth ?? 1, 0), 5);
  return {
    root,
    computedAt: snapshot.computedAt,
    unreadable: snapshot.unreadable,
    node: build(snapshot, start.rel, depth),
  };
}

/** Forget cached counts (after a deletion changed them). */
export function invalidateTree(deps: Pick<Deps, "symlinks">, root: string): void {
  deps.symlinks.trees.delete(root);
}

function loadSnapshot(
  snapshots: SymlinkRuntime["trees"],
  root: string,
  now: number,
  refresh: boolean,
): Promise<TreeSnapshot> {
  const cached = snapshots.get(root);
  if (cached && !refresh && now - cached.at < CACHE_MS) return cached.promise;
  const promise = walk(root, now);
  snapshots.set(root, { at: now, promise });
  promise.catch(() => snapshots.delete(root));
  return promise;
}

async function walk(root: string, now: number): Promise<TreeSnapshot> {
  const folders = new Map<string, FolderCounts>();
  let unreadable = 0;
  const pending = [""];
  const worker = async () => {
    for (;;) {
      const rel = pending.pop();
      if (rel === undefined) return;
      const counts: FolderCounts = { symlinks: 0, mediaFiles: 0, subdirs: [] };
      folders.set(rel, counts);
      try {
        for (const entry of await readdir(rel === "" ? root : `${root}/${rel}`, { withFileTypes: true })) {
          if (entry.isDirectory()) {
            const child = rel === "" ? entry.name : `${rel}/${entry.name}`;
            counts.subdirs.push(child);
            pending.push(child);
          } else if (entry.isSymbolicLink()) counts.symlinks++;
          else if (entry.isFile() && isMediaName(entry.name)) counts.mediaFiles++;
        }
      } catch {
        unreadable++;
      }
    }
  };
  // Workers that find the queue empty stop; re-launch while folders remain.
  while (pending.length > 0) await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { root, computedAt: now, folders, unreadable };
}

function totals(snapshot: TreeSnapshot, rel: string, memo: Map<string, TreeNode>): TreeNode {
  const known = memo.get(rel);
  if (known) return known;
  const own = snapshot.folders.get(rel) ?? { symlinks: 0, mediaFiles: 0, subdirs: [] };
  const node: TreeNode = {
    path: rel,
    name: rel === "" ? "/" : (rel.split("/").pop() as string),
    symlinks: own.symlinks,
    mediaFiles: own.mediaFiles,
    folders: own.subdirs.length,
    hasChildren: own.subdirs.length > 0,
  };
  // Iterative post-order would avoid deep recursion; media trees are shallow (< 20 levels).
  for (const child of own.subdirs) {
    const sub = totals(snapshot, child, memo);
    node.symlinks += sub.symlinks;
    node.mediaFiles += sub.mediaFiles;
    node.folders += sub.folders;
  }
  memo.set(rel, node);
  return node;
}

function build(
  snapshot: TreeSnapshot,
  rel: string,
  depth: number,
  memo = new Map<string, TreeNode>(),
): TreeNode {
  const node = { ...totals(snapshot, rel, memo) };
  if (depth > 0) {
    const own = snapshot.folders.get(rel);
    node.children = (own?.subdirs ?? [])
      .map((child) => build(snapshot, child, depth - 1, memo))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
  return node;
}
