import { basename, dirname, join, relative, resolve } from "node:path";
import type { DownloadsConfig } from "../../config/sections/downloads.ts";
import { localFiles, localTorrent } from "../../db/repo/repair-library.ts";
import type { Deps } from "../../deps.ts";
import type { ProviderFile } from "../../providers/types.ts";
import { mountPathFor } from "../downloads/mode.ts";
import { resolveInside, safeSegment } from "../downloads/paths.ts";
import { type MediaLink, walkMediaLinks } from "./media-links.ts";
import { repairMediaRoot } from "./media-root.ts";
import type { RepairTarget } from "./reinject.ts";

/**
 * Before a repair re-adds a torrent: which links under DOWNLOAD_DIR (symlink-mode grabs) and the
 * media root point at its files in the debrid mount. After the re-add: which file of the new
 * torrent each one gets (same path inside the torrent, else same name and size). relink.ts waits
 * for those files in the mount and rewrites the links.
 */

/** A link that points at a file of the torrent being repaired. */
export interface OldLink {
  path: string;
  /** Its target as Redriva sees it (SYMLINK_PATH_MAPPINGS undone). */
  oldTarget: string;
  /** The file's path inside the torrent, `/`-separated, no leading slash. */
  rel: string;
  size: number;
  /** Where to look for the new torrent: the configured mount, else the folder that held the old one. */
  mount: string;
}

/** One link to rewrite once the new file shows in the mount (stored in the attempt). */
export interface PendingLink extends OldLink {
  fileId: number;
  newRel: string;
}

/** Folders whose links are followed: DOWNLOAD_DIR and the media root (repair's), without repeats. */
export function relinkRoots(deps: Pick<Deps, "config" | "dbh">): string[] {
  const given = [deps.config.downloads.dir, repairMediaRoot(deps)].filter((r): r is string => Boolean(r));
  const roots = [...new Set(given.map((r) => resolve(r)))];
  // A root inside the other is walked with it.
  return roots.filter((root) => !roots.some((other) => other !== root && isWithin(other, root)));
}

const isWithin = (root: string, path: string) => resolveInside(root, path) !== null;

/** The links of both roots, walked once per run on first need. */
export class LibraryLinkCache {
  private walk: Promise<MediaLink[]> | null = null;

  constructor(
    private readonly deps: Pick<Deps, "config" | "dbh">,
    private readonly signal?: AbortSignal,
  ) {}

  links(): Promise<MediaLink[]> {
    this.walk ??= (async () => {
      const all: MediaLink[] = [];
      for (const root of relinkRoots(this.deps))
        all.push(...(await walkMediaLinks(root, { signal: this.signal })));
      return all;
    })();
    return this.walk;
  }
}

/** A link's target with the *arr's prefix (SYMLINK_PATH_MAPPINGS) turned back into Redriva's. */
export function unmapLinkTarget(config: DownloadsConfig, target: string): string {
  for (const { from, to } of config.linking.pathMappings) {
    if (target === to) return from;
    const rest = relative(to, target);
    if (rest !== "" && !rest.startsWith("..") && !rest.startsWith("/")) return join(from, rest);
  }
  return target;
}

const cleanRel = (path: string) => path.replace(/\\/g, "/").replace(/^\/+/, "").normalize("NFC");
const sameName = (a: string, b: string) =>
  a !== "" && safeSegment(a.normalize("NFC")) === safeSegment(b.normalize("NFC"));

/**
 * The links into the old torrent: a target that ends with one of its selected files' paths,
 * inside a folder named like the torrent (a file of the same name in another torrent is not it).
 */
export async function findOldLinks(
  deps: Deps,
  target: RepairTarget,
  cache: LibraryLinkCache,
): Promise<OldLink[]> {
  const local = localTorrent(deps.dbh, target.provider, target.torrentId);
  const names = [target.filename, local?.filename ?? ""].filter(Boolean);
  const files = localFiles(deps.dbh, target.provider, target.torrentId)
    .filter((f) => f.selected)
    .map((f) => ({ rel: cleanRel(f.path), size: f.bytes }))
    .filter((f) => f.rel !== "")
    .sort((a, b) => b.rel.length - a.rel.length);
  if (files.length === 0 || names.length === 0) return [];
  const configured = mountPathFor(deps.config.downloads, target.provider);
  const found: OldLink[] = [];
  for (const link of await cache.links()) {
    const oldTarget = unmapLinkTarget(deps.config.downloads, link.resolved).normalize("NFC");
    const file = files.find((f) => oldTarget.endsWith(`/${f.rel}`));
    if (!file) continue;
    const folder = oldTarget.slice(0, -(file.rel.length + 1));
    if (!names.some((n) => sameName(n, basename(folder)))) continue;
    const mount = configured && isWithin(configured, folder) ? configured : dirname(folder);
    found.push({ path: link.path, oldTarget, rel: file.rel, size: file.size, mount });
  }
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

/** Each old link's file in the re-added torrent: same path, else the one file with its name and size. */
export function matchNewFiles(
  links: readonly OldLink[],
  files: readonly ProviderFile[],
): { pending: PendingLink[]; left: Array<{ path: string; why: string }> } {
  const selected = files.filter((f) => f.selected).map((f) => ({ ...f, rel: cleanRel(f.path) }));
  const pending: PendingLink[] = [];
  const left: Array<{ path: string; why: string }> = [];
  for (const link of links) {
    const byPath = selected.find((f) => f.rel === link.rel);
    const byName = selected.filter((f) => basename(f.rel) === basename(link.rel) && f.bytes === link.size);
    const file = byPath ?? (byName.length === 1 ? byName[0] : undefined);
    if (file) pending.push({ ...link, fileId: file.id, newRel: file.rel });
    else
      left.push({
        path: link.path,
        why: `the re-added torrent has no selected file ${link.rel} (nor one named ${basename(link.rel)} of ${link.size} bytes)`,
      });
  }
  return { pending, left };
}
