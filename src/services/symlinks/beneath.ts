import { ptr, read as readPointer } from "bun:ffi";
import { closeSync, constants, existsSync, openSync, unlinkSync } from "node:fs";
import { constants as osConstants } from "node:os";
import { ValidationError } from "../../errors.ts";
import { type Libc, loadLibc } from "./libc.ts";
import { resolveEntryForDeletion } from "./paths.ts";

/**
 * Reaching an entry below the media root for deletion without ever following a link on the
 * way (issue 12 §7). Resolving the parent with `realpath` and then unlinking by path lost a
 * race: a folder swapped for a symlink between the two let the unlink land outside the root.
 * Here each folder is opened from the one above it (`openat` with `O_NOFOLLOW | O_DIRECTORY`,
 * starting at the root), the entry is examined through that open folder (`/proc/self/fd/N/…`)
 * and removed with `unlinkat` on it: a swap after the walk cannot redirect anything.
 */
export interface RootEntry {
  /** A path to the entry that goes through its open folder (for lstat and the re-check). */
  path: string;
  /** Removes the entry (never a folder); throws with the reason. */
  unlink(): void;
  close(): void;
}

export interface MediaRootHandle {
  /** Opens the folder holding `rel`; throws a ValidationError when it cannot be reached safely. */
  open(rel: string): RootEntry;
  close(): void;
}

const { ENOENT, ELOOP, ENOTDIR } = osConstants.errno;
const ERRNO_NAMES = new Map(Object.entries(osConstants.errno).map(([name, value]) => [value, name]));
const FOLDER_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
/** Path components are at most 255 bytes on Linux file systems; room for the terminator. */
const NAME_BYTES = 1024;

/**
 * Opens the (real) media root for deletions. Where libc or /proc is not available (not Linux)
 * it falls back to checking the parent with `realpath` before unlinking by path, which is what
 * Redriva did before and is not safe against a concurrent swap.
 */
export function openMediaRoot(root: string): MediaRootHandle {
  const libc = existsSync("/proc/self/fd") ? safeLoadLibc() : null;
  return libc ? new LibcRootHandle(root, libc) : pathRootHandle(root);
}

function safeLoadLibc(): Libc | null {
  try {
    return loadLibc();
  } catch {
    return null;
  }
}

class LibcRootHandle implements MediaRootHandle {
  private readonly rootFd: number;
  private readonly nameBytes = new Uint8Array(NAME_BYTES);
  private readonly namePtr = ptr(this.nameBytes);
  private readonly encoder = new TextEncoder();
  private readonly errnoPtr: number;

  constructor(
    root: string,
    private readonly libc: Libc,
  ) {
    this.errnoPtr = libc.__errno_location() as number;
    this.rootFd = openSync(root, FOLDER_FLAGS);
  }

  open(rel: string): RootEntry {
    const parts = rel.split("/");
    const name = parts.pop();
    if (!name || parts.some((p) => p === "" || p === "." || p === "..")) {
      throw new ValidationError(`not a path below the media root: ${rel}`);
    }
    let fd = this.rootFd;
    for (const part of parts) {
      this.encode(part, rel);
      const next = this.libc.openat(fd, this.namePtr, FOLDER_FLAGS);
      const errno = next < 0 ? readPointer.i32(this.errnoPtr) : 0;
      if (fd !== this.rootFd) this.libc.close(fd);
      if (next < 0) throw walkError(errno, rel);
      fd = next;
    }
    const folderFd = fd;
    return {
      path: `/proc/self/fd/${folderFd}/${name}`,
      unlink: () => {
        this.encode(name, rel);
        if (this.libc.unlinkat(folderFd, this.namePtr, 0) !== 0) {
          const errno = readPointer.i32(this.errnoPtr);
          throw new Error(ERRNO_NAMES.get(errno) ?? `errno ${errno}`);
        }
      },
      close: () => {
        if (folderFd !== this.rootFd) this.libc.close(folderFd);
      },
    };
  }

  close(): void {
    closeSync(this.rootFd);
  }

  private encode(part: string, rel: string): void {
    const { read, written } = this.encoder.encodeInto(part, this.nameBytes);
    if (read < part.length || written >= NAME_BYTES) throw new ValidationError(`name too long: ${rel}`);
    this.nameBytes[written] = 0;
  }
}

function walkError(errno: number, rel: string): ValidationError {
  if (errno === ENOENT) return new ValidationError(`folder no longer exists: ${rel}`);
  if (errno === ELOOP || errno === ENOTDIR) {
    return new ValidationError(`refusing to delete through a symlinked folder: ${rel}`);
  }
  return new ValidationError(
    `cannot open the folder of ${rel}: ${ERRNO_NAMES.get(errno) ?? `errno ${errno}`}`,
  );
}

function pathRootHandle(root: string): MediaRootHandle {
  return {
    open(rel) {
      const abs = resolveEntryForDeletion(root, rel);
      return { path: abs, unlink: () => unlinkSync(abs), close: () => {} };
    },
    close() {},
  };
}
