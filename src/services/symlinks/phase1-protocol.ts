import type { ProblemType } from "./check.ts";

/**
 * Messages between the scanner and its phase-1 worker threads. Paths are relative to the root.
 *
 * Lists travel as strings: names joined by NUL (never part of a file name), link flags as a
 * string of "1" (symlink) and "0" (plain file): cloning one string across threads is far cheaper
 * than cloning an array of thousands. A worker keeps the entries of the small folders it listed
 * and checks them itself later, so those names never cross threads at all; big folders come back
 * whole, to be split across every worker.
 */
export const SEP = "\0";

export type WorkerRequest =
  | { id: number; op: "init"; root: string; minSizeBytes: number; collectMedia: boolean; keepUpTo: number }
  | { id: number; op: "list"; dir: string }
  /** Without `names`, the worker checks the entries it kept when it listed `dir`. */
  | { id: number; op: "check"; dir: string; names?: string; links?: string };

export interface ListedFolder {
  /** Sub-folders (relative paths, SEP-joined). Symlinks to folders are entries, never walked into. */
  dirs: string;
  /** Symlinks and media files in this folder. */
  count: number;
  /** True when the worker kept the entries (names/links are then empty). */
  kept: boolean;
  names: string;
  links: string;
  /** The folder could not be listed (permission, I/O): reported as a problem. */
  error: string | null;
}

export interface CheckedBatch {
  checked: number;
  ok: number;
  skipped: number;
  problems: Array<{
    name: string;
    link: boolean;
    type: ProblemType;
    detail: string;
    size: number | null;
    target: string | null;
  }>;
  /** Media files that passed (phase 2 candidates), SEP-joined, when asked; flags as for lists. */
  media: string;
  mediaLinks: string;
}

export type WorkerReply =
  | { id: number; op: "ready" }
  | { id: number; op: "listed"; folder: ListedFolder }
  | { id: number; op: "checked"; batch: CheckedBatch }
  | { id: number; op: "error"; message: string };
