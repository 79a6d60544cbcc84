import { describe, expect, test } from "bun:test";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { repairQueue } from "../../../src/services/repair/index.ts";
import { tempDir } from "../../helpers/temp-dir.ts";
import { ALL_DOWNLOADED, breakTorrents, startRepairEnv, syncLibrary } from "./helpers.ts";

const HOUR = 3_600_000;

describe("repair jobs", () => {
  test("repair-scan finds (list + symlinks) and repairs; repair-retry runs what fell due", async () => {
    using media = tempDir("redriva-media-");
    await using env = await startRepairEnv({
      fake: { library: { size: 8, seed: 21, mix: ALL_DOWNLOADED } },
      env: { DRY_RUN: "false", MEDIA_ROOT: media.path },
    });
    const { fake, deps } = env;
    await syncLibrary(deps);
    const [dead, busy, linked] = breakTorrents(fake, "dead", 3);
    fake.state.scripts.set(busy!.hash, { addError: "too_many_active_downloads", addErrorTimes: 1 });
    mkdirSync(join(media.path, "tv"), { recursive: true });
    symlinkSync(`/mnt/rd/torrents${linked!.files[0]!.path}`, join(media.path, "tv", "x.mkv"));
    const runner = deps.jobs;
    try {
      const scan = await runner.trigger("repair-scan", "manual").done;
      // The first scan of a database is a full one (no full scan yet today), then symlinks.
      expect(scan.counts).toMatchObject({ full_found: 3, symlinks_found: 1, repaired: 2, retry: 1 });
      // too_many_active stopped the run: the job says it could not do everything.
      expect(scan.status).toBe("failed");
      expect(scan.error).toContain("too_many_active");
      expect(repairQueue(deps).map((c) => c.torrent_id)).toEqual([busy!.id]);
      expect(fake.state.library.torrents.has(dead!.id)).toBe(false);

      const early = await runner.trigger("repair-retry", "manual").done;
      expect(early).toMatchObject({ status: "succeeded", counts: { repaired: 0, retry: 0 } });
      env.clock.advance(3 * HOUR + 1000);
      const due = await runner.trigger("repair-retry", "manual").done;
      expect(due).toMatchObject({ status: "succeeded", counts: { repaired: 1 } });
      expect(repairQueue(deps)).toHaveLength(0);
    } finally {
      await runner.stop();
    }
  });

  test("without a debrid account the jobs say why they cannot run", async () => {
    await using env = await startRepairEnv({ env: { RD_API_TOKEN: "" } });
    const runner = env.deps.jobs;
    expect(() => runner.trigger("repair-scan", "manual")).toThrow("set RD_API_TOKEN");
    await runner.stop();
  });
});
