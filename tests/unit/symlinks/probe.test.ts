import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { probeMedia } from "../../../src/services/symlinks/probe.ts";
import { processAlive, waitUntil, writeHangingFfprobe } from "../../helpers/hanging-ffprobe.ts";
import { tempDir } from "../../helpers/temp-dir.ts";
import { sampleMedia } from "../../integration/symlinks/media-tree.ts";

describe("phase 2 probe (real ffprobe)", () => {
  test("valid media passes; truncated and garbage copies are corrupt", async () => {
    using dir = tempDir();
    const { mp4, mkv } = sampleMedia(dir.path);
    const files = {
      "ok.mp4": mp4,
      "ok.mkv": mkv,
      "cut.mp4": mp4.subarray(0, mp4.length >> 1),
      "cut.mkv": mkv.subarray(0, Math.floor(mkv.length * 0.6)),
      "noise.mkv": Buffer.from(Array.from({ length: 30_000 }, (_, i) => (i * 31) % 256)),
    };
    for (const [name, data] of Object.entries(files)) writeFileSync(join(dir.path, name), data);
    const probe = (name: string) => probeMedia("ffprobe", join(dir.path, name), 10_000);
    expect(await probe("ok.mp4")).toMatchObject({ status: "ok", durationSec: expect.any(Number) });
    expect(await probe("ok.mkv")).toMatchObject({ status: "ok" });
    expect(await probe("cut.mp4")).toMatchObject({
      status: "corrupt",
      detail: "ffprobe: moov atom not found",
    });
    // The header of a cut Matroska file is fine: the tail read after the seek is what fails.
    expect(await probe("cut.mkv")).toMatchObject({
      status: "corrupt",
      detail: expect.stringContaining("ended prematurely"),
    });
    expect(await probe("noise.mkv")).toMatchObject({ status: "corrupt" });
  });

  test("a hanging probe is killed (with its children) when the timeout fires", async () => {
    using dir = tempDir();
    const hang = writeHangingFfprobe(dir.path);
    writeFileSync(join(dir.path, "a.mkv"), "x");
    const started = performance.now();
    const verdict = await probeMedia(hang.path, join(dir.path, "a.mkv"), 300);
    const elapsed = performance.now() - started;
    expect(verdict).toMatchObject({ status: "timeout" });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2000);
    await waitUntil(() => hang.pids().length === 2, 2000, "pids recorded");
    await waitUntil(() => hang.pids().every((pid) => !processAlive(pid)), 3000, "probe processes gone");
  });

  test("cancel kills a probe at once; a missing binary is an error, not a corrupt file", async () => {
    using dir = tempDir();
    const hang = writeHangingFfprobe(dir.path);
    const controller = new AbortController();
    const pending = probeMedia(hang.path, join(dir.path, "a.mkv"), 60_000, controller.signal);
    await waitUntil(() => hang.pids().length === 2, 3000, "probe started");
    controller.abort();
    expect(await pending).toMatchObject({ status: "cancelled" });
    await waitUntil(() => hang.pids().every((pid) => !processAlive(pid)), 3000, "probe processes gone");
    expect(await probeMedia(join(dir.path, "no-ffprobe"), join(dir.path, "a.mkv"), 1000)).toMatchObject({
      status: "error",
    });
  });
});
