import type { Dirent } from "node:fs";
import { opendir, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { safeSegment } from "./paths.ts";

/**
 * Finding a ready torrent's files in a debrid mount, whatever made the mount:
 *   rclone on Real-Debrid's WebDAV   <mount>/torrents/<torrent>/<file path>
 *   rclone on AllDebrid's WebDAV     <mount>/magnets/<torrent>/<file path>
 *   rclone on TorBox's WebDAV        <mount>/<torrent>/<file path>
 *   zurg, Redriva's own /dav         <mount>/__all__/<torrent>/<file path>, or a category folder
 *                                    (<mount>/shows/<torrent>/...)
 * Only a handful of names are looked up per poll (never a listing of the whole library), so the
 * cost stays flat however large the library grows.
 */

/** Library folders of the layouts above, looked in before the mount's other top folders. */
const LIBRARY_FOLDERS = ["__all__", "torrents", "magnets"] as const;
/** Top folders of the mount taken as category folders (zurg's `shows`, `movies`, /dav's rules). */
const MAX_CATEGORY_FOLDERS = 64;
/** Entries walked inside one torrent's folder when a file is not where its path says. */
const MAX_WALK_ENTRIES = 10_000;

export interface WantedFile {
  id: number;
  /** Path inside the torrent's root, sanitised (`""` for a single-file torrent). */
  path: string;
  size: number;
}

export interface MountLookup {
  /** File id → absolute path in the mount, for every file found. */
  found: Map<number, string>;
  /** Folders looked in (for the message when the files never come). */
  lookedIn: string[];
}

/** Where to look: the mount itself, its library folders, then its other top folders. */
export async function searchFolders(mount: string): Promise<string[]> {
  // Asynchronous only: the mount may be Redriva's own /dav, served by this very process, and a
  // blocking call here would wait on an answer the blocked event loop can never give.
  const folders = [mount];
  for (const f of LIBRARY_FOLDERS)
    if ((await statOrNull(join(mount, f)))?.isDirectory()) folders.push(join(mount, f));
  try {
    const dir = await opendir(mount);
    let taken = 0;
    for await (const entry of dir) {
      if (taken >= MAX_CATEGORY_FOLDERS) break;
      if (!entry.isDirectory() || (LIBRARY_FOLDERS as readonly string[]).includes(entry.name)) continue;
      folders.push(join(mount, entry.name));
      taken++;
    }
  } catch {
    // An absent or unreadable mount: the wait goes on and the message names it.
  }
  return folders;
}

async function statOrNull(path: string) {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}

const sizeFits = (size: number, wanted: number) => wanted <= 0 || size === wanted;

/**
 * One path segment under `dir`: the exact name, else an entry whose cleaned name is the cleaned
 * `segment` (Redriva cleaned the provider's names; the mount shows them raw).
 */
async function findSegment(dir: string, segment: string): Promise<string | null> {
  const exact = join(dir, segment);
  if (await statOrNull(exact)) return exact;
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return null;
  }
  const wanted = safeSegment(segment);
  const match = entries.find((e) => safeSegment(e.name) === wanted);
  return match ? join(dir, match.name) : null;
}

async function resolveRelative(base: string, path: string): Promise<string | null> {
  let current = base;
  for (const segment of path.split("/").filter(Boolean)) {
    const next = await findSegment(current, segment);
    if (!next) return null;
    current = next;
  }
  return current;
}

/** A file under `folder` whose path ends with `path` (segment by segment, cleaned), or null. */
async function findByPathEnding(folder: string, path: string, size: number): Promise<string | null> {
  const tail = path.split("/").filter(Boolean).map(safeSegment);
  const stack: Array<{ dir: string; rel: string[] }> = [{ dir: folder, rel: [] }];
  let seen = 0;
  while (stack.length > 0) {
    const { dir, rel } = stack.pop() as { dir: string; rel: string[] };
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (++seen > MAX_WALK_ENTRIES) return null;
      const full = join(dir, entry.name);
      const segments = [...rel, safeSegment(entry.name)];
      if (entry.isDirectory()) {
        stack.push({ dir: full, rel: segments });
        continue;
      }
      const ends = segments.slice(-tail.length).join("/") === tail.join("/");
      if (ends && sizeFits((await statOrNull(full))?.size ?? -1, size)) return full;
    }
  }
  return null;
}

/** Each file inside one torrent's folder: at its path, under the root folder name, or by path ending. */
async function filesInFolder(
  folder: string,
  rootName: string,
  files: WantedFile[],
): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  for (const file of files) {
    const path = file.path === "" ? rootName : file.path;
    const candidates = [path, `${rootName}/${path}`];
    for (const candidate of candidates) {
      const full = await resolveRelative(folder, candidate);
      const info = full ? await statOrNull(full) : null;
      if (full && info?.isFile() && sizeFits(info.size, file.size)) {
        found.set(file.id, full);
        break;
      }
    }
    if (found.has(file.id)) continue;
    const ending = await findByPathEnding(folder, path, file.size);
    if (ending) found.set(file.id, ending);
  }
  return found;
}

/**
 * Looks for the torrent's files in `mount` under each name the torrent may have there (the
 * provider's name, the original name, the root folder name). Returns the best match: all files
 * when one folder has them all, else the folder with the most.
 */
export async function locateInMount(
  mount: string,
  names: string[],
  rootName: string,
  files: WantedFile[],
): Promise<MountLookup> {
  const lookedIn = await searchFolders(mount);
  // A name is one folder entry: one with a separator or a dot-dot would look outside the mount.
  const uniqueNames = [
    ...new Set(names.filter((n) => n.trim() !== "" && n !== "." && n !== ".." && !/[/\\]/.test(n))),
  ];
  let best = new Map<number, string>();
  for (const folder of lookedIn) {
    for (const name of uniqueNames) {
      const entry = join(folder, name);
      const info = await statOrNull(entry);
      if (!info) continue;
      let found: Map<number, string>;
      if (info.isDirectory()) found = await filesInFolder(entry, rootName, files);
      else if (files.length === 1 && files[0] && info.isFile() && sizeFits(info.size, files[0].size))
        found = new Map([[files[0].id, entry]]);
      else continue;
      if (found.size === files.length) return { found, lookedIn };
      if (found.size > best.size) best = found;
    }
  }
  return { found: best, lookedIn };
}
