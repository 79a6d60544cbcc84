import { describe, expect, test } from "bun:test";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { listCandidates } from "../../../src/db/repo/repair.ts";
import { scanForRepair } from "../../../src/services/repair/index.ts";
import { tempDir } from "../../helpers/temp-dir.ts";
import { ALL_DOWNLOADED, startRepairEnv, syncLibrary } from "./helpers.ts";

describe("repair detection", () => {
  test("quick: one list request for 5,000 torrents, failed ones stored with their reason", async () => {
    await using env = await startRepairEnv({ fake: { library: { size: 5000, seed: 1 } } });
    const failing = [...env.fake.state.library.torrents.values()].filter((t) =>
      ["magnet_error", "error", "virus", "dead"].includes(t.status),
    );
    expect(failing.length).toBeGreaterThan(50);
    const scan = await scanForRepair(env.deps, "quick");
    expect(scan).toMatchObject({ status: "succeeded", torrentsListed: 5000, requests: 1 });
    expect(env.fake.stats.requests).toBe(1);
    const candidates = listCandidates(env.deps.dbh.db, { limit: 10_000 });
    expect(candidates.map((c) => [c.torrent_id, c.reason]).sort()).toEqual(
      failing.map((t) => [t.id, t.status]).sort(),
    );
    // Priority follows REPAIR_PRIORITY: dead before error before magnet_error before virus.
    const order = ["dead", "error", "magnet_error", "virus"];
    const byReason = new Map(candidates.map((c) => [c.reason, c.priority]));
    expect([...byReason.entries()].sort((a, b) => a[1] - b[1]).map(([r]) => r)).toEqual(
      order.filter((r) => byReason.has(r)),
    );

    // A second scan finds the same ones, nothing new; one that recovered is closed.
    const healed = failing[0]!;
    healed.status = "downloaded";
    const again = await scanForRepair(env.deps, "quick");
    expect(again.newCandidates).toBe(0);
    expect(again.closed).toBe(1);
    expect(listCandidates(env.deps.dbh.db, { states: ["skipped"] }).map((c) => c.torrent_id)).toEqual([
      healed.id,
    ]);
  });

  test("full: test-unrestricts a bounded sample of downloaded torrents, least recently checked first", async () => {
    await using env = await startRepairEnv({
      fake: { library: { size: 30, seed: 2, mix: ALL_DOWNLOADED } },
      env: { REPAIR_FULL_SAMPLE: "10" },
    });
    const torrents = [...env.fake.state.library.torrents.values()];
    // Every link of every torrent is dead at the hoster: only the sample can find out.
    for (const t of torrents) for (const link of t.linkIds) env.fake.state.deadLinks.add(link);
    const first = await scanForRepair(env.deps, "full");
    expect(first).toMatchObject({ status: "succeeded", checked: 10, found: 10, requests: 11 });
    const second = await scanForRepair(env.deps, "full");
    expect(second.checked).toBe(10);
    expect(second.newCandidates).toBe(10);
    const reasons = new Set(listCandidates(env.deps.dbh.db, { limit: 100 }).map((c) => c.reason));
    expect([...reasons]).toEqual(["link_unavailable"]);
    expect(listCandidates(env.deps.dbh.db, { limit: 100 })).toHaveLength(20);
  });

  test("symlinks: broken links mapped back to their torrent by path, name or hash", async () => {
    using media = tempDir("redriva-media-");
    await using env = await startRepairEnv({
      fake: { library: { size: 8, seed: 3, mix: ALL_DOWNLOADED } },
      env: { MEDIA_ROOT: media.path },
    });
    await syncLibrary(env.deps);
    const [byPath, byName, byHash, healthy] = [...env.fake.state.library.torrents.values()];
    const dir = join(media.path, "library");
    mkdirSync(dir, { recursive: true });
    // A mount layout: <mount>/torrents/<torrent name>/<file path inside the torrent>.
    symlinkSync(`/mnt/rd/torrents${byPath!.files[0]!.path}`, join(dir, "a.mkv"));
    symlinkSync(`/mnt/zurg/__all__/${byName!.filename}/renamed-by-user.mkv`, join(dir, "b.mkv"));
    symlinkSync(`../../gone/${byHash!.hash}/x.mkv`, join(dir, "c.mkv"));
    symlinkSync("/nowhere/unknown-release.mkv", join(dir, "d.mkv"));
    // A working link and a real file are not candidates.
    const real = join(media.path, "real.mkv");
    writeFileSync(real, "data");
    symlinkSync(real, join(dir, `${healthy!.filename}.mkv`));

    const requestsBefore = env.fake.stats.requests;
    const scan = await scanForRepair(env.deps, "symlinks");
    expect(scan).toMatchObject({ status: "succeeded", checked: 5, found: 3, unmappedCount: 1, requests: 0 });
    expect(scan.unmapped).toEqual([join(dir, "d.mkv")]);
    const candidates = listCandidates(env.deps.dbh.db);
    const found = Object.fromEntries(
      candidates.map((c) => [
        c.torrent_id,
        { reason: c.reason, detail: JSON.parse(c.detail) as Record<string, unknown> },
      ]),
    );
    expect(found[byPath!.id]?.detail).toMatchObject({ links: [join(dir, "a.mkv")], matchedBy: "path" });
    expect(found[byName!.id]?.detail).toMatchObject({ links: [join(dir, "b.mkv")], matchedBy: "name" });
    expect(found[byHash!.id]?.detail).toMatchObject({ links: [join(dir, "c.mkv")], matchedBy: "hash" });
    expect(new Set(candidates.map((c) => c.reason))).toEqual(new Set(["broken_symlink"]));
    // Mapping uses the local mirror only: no provider request.
    expect(env.fake.stats.requests).toBe(requestsBefore);
  });
});
