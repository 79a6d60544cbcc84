import { dlopen, FFIType, read } from "bun:ffi";
import { closeSync, constants, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { AppError } from "../errors.ts";

/**
 * One exclusive lock per DATA_DIR, held by the server and by every CLI command that writes.
 *
 * It is an OS lock (`flock` on DATA_DIR/redriva.lock), not only a file: the kernel releases it
 * when the holder exits, however it exits (kill -9 included), so a crash never leaves a stale
 * lock, and a pid reused by another program can never pass for the holder. The file's content
 * (pid, command, start time) only serves to name the holder in the refusal.
 */
export interface DataDirLock {
  readonly path: string;
  release(): void;
}

export interface LockHolder {
  pid: number;
  command: string;
  startedAt: string;
  host: string;
}

class DataDirBusyError extends AppError {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | null,
  ) {
    const who = holder
      ? `${holder.command} (pid ${holder.pid}${holder.host !== hostname() ? ` on ${holder.host}` : ""}, started ${holder.startedAt})`
      : "another Redriva process";
    super(
      "conflict",
      `DATA_DIR ${dataDir} is in use by ${who}. Only one Redriva process may write there at a time: stop it first, or use its web UI.`,
      { context: { dataDir, holder } },
    );
    this.name = "DataDirBusyError";
  }
}

const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;
/** EWOULDBLOCK: 11 on Linux, 35 on macOS. */
const WOULD_BLOCK = new Set([11, 35]);

function dataDirLockPath(dataDir: string): string {
  return join(dataDir, "redriva.lock");
}

/** Takes DATA_DIR's lock for `command` or throws DataDirBusyError naming the holder. */
export function lockDataDir(dataDir: string, command: string, now = Date.now()): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = dataDirLockPath(dataDir);
  // Opened without truncating: the holder's description must stay readable for the refusal.
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o644);
  const libc = flockCalls();
  if (libc.flock(fd, LOCK_EX | LOCK_NB) !== 0) {
    const errno = libc.errno();
    closeSync(fd);
    if (!WOULD_BLOCK.has(errno)) {
      throw new AppError("internal", `cannot lock ${path} (flock errno ${errno})`);
    }
    throw new DataDirBusyError(dataDir, readHolder(path));
  }
  const holder: LockHolder = {
    pid: process.pid,
    command,
    startedAt: new Date(now).toISOString(),
    host: hostname(),
  };
  ftruncateSync(fd, 0);
  writeSync(fd, `${JSON.stringify(holder)}\n`, 0);
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      // The file stays (unlinking it would let a third process lock a new inode beside a
      // second one still waiting on the old); closing the descriptor releases the lock.
      ftruncateSync(fd, 0);
      libc.flock(fd, LOCK_UN);
      closeSync(fd);
    },
  };
}

/** The holder named in the lock file, or null while it is being written or unreadable. */
function readHolder(path: string): LockHolder | null {
  try {
    const holder = JSON.parse(readFileSync(path, "utf8")) as LockHolder;
    return Number.isInteger(holder.pid) && typeof holder.command === "string" ? holder : null;
  } catch {
    return null;
  }
}

interface FlockCalls {
  flock(fd: number, operation: number): number;
  errno(): number;
}

/** flock(2) through bun:ffi (Linux glibc or musl, macOS); a process takes its lock once. */
function flockCalls(): FlockCalls {
  const symbols = {
    flock: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 },
    errno: { args: [], returns: FFIType.ptr },
  } as const;
  const candidates =
    process.platform === "darwin"
      ? [["libSystem.B.dylib", "__error"]]
      : [
          ["libc.so.6", "__errno_location"],
          [`libc.musl-${process.arch === "arm64" ? "aarch64" : "x86_64"}.so.1`, "__errno_location"],
        ];
  for (const [library, errnoSymbol] of candidates) {
    try {
      const lib = dlopen(library as string, {
        flock: symbols.flock,
        [errnoSymbol as string]: symbols.errno,
      });
      const errnoFn = lib.symbols[errnoSymbol as string] as unknown as () => number | null;
      return {
        flock: (fd, operation) => lib.symbols.flock(fd, operation) as number,
        errno: () => {
          const pointer = errnoFn();
          return pointer ? read.i32(pointer as never, 0) : 0;
        },
      };
    } catch {
      // not this libc: try the next
    }
  }
  throw new AppError("internal", `cannot load flock from the C library on ${process.platform}`);
}
