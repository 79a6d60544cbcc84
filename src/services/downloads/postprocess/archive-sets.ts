import { lstatSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";

/**
 * The archives of a download, one entry per set: the file an extractor is pointed at (the first
 * volume); the tool finds the other volumes itself and names them (lsar's XADVolumes).
 *
 * | name                                  | first volume of a set?        |
 * | ------------------------------------- | ----------------------------- |
 * | x.rar                                 | yes (also of x.r00, x.r01...) |
 * | x.part1.rar / x.part01.rar            | yes                           |
 * | x.part2.rar ... / x.r00 ...           | no                            |
 * | x.zip, x.7z, x.7z.001                 | yes                           |
 * | x.z01, x.7z.002 ...                   | no                            |
 */
export function isFirstVolume(name: string): boolean {
  const lower = name.toLowerCase();
  const part = /\.part(\d+)\.rar$/.exec(lower);
  if (part) return Number(part[1]) === 1;
  return /\.(rar|zip|7z|7z\.0*1)$/.test(lower);
}

/** First volumes under `path` (a file or a folder), links not followed, sorted. */
export function findArchiveSets(path: string): string[] {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (!stat) return [];
  if (stat.isFile()) return isFirstVolume(basename(path)) ? [path] : [];
  if (!stat.isDirectory()) return [];
  const found: string[] = [];
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    // Our own scratch folders (an extraction cut short) are not content.
    if (entry.name.startsWith(".redriva-")) continue;
    const full = join(path, entry.name);
    if (entry.isDirectory()) found.push(...findArchiveSets(full));
    else if (entry.isFile() && isFirstVolume(entry.name)) found.push(full);
  }
  return found.sort();
}
