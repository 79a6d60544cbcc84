import type { ProblemType } from "./check.ts";

/** Messages between the scanner and its phase-1 worker threads. Paths are relative to the root. */
export type WorkerRequest =
  | { id: number; op: "init"; root: string; minSizeBytes: number; collectMedia: boolean }
  | { id: number; op: "list"; dir: string }
  | { id: number; op: "check"; dir: string; names: string[]; links: number[] };

export interface ListedFolder {
  /** Sub-folders (relative paths). Symlinks to folders are entries, never walked into. */
  dirs: string[];
  /** Symlinks and media files of this folder, with 1 for a symlink and 0 for a plain file. */
  names: string[];
  links: number[];
  /** The folder could not be listed (permission, I/O): reported as a problem. */
  error: string | null;
}

export interface CheckedBatch {
  ok: number;
  skipped: number;
  /** `index` points into the batch's `names`. */
  problems: Array<{
    index: number;
    type: ProblemType;
    detail: string;
    size: number | null;
    target: string | null;
  }>;
  /** Indexes of media files that passed (phase 2 candidates), when asked. */
  media: number[];
}

export type WorkerReply =
  | { id: number; op: "ready" }
  | { id: number; op: "listed"; folder: ListedFolder }
  | { id: number; op: "checked"; batch: CheckedBatch }
  | { id: number; op: "error"; message: string };
