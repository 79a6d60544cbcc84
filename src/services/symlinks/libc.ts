import { dlopen, FFIType } from "bun:ffi";

/**
 * The few libc calls the symlink checker makes straight through bun:ffi on Linux: `openat` and
 * `pread` for the fast path of phase 1, `openat` and `unlinkat` for deletions that never follow
 * a link. Null elsewhere (callers fall back to node:fs).
 */
export function loadLibc() {
  if (process.platform !== "linux") return null;
  const symbols = {
    openat: { args: [FFIType.i32, FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
    unlinkat: { args: [FFIType.i32, FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
    pread: { args: [FFIType.i32, FFIType.ptr, FFIType.u64, FFIType.i64], returns: FFIType.i64 },
    close: { args: [FFIType.i32], returns: FFIType.i32 },
    __errno_location: { args: [], returns: FFIType.ptr },
  } as const;
  for (const name of ["libc.so.6", `libc.musl-${process.arch === "arm64" ? "aarch64" : "x86_64"}.so.1`]) {
    try {
      return dlopen(name, symbols).symbols;
    } catch {
      // not this libc: try the next, or fall back to node:fs
    }
  }
  return null;
}

export type Libc = NonNullable<ReturnType<typeof loadLibc>>;
