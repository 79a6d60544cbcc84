/**
 * SSD staging: the checksummed copy onto the final disk (src/services/downloads/staging/) against
 * coreutils `cp` of the same file, and Redriva's memory while it copies. One machine has one disk:
 * both copies go to the same disk, so the figures compare the methods, not two disks. The copy
 * also reads its result back from the disk (page cache dropped) to verify it: expect about two
 * thirds of cp's speed where the disk is the limit.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "../../src/lib/clock.ts";
import { copyFileVerified } from "../../src/services/downloads/staging/copy-file.ts";
import { loadPageCacheDropper } from "../../src/services/downloads/staging/page-cache.ts";

const MIB = 1024 * 1024;
const SIZE = Number(process.env.BENCH_STAGING_MIB ?? 512) * MIB;

export async function run(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "redriva-bench-staging-"));
  try {
    const source = join(dir, "source.bin");
    const block = new Uint8Array(8 * MIB);
    for (let i = 0; i < block.length; i++) block[i] = (i * 131) % 251;
    const parts: Uint8Array[] = [];
    for (let left = SIZE; left > 0; left -= block.length)
      parts.push(block.subarray(0, Math.min(left, block.length)));
    writeFileSync(source, Buffer.concat(parts));
    Bun.spawnSync(["sync"]);
    const dropCache = loadPageCacheDropper();
    const rows: string[] = [];
    const cpMs = time(() => {
      const r = Bun.spawnSync(["cp", source, join(dir, "cp.bin")]);
      if (r.exitCode !== 0) throw new Error("cp failed");
      Bun.spawnSync(["sync"]);
    });
    rows.push(`| coreutils \`cp\` + \`sync\` | ${rate(cpMs)} | 1.00 | — |`);
    for (const [kind, chunk] of [
      ["hdd", 8 * MIB],
      ["ssd", MIB],
    ] as const) {
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 20);
      const started = performance.now();
      await copyFileVerified(source, join(dir, `${kind}.bin`), {
        chunkBytes: chunk,
        speedLimit: 0,
        signal: new AbortController().signal,
        onBytes: () => {},
        onVerify: () => {},
        dropCache,
        sleep: systemClock.sleep,
      });
      const ms = performance.now() - started;
      clearInterval(sampler);
      rows.push(
        `| checksummed copy, ${kind} blocks (${chunk / MIB} MiB), SHA-256 + read-back | ${rate(ms)} | ${(cpMs / ms).toFixed(2)} | +${((peak - before) / MIB).toFixed(1)} MiB |`,
      );
    }
    return [
      "## SSD staging: the copy onto the final disk",
      "",
      `One ${SIZE / MIB} MiB file, source and destination on the same disk (\`${tmpdir()}\`), run under`,
      "whatever else the machine does. Speed ratio: cp's time over the copy's (1.00 = as fast as cp).",
      "RSS growth: peak resident memory during the copy minus before (the buffer is reused).",
      "",
      "| method | speed | vs cp | RSS growth |",
      "|---|---|---|---|",
      ...rows,
    ].join("\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function time(work: () => void): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}

function rate(ms: number): string {
  return `${(SIZE / MIB / (ms / 1000)).toFixed(0)} MiB/s`;
}

if (import.meta.main) console.log(await run());
