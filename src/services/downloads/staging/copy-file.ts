import { open, stat } from "node:fs/promises";

/** How one file is copied onto the final disk. */
export interface CopyOptions {
  /** Bytes per read and write (larger on a hard disk: fewer seeks between source and target). */
  chunkBytes: number;
  /** Bytes per second, 0 = unlimited. */
  speedLimit: number;
  signal: AbortSignal;
  /** Called with each block of bytes copied (or found already copied before a restart). */
  onBytes(bytes: number): void;
  /** Called once the copy is written and its read-back starts. */
  onVerify(): void;
  dropCache(fd: number): void;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export class ChecksumMismatchError extends Error {
  constructor(path: string) {
    super(`the copy of ${path} does not read back the bytes that were written (checksum mismatch)`);
    this.name = "ChecksumMismatchError";
  }
}

/** Written this often, the copied bytes are flushed and dropped from the cache (memory stays flat). */
const FLUSH_EVERY_BYTES = 256 * 1024 * 1024;

/**
 * Copies `source` to `dest` through one reused buffer, hashing (SHA-256) what it reads, then
 * flushes the copy, reads it back from the disk and compares. A `dest` left by an interrupted
 * copy is continued from its last whole block (that prefix of the source is hashed again, and the
 * read-back checks all of it). Resolves with the checksum; rejects on a mismatch or an abort.
 */
export async function copyFileVerified(source: string, dest: string, options: CopyOptions): Promise<string> {
  const { chunkBytes, signal } = options;
  const size = (await stat(source)).size;
  const buffer = Buffer.allocUnsafe(chunkBytes);
  const input = await open(source, "r");
  let output: Awaited<ReturnType<typeof open>> | null = null;
  try {
    // Kept when there (a copy cut short by a crash continues), created otherwise.
    output = await open(dest, "r+").catch(() => open(dest, "w+"));
    const existing = (await output.stat()).size;
    const resumeAt = existing <= size ? Math.floor(existing / chunkBytes) * chunkBytes : 0;
    await output.truncate(resumeAt);
    const hasher = new Bun.CryptoHasher("sha256");
    let position = 0;
    while (position < resumeAt) {
      signal.throwIfAborted();
      const read = await readBlock(input, buffer, position, resumeAt - position);
      hasher.update(buffer.subarray(0, read));
      position += read;
      options.onBytes(read);
    }
    const pace = pacer(options.speedLimit, options.sleep, signal);
    let sinceFlush = 0;
    while (position < size) {
      signal.throwIfAborted();
      const read = await readBlock(input, buffer, position, size - position);
      hasher.update(buffer.subarray(0, read));
      await writeAll(output, buffer.subarray(0, read), position);
      position += read;
      sinceFlush += read;
      options.onBytes(read);
      if (sinceFlush >= FLUSH_EVERY_BYTES) {
        await output.datasync();
        options.dropCache(output.fd);
        options.dropCache(input.fd);
        sinceFlush = 0;
      }
      await pace(read);
    }
    await output.datasync();
    options.dropCache(output.fd);
    options.dropCache(input.fd);
    const expected = hasher.digest("hex");
    options.onVerify();
    const actual = await hashOf(output, size, buffer, signal);
    if (actual !== expected) throw new ChecksumMismatchError(dest);
    return expected;
  } finally {
    await output?.close();
    await input.close();
  }
}

type Handle = Awaited<ReturnType<typeof open>>;

async function readBlock(handle: Handle, buffer: Buffer, position: number, left: number): Promise<number> {
  const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, left), position);
  if (bytesRead <= 0) throw new Error("the file got shorter while it was copied");
  return bytesRead;
}

async function writeAll(handle: Handle, data: Buffer, position: number): Promise<void> {
  let written = 0;
  while (written < data.length) {
    const { bytesWritten } = await handle.write(data, written, data.length - written, position + written);
    written += bytesWritten;
  }
}

/** SHA-256 of the first `size` bytes of an open file, through `buffer`. */
async function hashOf(handle: Handle, size: number, buffer: Buffer, signal: AbortSignal): Promise<string> {
  const hasher = new Bun.CryptoHasher("sha256");
  let position = 0;
  while (position < size) {
    signal.throwIfAborted();
    const read = await readBlock(handle, buffer, position, size - position);
    hasher.update(buffer.subarray(0, read));
    position += read;
  }
  return hasher.digest("hex");
}

/** Sleeps as needed to keep `bytesPerSecond` (0: never sleeps). */
function pacer(
  bytesPerSecond: number,
  sleep: CopyOptions["sleep"],
  signal: AbortSignal,
): (bytes: number) => Promise<void> {
  if (bytesPerSecond <= 0) return async () => {};
  const started = performance.now();
  let total = 0;
  return async (bytes) => {
    total += bytes;
    const due = started + (total / bytesPerSecond) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait, signal);
  };
}
