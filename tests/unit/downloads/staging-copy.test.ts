import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { systemClock } from "../../../src/lib/clock.ts";
import {
  ChecksumMismatchError,
  copyFileVerified,
} from "../../../src/services/downloads/staging/copy-file.ts";
import { COPIES_PER_DISK, MoveSlots } from "../../../src/services/downloads/staging/move-slots.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const CHUNK = 64 * 1024;

function sourceFile(
  dir: string,
  size: number,
): { path: string; bytes: Uint8Array<ArrayBuffer>; sha256: string } {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) % 251;
  const path = join(dir, "source.bin");
  writeFileSync(path, bytes);
  return { path, bytes, sha256: new Bun.CryptoHasher("sha256").update(bytes).digest("hex") };
}

function options(signal = new AbortController().signal) {
  let bytes = 0;
  let verified = false;
  return {
    seen: () => ({ bytes, verified }),
    chunkBytes: CHUNK,
    speedLimit: 0,
    signal,
    onBytes: (n: number) => {
      bytes += n;
    },
    onVerify: () => {
      verified = true;
    },
    dropCache: () => {},
    sleep: systemClock.sleep,
  };
}

describe("copyFileVerified", () => {
  test("copies, hashes and reads back; the bytes and the checksum are the source's", async () => {
    using dir = tempDir("redriva-copy-");
    const source = sourceFile(dir.path, 5 * CHUNK + 123);
    const dest = join(dir.path, "dest.bin");
    const o = options();
    expect(await copyFileVerified(source.path, dest, o)).toBe(source.sha256);
    expect(new Uint8Array(await Bun.file(dest).arrayBuffer())).toEqual(source.bytes);
    expect(o.seen()).toEqual({ bytes: source.bytes.length, verified: true });
  });

  test("a copy cut short continues from its last whole block (the cut block is written again)", async () => {
    using dir = tempDir("redriva-copy-");
    const source = sourceFile(dir.path, 4 * CHUNK + 10);
    const dest = join(dir.path, "dest.bin");
    // As a kill -9 leaves it: two blocks and a half written.
    writeFileSync(dest, source.bytes.subarray(0, 2 * CHUNK + CHUNK / 2));
    expect(await copyFileVerified(source.path, dest, options())).toBe(source.sha256);
    expect(new Uint8Array(await Bun.file(dest).arrayBuffer())).toEqual(source.bytes);
  });

  test("a destination whose kept part is not the source's is caught by the read-back, never taken as done", async () => {
    using dir = tempDir("redriva-copy-");
    const source = sourceFile(dir.path, 3 * CHUNK);
    const dest = join(dir.path, "dest.bin");
    writeFileSync(dest, new Uint8Array(CHUNK).fill(0));
    await expect(copyFileVerified(source.path, dest, options())).rejects.toBeInstanceOf(
      ChecksumMismatchError,
    );
  });

  test("an abort stops the copy with the abort's reason", async () => {
    using dir = tempDir("redriva-copy-");
    const source = sourceFile(dir.path, 3 * CHUNK);
    const controller = new AbortController();
    controller.abort(new Error("deleted"));
    await expect(
      copyFileVerified(source.path, join(dir.path, "d"), options(controller.signal)),
    ).rejects.toThrow("deleted");
  });
});

describe("MoveSlots", () => {
  test("one copy at a time onto a hard disk, in arrival order; two onto flash; disks independent", async () => {
    const slots = new MoveSlots();
    const never = new AbortController().signal;
    expect(COPIES_PER_DISK).toEqual({ hdd: 1, ssd: 2 });
    await slots.acquire("hdd1", "hdd", never);
    const order: string[] = [];
    const second = slots.acquire("hdd1", "hdd", never).then(() => order.push("second"));
    const third = slots.acquire("hdd1", "hdd", never).then(() => order.push("third"));
    // Another disk does not wait for this one.
    await slots.acquire("hdd2", "hdd", never);
    await slots.acquire("flash", "ssd", never);
    await slots.acquire("flash", "ssd", never);
    let thirdOnFlash = false;
    const flashWaiter = slots.acquire("flash", "ssd", never).then(() => {
      thirdOnFlash = true;
    });
    await Bun.sleep(0);
    expect(order).toEqual([]);
    expect(thirdOnFlash).toBe(false);
    expect(slots.runningOn("hdd1")).toBe(1);
    slots.release("hdd1");
    await second;
    expect(order).toEqual(["second"]);
    expect(slots.runningOn("hdd1")).toBe(1);
    slots.release("hdd1");
    await third;
    expect(order).toEqual(["second", "third"]);
    slots.release("flash");
    await flashWaiter;
    expect(slots.runningOn("flash")).toBe(2);
  });

  test("a waiter whose torrent is deleted leaves the line", async () => {
    const slots = new MoveSlots();
    const never = new AbortController().signal;
    await slots.acquire("hdd", "hdd", never);
    const controller = new AbortController();
    const waiting = slots.acquire("hdd", "hdd", controller.signal);
    controller.abort(new Error("deleted"));
    await expect(waiting).rejects.toThrow("deleted");
    slots.release("hdd");
    expect(slots.runningOn("hdd")).toBe(0);
  });
});
