import { basename, join, resolve, sep } from "node:path";
import type { DownloadsConfig } from "../../config/sections/downloads.ts";

/**
 * File names come from strangers (torrent names, provider paths): every segment is cleaned and
 * every path is confined to DOWNLOAD_DIR before anything touches the disk.
 */
const MAX_SEGMENT_BYTES = 200;

export function safeSegment(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we remove
  let cleaned = name.replace(/[\u0000-\u001f\u007f/\\]/g, "_").trim();
  if (cleaned === "." || cleaned === "..") cleaned = "_";
  cleaned = cleaned.replace(/^\.+/, (dots) => "_".repeat(dots.length));
  const bytes = new TextEncoder().encode(cleaned);
  if (bytes.length > MAX_SEGMENT_BYTES) {
    // Keep the extension: importers look at it.
    const ext = /\.[A-Za-z0-9]{1,5}$/.exec(cleaned)?.[0] ?? "";
    let head = cleaned.slice(0, cleaned.length - ext.length);
    while (new TextEncoder().encode(head + ext).length > MAX_SEGMENT_BYTES) head = head.slice(0, -1);
    cleaned = head + ext;
  }
  return cleaned === "" ? "download" : cleaned;
}

/** A relative path with clean segments, no `.`/`..`, `/`-separated. */
export function safeRelativePath(path: string): string {
  const parts = path
    .split(/[/\\]+/)
    .filter((p) => p !== "" && p !== "." && p !== "..")
    .map(safeSegment);
  return parts.length > 0 ? parts.join("/") : "download";
}

/** `path` resolved against `root`, or null when it would leave `root`. */
export function resolveInside(root: string, path: string): string | null {
  const full = resolve(root, path);
  const base = resolve(root);
  return full === base || full.startsWith(base.endsWith(sep) ? base : base + sep) ? full : null;
}

/**
 * qBittorrent's rule for category names (no leading/trailing slash, no empty or "//" segments),
 * plus no backslash or NUL: the name becomes a folder. True when `name` (trimmed) is usable.
 */
export function isValidCategoryName(name: string): boolean {
  const trimmed = name.trim();
  return !(
    trimmed === "" ||
    /^\/|\/$|\/\//.test(trimmed) ||
    trimmed.includes("\\") ||
    trimmed.includes("\0")
  );
}

/** Folder of a category: its own save path (relative to DOWNLOAD_DIR) or DOWNLOAD_DIR/<category>. */
export function categoryFolder(
  config: DownloadsConfig,
  category: string,
  categorySavePath: string,
): string | null {
  if (categorySavePath !== "") return resolveInside(config.dir, categorySavePath);
  if (category === "") return config.dir;
  return resolveInside(config.dir, category.split("/").map(safeSegment).join("/"));
}

/**
 * Where a torrent's content lands. An explicit savepath wins (it must be inside DOWNLOAD_DIR:
 * an *arr cannot make Redriva write elsewhere); then the category's folder.
 */
export function resolveSavePath(
  config: DownloadsConfig,
  input: { category: string; categorySavePath: string; savepath?: string },
): { path: string } | { error: string } {
  if (input.savepath !== undefined && input.savepath.trim() !== "") {
    const wanted = input.savepath.trim();
    const path = resolveInside(config.dir, wanted);
    if (!path)
      return {
        error: `save path ${wanted} is outside DOWNLOAD_DIR (${config.dir}); Redriva only writes inside it`,
      };
    return { path };
  }
  const path = categoryFolder(config, input.category, input.categorySavePath);
  if (!path) return { error: `the save path of category ${input.category} is outside DOWNLOAD_DIR` };
  return { path };
}

/** Validates a category save path given through the API ("" = default). */
export function checkCategorySavePath(config: DownloadsConfig, savePath: string): string | null {
  return savePath.trim() === "" ? "" : resolveInside(config.dir, savePath.trim());
}

/** The torrent's own scratch folder inside the incomplete dir. */
export function incompleteFolder(config: DownloadsConfig, hash: string): string {
  return join(config.incompleteDir, hash);
}

/**
 * Root name and file paths inside it. One file: the file's own name. Several: the folder they all
 * share when they share one (a provider may or may not include the torrent's folder in its
 * paths), else the torrent's name.
 */
export function planLayout(
  torrentName: string,
  providerPaths: string[],
): { rootName: string; relative: string[] } {
  const clean = providerPaths.map(safeRelativePath);
  if (clean.length === 1 && clean[0]) return { rootName: safeSegment(basename(clean[0])), relative: [""] };
  const first = clean.map((p) => (p.includes("/") ? p.slice(0, p.indexOf("/")) : null));
  const shared = first[0] && first.every((f) => f === first[0]) ? first[0] : null;
  if (shared) return { rootName: shared, relative: clean.map((p) => p.slice(shared.length + 1)) };
  return { rootName: safeSegment(torrentName), relative: clean };
}

/** Path of a file relative to the torrent's folder (incomplete or final). */
export function fileLayoutPath(rootName: string, relative: string): string {
  return relative === "" ? rootName : `${rootName}/${relative}`;
}
