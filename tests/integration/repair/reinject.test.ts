import { describe, expect, test } from "bun:test";
import { getCandidateByTorrent } from "../../../src/db/repo/repair.ts";
import {
  reinjectTorrent,
  repairHistory,
  runRepair,
  scanForRepair,
} from "../../../src/services/repair/index.ts";
import { ALL_DOWNLOADED, breakTorrents, startRepairEnv, syncLibrary } from "./helpers.ts";

describe("re-injecting a dead torrent against the fake Real-Debrid", () => {
  test("re-adds it by hash, selects the same files, deletes the old one and gives the local rows the new id", async () => {
    await using env = await startRepairEnv({
      fake: { library: { size: 40, seed: 5, mix: ALL_DOWNLOADED } },
      env: { DRY_RUN: "false" },
    });
    const { fake, deps } = env;
    // A season pack where the user kept only some episodes: the re-add must keep that choice.
    const pack = [...fake.state.library.torrents.values()].find((t) => t.files.length >= 4);
    if (!pack) throw new Error("seeded library has no season pack");
    for (const f of pack.files) f.selected = f.id % 2 === 1 && f.path.endsWith(".mkv");
    fake.state.library.makeLinks(pack);
    const originalSelection = pack.files.filter((f) => f.selected).map((f) => f.path);
    expect(originalSelection.length).toBeGreaterThan(0);
    await syncLibrary(deps);
    pack.status = "dead";
    const oldId = pack.id;

    const scan = await scanForRepair(deps, "quick");
    expect(scan.status).toBe("succeeded");
    expect(scan.newCandidates).toBe(1);

    const run = await runRepair(deps, { trigger: "cli" });
    expect(run.status).toBe("succeeded");
    expect(run.counts.repaired).toBe(1);
    const item = run.items[0]!;
    const newId = item.newTorrentId!;
    expect(newId).toBeString();
    expect(newId).not.toBe(oldId);

    // Provider: old gone, new one present with the same hash and the same files selected.
    expect(fake.state.library.torrents.has(oldId)).toBe(false);
    const added = fake.state.library.torrents.get(newId)!;
    expect(added.hash).toBe(pack.hash);
    expect(["queued", "downloading", "downloaded"]).toContain(added.status);
    expect(added.files.filter((f) => f.selected).map((f) => f.path)).toEqual(originalSelection);
    expect(fake.stats.byRoute["POST /rest/1.0/torrents/addMagnet"]).toBe(1);
    expect(fake.stats.byRoute["DELETE /rest/1.0/torrents/delete/:id"]).toBe(1);

    // Database: the row took the new id (details and files followed), the old id is remembered.
    const { sqlite } = deps.dbh;
    expect(sqlite.query("SELECT COUNT(*) AS n FROM torrents WHERE id = ?").get(oldId)).toEqual({ n: 0 });
    const row = sqlite.query("SELECT id, hash, status FROM torrents WHERE id = ?").get(newId) as {
      hash: string;
      status: string;
    };
    expect(row.hash).toBe(pack.hash);
    expect(row.status).toBe(added.status);
    const files = sqlite
      .query("SELECT path FROM torrent_files WHERE torrent_id = ? AND selected = 1 ORDER BY file_id")
      .all(newId) as Array<{ path: string }>;
    expect(files.map((f) => f.path)).toEqual(originalSelection);
    expect(sqlite.query("SELECT new_id FROM repair_torrent_renames WHERE old_id = ?").get(oldId)).toEqual({
      new_id: newId,
    });

    // The attempt is recorded (when, what, outcome, response time) and found from either id.
    const history = repairHistory(deps, newId);
    expect(history.ids).toEqual([newId, oldId]);
    expect(history.attempts).toHaveLength(1);
    const attempt = history.attempts[0]!;
    expect(attempt).toMatchObject({
      torrent_id: oldId,
      new_torrent_id: newId,
      outcome: "repaired",
      action: "reinject",
    });
    expect(attempt.requests).toBeGreaterThanOrEqual(5);
    expect(attempt.response_ms).toBeGreaterThanOrEqual(0);
    expect(attempt.finished_at).toBeGreaterThanOrEqual(attempt.started_at);
    expect(history.candidate?.state).toBe("repaired");

    // A second run has nothing left to do: handled exactly once.
    const again = await runRepair(deps, { trigger: "cli" });
    expect(again.items).toHaveLength(0);
    expect(fake.stats.byRoute["POST /rest/1.0/torrents/addMagnet"]).toBe(1);
  });

  test("a torrent whose files were never known gets its video files selected, without samples", async () => {
    await using env = await startRepairEnv({ env: { DRY_RUN: "false" } });
    const { fake, deps } = env;
    const hash = "a".repeat(40);
    fake.state.scripts.set(hash, {
      files: [
        { path: "/Show.S01/Show.S01E01.mkv", bytes: 1000 },
        { path: "/Show.S01/Show.S01E02.mkv", bytes: 1000 },
        { path: "/Show.S01/Sample/show.sample.mkv", bytes: 10 },
        { path: "/Show.S01/Show.nfo", bytes: 10 },
      ],
    });
    // A magnet_error torrent the provider keeps without files.
    const broken = fake.state.library.build("Show.S01", "magnet_error", new Date().toISOString(), hash);
    broken.files = [];
    fake.state.library.insert(broken);

    await scanForRepair(deps, "quick");
    const run = await runRepair(deps, { trigger: "cli" });
    expect(run.counts.repaired).toBe(1);
    const added = fake.state.library.torrents.get(run.items[0]!.newTorrentId!)!;
    expect(added.files.filter((f) => f.selected).map((f) => f.path)).toEqual([
      "/Show.S01/Show.S01E01.mkv",
      "/Show.S01/Show.S01E02.mkv",
    ]);
    expect(fake.state.library.torrents.has(broken.id)).toBe(false);
  });

  test("re-inject now overrides the queue: a torrent failed for good can be tried again, a repaired one cannot", async () => {
    await using env = await startRepairEnv({
      fake: { library: { size: 4, seed: 31, mix: ALL_DOWNLOADED } },
      env: { DRY_RUN: "false", REPAIR_MAX_ATTEMPTS: "1" },
    });
    const { fake, deps } = env;
    const [dead] = breakTorrents(fake, "dead", 1);
    fake.state.scripts.set(dead!.hash, { finalStatus: "magnet_error" });
    await scanForRepair(deps, "quick");
    const first = await runRepair(deps, { trigger: "cli" });
    expect(first.items.map((i) => i.outcome)).toEqual(["failed"]);

    fake.state.scripts.delete(dead!.hash);
    const manual = await reinjectTorrent(deps, dead!.id);
    expect(manual).toMatchObject({ outcome: "repaired", dryRun: false });
    expect(getCandidateByTorrent(deps.dbh.db, "realdebrid", dead!.id)).toMatchObject({
      state: "repaired",
      attempts: 2,
      new_torrent_id: manual.newTorrentId,
    });
    await expect(reinjectTorrent(deps, dead!.id)).rejects.toThrow("already repaired");
    await expect(reinjectTorrent(deps, "../etc")).rejects.toThrow("invalid torrent id");

    // A healthy torrent the user re-injects on purpose is re-added too (no candidate before).
    const healthy = [...fake.state.library.torrents.values()].find(
      (t) => t.status === "downloaded" && t.id !== manual.newTorrentId,
    )!;
    const again = await reinjectTorrent(deps, healthy.id);
    expect(again.outcome).toBe("repaired");
    expect(fake.state.library.torrents.has(healthy.id)).toBe(false);
  });

  test("a run stopped midway (shutdown, cancel) gives the torrent back untouched: no attempt counted, no duplicate left", async () => {
    await using env = await startRepairEnv({
      // Slow conversion: the re-added torrent is still converting when the run is stopped.
      fake: { library: { size: 3, seed: 41, mix: ALL_DOWNLOADED }, pollsPerStep: 1000 },
      env: { DRY_RUN: "false", REPAIR_POLL_INTERVAL_MS: "20" },
    });
    const { fake, deps } = env;
    const [dead] = breakTorrents(fake, "dead", 1);
    await scanForRepair(deps, "quick");
    const controller = new AbortController();
    const running = runRepair(deps, { trigger: "schedule", signal: controller.signal });
    const deadline = Date.now() + 5000;
    while ((fake.stats.byRoute["POST /rest/1.0/torrents/addMagnet"] ?? 0) === 0) {
      if (Date.now() > deadline) throw new Error("never re-added");
      await Bun.sleep(10);
    }
    controller.abort(new Error("stopping"));
    const result = await running;
    expect(result.status).toBe("interrupted");
    expect(result.items.map((i) => i.outcome)).toEqual(["aborted"]);
    expect(getCandidateByTorrent(deps.dbh.db, "realdebrid", dead!.id)).toMatchObject({
      state: "pending",
      attempts: 0,
    });
    // The half-added torrent was deleted again; the original is still there.
    expect(
      [...fake.state.library.torrents.values()].filter((t) => t.hash === dead!.hash).map((t) => t.id),
    ).toEqual([dead!.id]);
  });
});
