import { dlopen, FFIType } from "bun:ffi";

/** posix_fadvise's POSIX_FADV_DONTNEED (Linux, every architecture). */
const POSIX_FADV_DONTNEED = 4;

/**
 * Drops a file's pages from the kernel's cache (after they are on disk). A copy of 60 GB then
 * does not push the media server's cache out, and reading the copy back to verify it reads the
 * disk, not the memory that was just written. A no-op where libc cannot be loaded.
 */
export function loadPageCacheDropper(): (fd: number) => void {
  if (process.platform !== "linux") return () => {};
  for (const name of ["libc.so.6", `libc.musl-${process.arch === "arm64" ? "aarch64" : "x86_64"}.so.1`]) {
    try {
      const { symbols } = dlopen(name, {
        posix_fadvise: { args: [FFIType.i32, FFIType.i64, FFIType.i64, FFIType.i32], returns: FFIType.i32 },
      });
      return (fd) => {
        symbols.posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
      };
    } catch {
      // not this libc: try the next
    }
  }
  return () => {};
}
