import { describe, expect, test } from "bun:test";
import { existsSync, lstatSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { getCandidateByTorrent } from "../../../src/db/repo/repair.ts";
import { repairQueue, runRepair, scanForRepair } from "../../../src/services/repair/index.ts";
import { startFakeArr } from "../../fakes/arr-server.ts";
import { tempDir } from "../../helpers/temp-dir.ts";
import { ALL_DOWNLOADED, breakTorrents, startRepairEnv, syncLibrary } from "./helpers.ts";

const HOUR = 3_600_000;

/** A webhook receiver on an ephemeral port (notifications of permanent failures). */
function startWebhook() {
  const received: Array<{ event: string; title: string; data: Record<string, unknown> }> = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      received.push((await req.json()) as (typeof received)[number]);
      return new Response(null, { status: 204 });
    },
  });
  return { url: `http://127.0.0.1:${server.port}/hook`, received, stop: () => server.stop(true) };
}

describe("per-failure policy", () => {
  test("infringing_file: failed for good, its library symlinks removed, one rescan per series in Sonarr, no search", async () => {
    using media = tempDir("redriva-media-");
    const sonarr = startFakeArr({
      kind: "sonarr",
      items: [
        { id: 7, title: "The Show", path: "/tv/The Show" },
        { id: 8, title: "Other", path: "/tv/Other" },
      ],
    });
    const hook = startWebhook();
    await using env = await startRepairEnv({
      fake: { library: { size: 20, seed: 9, mix: ALL_DOWNLOADED } },
      env: {
        DRY_RUN: "false",
        MEDIA_ROOT: media.path,
        SONARR_URL: sonarr.url,
        SONARR_API_KEY: sonarr.apiKey,
        WEBHOOK_URL: hook.url,
      },
    });
    try {
      const { fake, deps } = env;
      const pack = [...fake.state.library.torrents.values()].find((t) => t.files.length >= 3)!;
      const other = [...fake.state.library.torrents.values()].find((t) => t !== pack)!;
      await syncLibrary(deps);
      pack.status = "dead";
      fake.state.scripts.set(pack.hash, { addError: "infringing_file" });

      // The library: two episodes of the pack (links into a mount that no longer has them), one
      // link of another torrent, one real file.
      const season = join(media.path, "tv", "The Show", "Season 01");
      mkdirSync(season, { recursive: true });
      const mkvs = pack.files.filter((f) => f.path.endsWith(".mkv")).slice(0, 2);
      const packLinks = mkvs.map((f, i) => {
        const link = join(season, `The Show - S01E0${i + 1}.mkv`);
        symlinkSync(`/mnt/realdebrid/torrents${f.path}`, link);
        return link;
      });
      mkdirSync(join(media.path, "tv", "Other"), { recursive: true });
      const otherLink = join(media.path, "tv", "Other", "other.mkv");
      symlinkSync(`/mnt/realdebrid/torrents${other.files[0]!.path}`, otherLink);
      const realFile = join(season, "poster.jpg");
      writeFileSync(realFile, "jpg");

      await scanForRepair(deps, "quick");
      const run = await runRepair(deps, { trigger: "cli" });

      expect(run.counts.failed).toBe(1);
      const item = run.items[0]!;
      expect(item.failure).toBe("infringing");
      expect(item.links.sort()).toEqual(packLinks.sort());
      for (const link of packLinks) expect(existsSync(link) || isLink(link)).toBe(false);
      expect(isLink(otherLink)).toBe(true);
      expect(existsSync(realFile)).toBe(true);

      // One RescanSeries for the series (two episodes), nothing for the other, no search.
      expect(sonarr.commands.map((c) => c.body)).toEqual([{ name: "RescanSeries", seriesId: 7 }]);
      expect(run.arr.rescans).toBe(1);

      // Permanent: no retry, the dead torrent is deleted, the user is told.
      const candidate = getCandidateByTorrent(deps.dbh.db, "realdebrid", pack.id)!;
      expect(candidate).toMatchObject({ state: "failed", failure: "infringing", due_at: null });
      expect(fake.state.library.torrents.has(pack.id)).toBe(false);
      expect(repairQueue(deps)).toHaveLength(0);
      expect(hook.received).toHaveLength(1);
      expect(hook.received[0]).toMatchObject({
        event: "torrent_failed",
        data: { torrent: pack.id, failure: "infringing" },
      });

      // Later runs never try it again.
      env.clock.advance(24 * HOUR);
      const later = await runRepair(deps, { trigger: "cli" });
      expect(later.items).toHaveLength(0);
      expect(fake.stats.byRoute["POST /rest/1.0/torrents/addMagnet"]).toBe(1);
    } finally {
      await sonarr.stop();
      hook.stop();
    }
  });

  test("with REPAIR_DELETE_ONLY=false the affected series is also searched", async () => {
    using media = tempDir("redriva-media-");
    const sonarr = startFakeArr({ kind: "sonarr", items: [{ id: 3, title: "Show", path: "/tv/Show" }] });
    await using env = await startRepairEnv({
      fake: { library: { size: 5, seed: 3, mix: ALL_DOWNLOADED } },
      env: {
        DRY_RUN: "false",
        MEDIA_ROOT: media.path,
        SONARR_URL: sonarr.url,
        SONARR_API_KEY: sonarr.apiKey,
        REPAIR_DELETE_ONLY: "false",
      },
    });
    try {
      const [victim] = breakTorrents(env.fake, "dead", 1);
      env.fake.state.scripts.set(victim!.hash, { addError: "infringing_file" });
      mkdirSync(join(media.path, "tv", "Show"), { recursive: true });
      symlinkSync(
        `/mnt/rd/${victim!.hash}/${victim!.files[0]!.path}`,
        join(media.path, "tv", "Show", "e1.mkv"),
      );
      await scanForRepair(env.deps, "quick");
      await runRepair(env.deps, { trigger: "cli" });
      expect(sonarr.commands.map((c) => c.name)).toEqual(["RescanSeries", "SeriesSearch"]);
    } finally {
      await sonarr.stop();
    }
  });

  test("virus: deleted at the provider and failed for good, never re-added", async () => {
    await using env = await startRepairEnv({
      fake: { library: { size: 5, seed: 4, mix: ALL_DOWNLOADED } },
      env: { DRY_RUN: "false" },
    });
    const [infected] = breakTorrents(env.fake, "virus", 1);
    await scanForRepair(env.deps, "quick");
    const run = await runRepair(env.deps, { trigger: "cli" });
    expect(run.items.map((i) => [i.outcome, i.failure])).toEqual([["failed", "virus"]]);
    expect(env.fake.state.library.torrents.has(infected!.id)).toBe(false);
    expect(env.fake.stats.byRoute["POST /rest/1.0/torrents/addMagnet"]).toBeUndefined();
  });

  test("a 429 storm lands the candidates in the retry queue, due after the retry delay", async () => {
    await using env = await startRepairEnv({
      fake: { library: { size: 8, seed: 6, mix: ALL_DOWNLOADED } },
      env: { DRY_RUN: "false", REPAIR_CONCURRENCY: "1" },
    });
    const dead = breakTorrents(env.fake, "dead", 3);
    for (const t of dead) env.fake.state.scripts.set(t.hash, { addError: "too_many_requests" });
    await scanForRepair(env.deps, "quick");
    const run = await runRepair(env.deps, { trigger: "cli" });

    // The first one was refused (after the client's own backoff), the others deferred untried.
    expect(run.status).toBe("failed");
    expect(run.error).toContain("rate_limited");
    expect(run.counts).toMatchObject({ retry: 1, deferred: 2, repaired: 0 });
    const queue = repairQueue(env.deps);
    expect(queue.map((c) => c.torrent_id).sort()).toEqual(dead.map((t) => t.id).sort());
    for (const c of queue) {
      expect(c.due_at! - c.updated_at).toBe(3 * HOUR);
      expect(c.failure).toBe("rate_limited");
    }
    expect(queue.map((c) => c.attempts).sort()).toEqual([0, 0, 1]);
    // Nothing is due yet: a retry run does nothing.
    const early = await runRepair(env.deps, { trigger: "retry", retriesOnly: true });
    expect(early.items).toHaveLength(0);
    // Three hours later the storm is over: all three are repaired.
    for (const t of dead) env.fake.state.scripts.delete(t.hash);
    env.clock.advance(3 * HOUR);
    const later = await runRepair(env.deps, { trigger: "retry", retriesOnly: true });
    expect(later.counts.repaired).toBe(3);
  });

  test("magnet_error retries stop after 3 attempts, then the torrent is failed for good", async () => {
    await using env = await startRepairEnv({
      fake: { library: { size: 4, seed: 8, mix: ALL_DOWNLOADED } },
      env: { DRY_RUN: "false" },
    });
    const [bad] = breakTorrents(env.fake, "magnet_error", 1);
    env.fake.state.scripts.set(bad!.hash, { finalStatus: "magnet_error" });
    await scanForRepair(env.deps, "quick");
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const run = await runRepair(env.deps, { trigger: "retry" });
      outcomes.push(...run.items.map((item) => item.outcome));
      env.clock.advance(3 * HOUR);
    }
    expect(outcomes).toEqual(["retry", "retry", "failed"]);
    const candidate = getCandidateByTorrent(env.deps.dbh.db, "realdebrid", bad!.id)!;
    expect(candidate).toMatchObject({ state: "failed", attempts: 3, failure: "magnet_error" });
    // Three re-adds, each deleted again when it failed; the original stays for the user to see.
    expect(env.fake.stats.byRoute["POST /rest/1.0/torrents/addMagnet"]).toBe(3);
    expect(env.fake.state.library.torrents.has(bad!.id)).toBe(true);
    expect([...env.fake.state.library.torrents.values()].filter((t) => t.hash === bad!.hash)).toHaveLength(1);
  });
});

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
