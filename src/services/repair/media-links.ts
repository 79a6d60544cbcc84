import type { Dirent } from "node:fs";
import { lstat, readdir, readlink, stat, unlink } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import type { LocalTorrent } from "../../db/repo/repair-library.ts";
import { errorMessage } from "../../errors.ts";

/** Symlinks of the media library: walking them, mapping them to torrents, removing them safely. */

export interface MediaLink {
  /** The symlink itself (absolute, under the media root). */
  path: string;
  /** Where it points, as written in the link. */
  target: string;
  /** The target made absolute. */
  resolved: string;
  broken: boolean;
}

/**
 * Every symlink under `root`, depth first. Symlinked directories are reported, never followed
 * (no loops, no escaping the root). Unreadable directories are skipped and counted.
 */
export async function walkMediaLinks(
  root: string,
  options: { signal?: AbortSignal; onUnreadable?: (path: string, error: string) => void } = {},
): Promise<MediaLink[]> {
  const links: MediaLink[] = [];
  const stack = [resolve(root)];
  while (stack.length > 0) {
    options.signal?.throwIfAborted();
    const dir = stack.pop() as string;
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      options.onUnreadable?.(dir, errorMessage(error));
      continue;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) stack.push(path);
      else if (entry.isSymbolicLink()) {
        let target: string;
        try {
          target = await readlink(path);
        } catch {
          continue;
        }
        const resolved = isAbsolute(target) ? target : resolve(dirname(path), target);
        links.push({ path, target, resolved, broken: await isBroken(path) });
      }
    }
  }
  return links;
}

async function isBroken(path: string): Promise<boolean> {
  try {
    await stat(path);
    return false;
  } catch {
    return true;
  }
}

const HASH = /^[0-9a-f]{40}$/i;
const clean = (p: string) =>
  `/${p.replace(/\\/g, "/").replace(/^\/+/, "").replace(/\/+$/, "")}`.normalize("NFC");

/**
 * Maps a link target back to the torrent it came from: an info-hash in the path first, then a
 * torrent file path the target ends with (torrent_files.path), then a torrent name as a folder
 * (torrents.filename, how rclone/zurg mounts lay torrents out), then a file named like the
 * torrent. Torrents still at the provider win over removed ones.
 */
export class TorrentLinkIndex {
  private readonly byHash = new Map<string, LocalTorrent>();
  private readonly byName = new Map<string, LocalTorrent>();
  private readonly byFileName = new Map<string, Array<{ torrent: LocalTorrent; path: string }>>();

  constructor(
    torrents: readonly LocalTorrent[],
    files: readonly { provider: string; torrent_id: string; path: string }[],
  ) {
    const byId = new Map<string, LocalTorrent>();
    // Present torrents last so they overwrite removed ones with the same key.
    const ordered = [...torrents].sort(
      (a, b) => Number(a.removed_at === null) - Number(b.removed_at === null),
    );
    for (const t of ordered) {
      byId.set(torrentKey(t.provider, t.id), t);
      if (t.hash) this.byHash.set(t.hash.toLowerCase(), t);
      if (t.filename) this.byName.set(t.filename.normalize("NFC"), t);
    }
    for (const f of files) {
      const torrent = byId.get(torrentKey(f.provider, f.torrent_id));
      if (!torrent) continue;
      const path = clean(f.path);
      const key = basename(path);
      const list = this.byFileName.get(key) ?? [];
      list.push({ torrent, path });
      this.byFileName.set(key, list);
    }
  }

  match(target: string): { torrent: LocalTorrent; by: "hash" | "path" | "name" } | null {
    const path = clean(target);
    const segments = path.split("/").filter(Boolean);
    for (const s of segments) {
      const hit = HASH.test(s) ? this.byHash.get(s.toLowerCase()) : undefined;
      if (hit) return { torrent: hit, by: "hash" };
    }
    const fileHits = (this.byFileName.get(basename(path)) ?? []).filter(
      (f) => path === f.path || path.endsWith(f.path),
    );
    if (fileHits.length > 0) {
      const best =
        fileHits.find((f) => f.torrent.removed_at === null) ?? (fileHits[0] as { torrent: LocalTorrent });
      return { torrent: best.torrent, by: "path" };
    }
    for (let i = segments.length - 1; i >= 0; i--) {
      const hit = this.byName.get(segments[i] as string);
      if (hit) return { torrent: hit, by: "name" };
    }
    return null;
  }
}

/** One key per library torrent: ids are only unique within their provider. */
export function torrentKey(provider: string, id: string): string {
  return `${provider}:${id}`;
}

/** True when `path` is inside `root` (or is it). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

export interface RemovalReport {
  removed: string[];
  refused: Array<{ path: string; why: string }>;
}

/**
 * Removes the given symlinks: only symlinks (never a real file or a directory), only under the
 * media root. A dry run checks the same things and removes nothing.
 */
export async function removeMediaLinks(
  root: string,
  paths: readonly string[],
  options: { dryRun: boolean },
): Promise<RemovalReport> {
  const report: RemovalReport = { removed: [], refused: [] };
  for (const raw of new Set(paths)) {
    const path = resolve(raw);
    if (!isInside(root, path) || path === resolve(root)) {
      report.refused.push({ path, why: "outside the media root" });
      continue;
    }
    try {
      const info = await lstat(path);
      if (!info.isSymbolicLink()) {
        report.refused.push({ path, why: "not a symlink" });
        continue;
      }
      if (!options.dryRun) await unlink(path);
      report.removed.push(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") continue; // already gone
      report.refused.push({ path, why: errorMessage(error) });
    }
  }
  return report;
}
