import { describe, expect, test } from "bun:test";
import { replaceRound } from "../../../src/services/arr/replace.ts";
import { torrentDetail } from "../../../src/services/library-view/detail.ts";
import { waitFor } from "../../helpers/downloads.ts";
import { ManualClock } from "../../helpers/manual-clock.ts";
import { attemptWith, BLOCKLIST_AND_SEARCH, startReplaceEnv } from "./replace-helpers.ts";

/** Real aria2c, fake debrid and fake *arrs over loopback: generous bounds for a loaded CI machine. */
const SLOW_TEST = { timeout: 60_000 };

describe("failed grabs are replaced through the *arr that grabbed them", () => {
  test(
    "infringing grab (tv category): exactly one queue DELETE with blocklist on Sonarr, none on Radarr, notified",
    async () => {
      await using env = await startReplaceEnv();
      const { p, sonarr, radarr } = env;
      const hash = await env.grab(
        sonarr,
        "Show.S01E05.1080p",
        "tv-sonarr",
        { episodeIds: [105] },
        { addError: "infringing_file" },
      );
      const attempt = await attemptWith(env, hash, "replaced");
      expect(attempt).toMatchObject({
        reason: "infringing",
        arr_kind: "sonarr",
        arr_url: sonarr.url,
        dry_run: 0,
      });
      expect(sonarr.queueDeletes).toEqual([
        { id: sonarr.queueDeletes[0]?.id as number, query: BLOCKLIST_AND_SEARCH },
      ]);
      expect(attempt.queue_id).toBe(sonarr.queueDeletes[0]?.id as number);
      // The category → *arr mapping (Sonarr's download client claims tv-sonarr): Radarr is not even read.
      expect(radarr.queueReads).toEqual([]);
      expect(radarr.queueDeletes).toEqual([]);
      // Sonarr stores the hash upper-case; the queue was read with unknown items included.
      expect(sonarr.queueReads[0]).toMatchObject({ page: "1", includeUnknownSeriesItems: "true" });
      const note = await waitFor(() => env.hook.received.find((n) => n.event === "grab_replaced"));
      expect(note.data).toMatchObject({ hash, reason: "infringing", arr: "sonarr" });

      // Never twice for one failure: more rounds find nothing to do.
      expect(await replaceRound(p.deps)).toBe(0);
      await p.runtime.tick();
      expect(await replaceRound(p.deps)).toBe(0);
      expect(sonarr.queueDeletes).toHaveLength(1);
      expect(env.attempts(hash)).toHaveLength(1);
    },
    SLOW_TEST,
  );

  test(
    "dead after the add (movie category): Radarr removes it, blocklists it and deletes it from Redriva",
    async () => {
      await using env = await startReplaceEnv();
      const { p, sonarr, radarr } = env;
      radarr.onRemoveFromClient = async (downloadId) => {
        // What Radarr does with removeFromClient=true: torrents/delete in its download client.
        await env.qbit.call("POST", "torrents/delete", {
          form: { hashes: downloadId.toLowerCase(), deleteFiles: "True" },
        });
      };
      const { hash, magnet } = p.magnet("Film.2021.1080p", [{ path: "/Film.2021.1080p.mkv", bytes: 1000 }]);
      p.fake.state.scripts.set(hash, {
        files: [{ path: "/Film.2021.1080p.mkv", bytes: 1000 }],
        finalStatus: "dead",
      });
      radarr.grab(hash, { title: "Film.2021.1080p", movieId: 42 });
      await env.qbit.call("POST", "torrents/add", { form: { urls: magnet, category: "radarr" } });

      const attempt = await attemptWith(env, hash, "replaced");
      expect(attempt).toMatchObject({ reason: "dead", arr_kind: "radarr", title_key: "movie:42" });
      // The library's torrent page (its detail) says what happened: the row a sync made while the torrent was
      // still at the provider (Redriva has removed it there since).
      const now = Date.now();
      p.deps.dbh.sqlite
        .query(
          `INSERT INTO torrents (id, provider, filename, status, hash, first_seen_at, last_seen_at, changed_at)
           VALUES ('DEADFILM', 'realdebrid', 'Film.2021.1080p', 'dead', ?, ?, ?, ?)`,
        )
        .run(hash, now, now, now);
      expect(torrentDetail(p.deps, { provider: "realdebrid", id: "DEADFILM" }).arrReplacement).toBe(
        "Failed (dead): removed from the Radarr queue with blocklist; Radarr searches another release",
      );
      expect(radarr.queueDeletes.map((d) => d.query)).toEqual([BLOCKLIST_AND_SEARCH]);
      expect(sonarr.queueDeletes).toEqual([]);
      await waitFor(async () => (await env.state(hash)) === undefined, {
        what: "the torrent deleted by Radarr",
      });
      expect(radarr.queue).toEqual([]);
    },
    SLOW_TEST,
  );

  test(
    "a provider outage (503 on every add) fails the grab but asks no *arr for anything",
    async () => {
      // RD_MAX_RETRIES=0: each add fails at once (the HTTP client's own retries back off for minutes).
      await using env = await startReplaceEnv({ env: { DOWNLOAD_MAX_ATTEMPTS: "2", RD_MAX_RETRIES: "0" } });
      const { p, sonarr, radarr } = env;
      const { hash, magnet } = p.magnet("Show.S01E06.1080p", [
        { path: "/Show.S01E06.1080p.mkv", bytes: 1000 },
      ]);
      p.fake.state.scripts.set(hash, { addError: "service_unavailable" });
      sonarr.grab(hash, { title: "Show.S01E06.1080p", episodeIds: [106] });
      await env.qbit.call("POST", "torrents/add", { form: { urls: magnet, category: "tv-sonarr" } });
      await waitFor(async () => (await env.state(hash)) === "error", { timeoutMs: 30_000 });
      const row = p.deps.dbh.sqlite
        .query("SELECT fail_reason FROM download_torrents WHERE hash = ?")
        .get(hash) as { fail_reason: string };
      expect(row.fail_reason).toBe("provider_outage");
      expect(await replaceRound(p.deps)).toBe(0);
      await p.runtime.tick();
      expect(await replaceRound(p.deps)).toBe(0);
      expect(env.attempts()).toEqual([]);
      expect(sonarr.requests.concat(radarr.requests).filter((r) => r.includes("/queue"))).toEqual([]);
    },
    SLOW_TEST,
  );

  test(
    "dry run: the plan is recorded and shown on /downloads, the *arr's queue is only read",
    async () => {
      await using env = await startReplaceEnv({ env: { ARR_REPLACE_DRY_RUN: "true" } });
      const { p, sonarr } = env;
      const hash = await env.grab(
        sonarr,
        "Show.S02E01.720p",
        "tv-sonarr",
        { episodeIds: [201] },
        { addError: "infringing_file" },
      );
      const attempt = await attemptWith(env, hash, "planned");
      expect(attempt).toMatchObject({
        dry_run: 1,
        arr_kind: "sonarr",
        queue_id: sonarr.queue[0]?.id as number,
      });
      expect(await replaceRound(p.deps)).toBe(0);
      expect(sonarr.queueDeletes).toEqual([]);
      expect(sonarr.requests.filter((r) => !r.startsWith("GET "))).toEqual([]);
      expect(env.hook.received.filter((n) => n.event.startsWith("grab_"))).toEqual([]);

      const page = await env.qbit.raw("GET", "../../downloads", {});
      const html = await page.text();
      expect(page.status).toBe(200);
      expect(html).toContain("Dry run");
      expect(html).toContain(
        `would remove it from the Sonarr queue (item ${sonarr.queue[0]?.id}) with blocklist`,
      );
    },
    SLOW_TEST,
  );

  test(
    "the replacement cap stops a loop: after ARR_MAX_REPLACEMENTS for one episode, no more DELETE and a notification",
    async () => {
      await using env = await startReplaceEnv({ env: { ARR_MAX_REPLACEMENTS: "2" } });
      const { p, sonarr } = env;
      const outcomes: string[] = [];
      for (const release of ["A", "B", "C"]) {
        const hash = await env.grab(
          sonarr,
          `Show.S03E01.${release}`,
          "tv-sonarr",
          { seriesId: 3, episodeIds: [301] },
          { addError: "infringing_file" },
        );
        const attempt = await waitFor(() => env.attempts(hash).find((a) => a.outcome !== "not_in_queue"), {
          timeoutMs: 30_000,
          what: `${release}: ${JSON.stringify(env.attempts())}`,
        });
        outcomes.push(attempt.outcome as string);
      }
      expect(outcomes).toEqual(["replaced", "replaced", "capped"]);
      expect(sonarr.queueDeletes).toHaveLength(2);
      const stop = await waitFor(() =>
        env.hook.received.find((n) => n.event === "grab_replacements_stopped"),
      );
      expect(stop.message).toContain("Show.S03E01.C");
      // The capped grab stays in Sonarr's queue for a person.
      expect(sonarr.queue.map((r) => r.title)).toEqual(["Show.S03E01.C"]);
      expect(await replaceRound(p.deps)).toBe(0);
    },
    SLOW_TEST,
  );
});

