import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  rmSync,
  statfsSync,
  statSync,
  writeSync,
} from "node:fs";
import { basename, join } from "node:path";

export type StorageType = "hdd" | "ssd";

export interface StorageDetection {
  type: StorageType;
  /** How it was decided, shown in the UI and logs. */
  how: string;
}

/**
 * HDD or SSD for the folder aria2c writes into. `auto` reads the block device's rotational flag
 * (/sys/dev/block/<major>:<minor>, the parent disk for a partition); when there is no block
 * device to read (overlay, NFS, FUSE, tmpfs) it falls back to a short write test.
 */
export async function detectStorage(dir: string, wanted: "auto" | StorageType): Promise<StorageDetection> {
  if (wanted !== "auto") return { type: wanted, how: "STORAGE_TYPE" };
  mkdirSync(dir, { recursive: true });
  const rotational = readRotational(dir);
  if (rotational !== null) {
    return {
      type: rotational.value ? "hdd" : "ssd",
      how: `rotational flag of ${rotational.device} = ${rotational.value ? 1 : 0}`,
    };
  }
  const test = writeTest(dir);
  return {
    type: test.msPerWrite > 2 ? "hdd" : "ssd",
    how: `write test: ${test.msPerWrite.toFixed(2)} ms per synced 4 KiB random write`,
  };
}

/** The rotational flag of the disk holding `dir`, or null when it cannot be read. */
export function readRotational(dir: string): { device: string; value: boolean } | null {
  try {
    const dev = statSync(dir).dev;
    // Linux encodes st_dev as (major << 8 | minor) for small numbers; glibc's full encoding below.
    const major = Number((BigInt(dev) >> 8n) & 0xfffn) | Number((BigInt(dev) >> 32n) & ~0xfffn);
    const minor = Number(BigInt(dev) & 0xffn) | Number((BigInt(dev) >> 12n) & ~0xffn);
    if (major === 0) return null; // anonymous device: overlay, tmpfs, FUSE...
    const sysPath = `/sys/dev/block/${major}:${minor}`;
    if (!existsSync(sysPath)) return null;
    const real = realpathSync(sysPath);
    // A partition has no queue/ of its own: use its parent disk's.
    for (const candidate of [join(real, "queue", "rotational"), join(real, "..", "queue", "rotational")]) {
      if (existsSync(candidate)) {
        const value = readFileSync(candidate, "utf8").trim() === "1";
        const device = basename(candidate.includes("/../") ? join(real, "..") : real);
        return { device, value };
      }
    }
    return null;
  } catch {
    return null;
  }
}

/** 32 synced 4 KiB writes at scattered offsets: ~10 ms each on a disk with heads, well under 1 ms on flash. */
export function writeTest(dir: string): { msPerWrite: number } {
  const path = join(dir, `.redriva-storage-test-${process.pid}`);
  const block = new Uint8Array(4096).fill(7);
  const span = 64 * 1024 * 1024;
  const writes = 32;
  const fd = openSync(path, "w");
  try {
    const started = performance.now();
    for (let i = 0; i < writes; i++) {
      // A fixed, scattered pattern (no randomness needed to defeat sequential write-back).
      const offset = (((i * 7919) % 16384) * 4096) % span;
      writeSync(fd, block, 0, block.length, offset);
      fsyncSync(fd);
    }
    return { msPerWrite: (performance.now() - started) / writes };
  } finally {
    closeSync(fd);
    rmSync(path, { force: true });
  }
}

export interface DiskSpace {
  free: number;
  total: number;
}

/**
 * Free space for an unprivileged writer (bavail), in bytes. statfs is one quick syscall: done
 * synchronously, it keeps the reconciler's ticks off Bun's thread pool (whose threads come and go,
 * and cost memory each time).
 */
export async function diskSpace(dir: string): Promise<DiskSpace> {
  const s = statfsSync(dir);
  return { free: Number(s.bavail) * Number(s.bsize), total: Number(s.blocks) * Number(s.bsize) };
}
