/**
 * Messages between the scanner and its phase-1 worker threads. Paths are relative to the root.
 *
 * The main thread stays out of the hot loop: a worker walks whole subtrees on its own, keeps
 * the entries it found, then checks all of them in one request, streaming results back. On a
 * busy machine the main thread gets little CPU, and a worker waiting for it to hand out the
 * next folder would sit idle.
 *
 * Lists travel as strings: names joined by NUL (never part of a file name), link flags as a
 * string of "1" (symlink) and "0" (plain file). Folders bigger than `keepUpTo` come back whole,
 * to be split across every worker.
 */
export const SEP = "\0";

export type WorkerRequest =
  | { id: number; op: "init"; root: string; minSizeBytes: number; collectMedia: boolean; keepUpTo: number }
  /** `recursive`: walk the whole subtree (never entering symlinked folders), else this folder only. */
  | { id: number; op: "list"; dir: string; recursive: boolean }
  /** Check everything this worker kept, plus `parts` of big folders; replies stream. */
  | { id: number; op: "check"; parts: FolderPart[] };

export const PROBLEM_FIELDS = 6;

export interface FolderPart {
  dir: string;
  names: string;
  links: string;
}

export interface ListedTree {
  /** Sub-folders not walked (single-folder listing only), SEP-joined. */
  dirs: string;
  /** Folders listed. */
  folders: number;
  /** Symlinks and media files found (kept + big). */
  count: number;
  /** Folders above `keepUpTo` entries, returned whole. */
  big: FolderPart[];
  /** Folders that could not be listed (permission, I/O): reported as problems. */
  errors: Array<{ dir: string; error: string }>;
}

export interface CheckedBatch {
  checked: number;
  ok: number;
  skipped: number;
  /**
   * The problems, flattened: PROBLEM_FIELDS strings per problem (path, type, kind, detail, size,
   * target; "" for none), SEP-joined. One string crosses threads instead of an object per problem.
   */
  problems: string;
  /** Media files that passed (phase 2 candidates, paths SEP-joined), when asked; flags as for lists. */
  media: string;
  mediaLinks: string;
}

export type WorkerReply =
  | { id: number; op: "ready" }
  | { id: number; op: "listed"; tree: ListedTree }
  /** A part of the answer to "check"; more follow until `done`. */
  | { id: number; op: "checked"; batch: CheckedBatch; done: boolean }
  | { id: number; op: "error"; message: string };