describe("stalled grabs", () => {
  test(
    "a magnet that never converts is failed after DOWNLOAD_STALLED_AFTER, removed at the provider and replaced",
    async () => {
      const clock = new ManualClock();
      const HOUR = 3_600_000;
      // The fake provider keeps the magnet in magnet_conversion for good.
      await using env = await startReplaceEnv({ pipeline: { clock, fake: { pollsPerStep: 1_000_000 } } });
      const { p, sonarr } = env;
      const hash = await env.grab(sonarr, "Show.S04E01.1080p", "tv-sonarr", { episodeIds: [401] });
      const row = () =>
        p.deps.dbh.sqlite
          .query(
            "SELECT stage, provider_status, next_attempt_at, fail_reason FROM download_torrents WHERE hash = ?",
          )
          .get(hash) as {
          stage: string;
          provider_status: string;
          next_attempt_at: number;
          fail_reason: string;
        };
      await waitFor(() => row()?.stage === "provider", { what: "the torrent at the provider" });
      const atProvider = () => [...p.fake.state.library.torrents.values()].some((t) => t.hash === hash);
      expect(atProvider()).toBe(true);

      // One minute before the threshold: polled again, still waiting, nothing asked of Sonarr.
      await clock.advance(6 * HOUR - 60_000);
      p.runtime.engine.kick();
      await waitFor(() => row().next_attempt_at > clock.now(), { what: "a poll after the jump" });
      expect(row()).toMatchObject({
        stage: "provider",
        provider_status: "magnet_conversion",
        fail_reason: null,
      });
      expect(await replaceRound(p.deps)).toBe(0);
      expect(sonarr.queueDeletes).toEqual([]);

      // Past it: failed as stalled, gone from the provider (no active slot held), replaced.
      await clock.advance(2 * 60_000);
      p.runtime.engine.kick();
      const attempt = await attemptWith(env, hash, "replaced");
      expect(attempt).toMatchObject({ reason: "stalled", arr_kind: "sonarr" });
      expect(row()).toMatchObject({ stage: "error", fail_reason: "stalled" });
      expect(atProvider()).toBe(false);
      expect(sonarr.queueDeletes.map((d) => d.query)).toEqual([BLOCKLIST_AND_SEARCH]);
    },
    SLOW_TEST,
  );
});
