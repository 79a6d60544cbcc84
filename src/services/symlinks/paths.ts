import { realpathSync, statSync } from "node:fs";
import { isAbsolute, join, relative, sep } from "node:path";
import { ValidationError } from "../../errors.ts";
import { mediaRootProblem } from "./settings.ts";

/**
 * Path safety for everything the UI, API or CLI names: paths are relative to the media root,
 * and after resolving every symlink they must still be inside it. `..`, absolute paths, NUL
 * bytes and folders that are symlinks leading out of the root are refused (400).
 */

/** The media root with its own symlinks resolved: every check compares against this. */
export function realMediaRoot(mediaRoot: string | undefined): string {
  if (!mediaRoot)
    throw new ValidationError("no media root configured (MEDIA_ROOT or the Symlinks settings tab)");
  const problem = mediaRootProblem(mediaRoot);
  if (problem) throw new ValidationError(`media root: ${problem}`);
  return realpathSync(mediaRoot);
}

/** True when `abs` is `root` or below it (both already absolute and normalized). */
export function isInside(root: string, abs: string): boolean {
  if (abs === root) return true;
  const prefix = root.endsWith(sep) ? root : `${root}${sep}`;
  return abs.startsWith(prefix);
}

/** Lexical checks of a relative path from a request; returns it normalized ("" = the root). */
export function normalizeRelative(input: unknown): string {
  if (typeof input !== "string") throw new ValidationError("paths must be strings");
  if (input.length > 4096) throw new ValidationError("path too long");
  if (input.includes("\0")) throw new ValidationError("path contains a NUL byte");
  const unified = input.replace(/\\/g, "/");
  if (isAbsolute(unified) || /^[a-zA-Z]:/.test(unified)) {
    throw new ValidationError(
      `absolute paths are refused: give a folder relative to the media root (${input})`,
    );
  }
  const segments = unified.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes("..")) throw new ValidationError(`".." is refused in paths (${input})`);
  return segments.join("/");
}

/**
 * Resolves a folder named relative to the (real) media root. It must exist, be a folder, and
 * its real path (symlinks followed) must stay inside the root. Returns the relative path in the
 * root's own terms and the absolute real path.
 */
export function resolveFolder(realRoot: string, input: unknown): { rel: string; abs: string } {
  const rel = normalizeRelative(input);
  const lexical = rel === "" ? realRoot : join(realRoot, rel);
  let real: string;
  try {
    real = realpathSync(lexical);
  } catch {
    throw new ValidationError(`no such folder under the media root: ${rel || "/"}`);
  }
  if (!isInside(realRoot, real)) throw new ValidationError(`path leads outside the media root: ${rel}`);
  if (real !== lexical) {
    // A symlinked folder inside the root would make the scan follow links (and count twice).
    throw new ValidationError(`path goes through a symlink, give the real folder instead: ${rel}`);
  }
  if (!statSync(real).isDirectory()) throw new ValidationError(`not a folder: ${rel}`);
  return { rel: relative(realRoot, real).split(sep).join("/"), abs: real };
}

/**
 * Resolves several folders and drops the ones already covered by another (scanning "tv" and
 * "tv/Show" would check Show twice). An empty list means the whole root.
 */
export function resolveFolders(
  realRoot: string,
  inputs: readonly unknown[],
): Array<{ rel: string; abs: string }> {
  const resolved = (inputs.length === 0 ? [""] : inputs).map((p) => resolveFolder(realRoot, p));
  resolved.sort((a, b) => a.rel.length - b.rel.length);
  const kept: Array<{ rel: string; abs: string }> = [];
  for (const folder of resolved) {
    if (!kept.some((k) => isInside(k.abs, folder.abs))) kept.push(folder);
  }
  return kept.sort((a, b) => a.rel.localeCompare(b.rel));
}

/**
 * For deletion: the absolute path of a file/link recorded relative to the root, checked again
 * now. The link itself is not resolved (it is what gets removed), but its parent folder must
 * really be inside the root.
 */
export function resolveEntryForDeletion(realRoot: string, rel: string): string {
  const clean = normalizeRelative(rel);
  if (clean === "") throw new ValidationError("refusing to delete the media root");
  const abs = join(realRoot, clean);
  const parent = join(abs, "..");
  let realParent: string;
  try {
    realParent = realpathSync(parent);
  } catch {
    throw new ValidationError(`folder no longer exists: ${clean}`);
  }
  if (realParent !== parent || !isInside(realRoot, realParent)) {
    throw new ValidationError(`refusing to delete through a symlinked folder: ${clean}`);
  }
  return abs;
}
