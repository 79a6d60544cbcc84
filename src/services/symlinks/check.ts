import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import type { SYMLINK_PROBLEM_TYPES } from "../../../schema/symlinks.ts";

/**
 * Phase 1 of the checker for one link or file, synchronous on purpose: it runs inside the
 * phase-1 worker threads (src/services/symlinks/phase1-worker.ts), where a slow network mount
 * blocks one worker and never the server.
 *
 * One open + one read + one close per entry: opening follows the link (ENOENT = broken,
 * EACCES = inaccessible), the read both proves the first bytes come back (EIO = io_error) and
 * measures small files without a separate stat.
 */

/** The list lives in the schema (symlink_problems.type); a type-only import keeps workers light. */
export type ProblemType = (typeof SYMLINK_PROBLEM_TYPES)[number];
export const PHASE1_TYPES = ["broken", "inaccessible", "empty", "io_error"] as const;
export const PHASE2_TYPES = ["corrupt", "timeout"] as const;
export const PROBLEM_TYPES: readonly ProblemType[] = [...PHASE1_TYPES, ...PHASE2_TYPES];

export const PROBLEM_LABELS: Record<ProblemType, string> = {
  broken: "Broken link",
  inaccessible: "Inaccessible",
  empty: "Empty / too small",
  io_error: "I/O error",
  corrupt: "Corrupt media",
  timeout: "Probe timed out",
};

/** Extensions treated as media: their files are checked (phase 1) and probed (phase 2). */
export const MEDIA_EXTENSIONS = new Set([
  "mkv",
  "mp4",
  "m4v",
  "avi",
  "mov",
  "wmv",
  "ts",
  "m2ts",
  "mts",
  "webm",
  "flv",
  "mpg",
  "mpeg",
  "vob",
  "ogm",
  "ogv",
  "divx",
  "iso",
  "mp3",
  "flac",
  "m4a",
  "aac",
  "ogg",
  "opus",
  "wav",
]);

export function isMediaName(name: string): boolean {
  const dot = name.lastIndexOf(".");
  return dot > 0 && MEDIA_EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}

export type Verdict =
  | { status: "ok" }
  /** Not a file we judge: a link to a folder, a FIFO, a vanished plain file. */
  | { status: "skip" }
  | { status: "problem"; type: ProblemType; detail: string; size?: number };

// Shared verdicts: phase 1 returns one per entry, 100,000s of times.
const OK: Verdict = Object.freeze({ status: "ok" });
const SKIP: Verdict = Object.freeze({ status: "skip" });
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;
/** Bytes read to prove the file is readable; more when the size threshold is larger. */
const MIN_READ = 512;
const MAX_READ = 64 * 1024;

export interface CheckOptions {
  /** Files below this many bytes are "empty" (media files; others only when 0 bytes). */
  minSizeBytes: number;
  /** Scratch buffer of at least MAX_READ bytes, reused across calls. */
  buffer: Uint8Array;
}

export function allocCheckBuffer(): Uint8Array {
  return new Uint8Array(MAX_READ);
}

export function checkEntry(
  path: string,
  isSymlink: boolean,
  isMedia: boolean,
  options: CheckOptions,
): Verdict {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    return classifyOpenError(error, isSymlink);
  }
  try {
    const threshold = isMedia ? options.minSizeBytes : 1;
    const want = Math.min(Math.max(threshold, MIN_READ), MAX_READ);
    let read: number;
    try {
      read = readSync(fd, options.buffer, 0, want, 0);
    } catch (error) {
      const code = errorCode(error);
      // A link to a folder, FIFO or socket: nothing to judge.
      if (["EISDIR", "EAGAIN", "EWOULDBLOCK", "EINVAL", "ESPIPE"].includes(code)) return SKIP;
      return {
        status: "problem",
        type: "io_error",
        detail: `reading the first bytes failed: ${describe(error)}`,
      };
    }
    if (read < want) {
      // A short read from offset 0 of a regular file is its whole size: no stat needed.
      if (read < threshold) return { status: "problem", type: "empty", detail: `${read} bytes`, size: read };
      return OK;
    }
    if (threshold > want) {
      const stat = fstatSync(fd);
      if (stat.size < threshold)
        return { status: "problem", type: "empty", detail: `${stat.size} bytes`, size: stat.size };
    }
    return OK;
  } finally {
    closeSync(fd);
  }
}

function classifyOpenError(error: unknown, isSymlink: boolean): Verdict {
  const code = errorCode(error);
  switch (code) {
    case "ENOENT":
    case "ENOTDIR":
    case "ELOOP":
      // A plain file that vanished since the listing is not a broken link.
      return isSymlink
        ? { status: "problem", type: "broken", detail: code === "ELOOP" ? "link loop" : "target missing" }
        : SKIP;
    case "EACCES":
    case "EPERM":
      return { status: "problem", type: "inaccessible", detail: `permission denied (${code})` };
    case "ENXIO":
    case "EOPNOTSUPP":
      return SKIP;
    default:
      return { status: "problem", type: "io_error", detail: `open failed: ${describe(error)}` };
  }
}

function errorCode(error: unknown): string {
  return typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
}

function describe(error: unknown): string {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${code} ${message}` : message;
}
