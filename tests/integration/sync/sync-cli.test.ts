import { describe, expect, test } from "bun:test";
import { startFakeDebrid } from "../../../src/fake-debrid/index.ts";
import { cli } from "../../helpers/cli.ts";
import { count, rows as query } from "../../helpers/data-dir.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

function envFor(dataDir: string, apiUrl: string, extra: Record<string, string> = {}) {
  return { DATA_DIR: dataDir, RD_API_TOKEN: "fake-token", RD_API_URL: apiUrl, ...extra };
}

describe("redriva sync (CLI against the fake Real-Debrid)", () => {
  test("sync torrents mirrors 12,000 torrents with 3 list requests and exits 0", async () => {
    using dir = tempDir();
    await using fake = await startFakeDebrid({ library: { size: 12_000, seed: 11 } });
    const run = await cli(["sync", "torrents"], envFor(dir.path, fake.rdApiUrl));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("12,000 listed, 12,000 new");
    expect(fake.stats.byRoute["GET /rest/1.0/torrents"]).toBe(3);
    expect(count(dir.path, "SELECT COUNT(DISTINCT id) AS n FROM torrents")).toBe(12_000);
    expect(count(dir.path, "SELECT COUNT(*) AS n FROM torrent_details")).toBe(0);
  });

  test("sync full fetches every torrent's details and files, searchable by file path", async () => {
    using dir = tempDir();
    await using fake = await startFakeDebrid({
      library: { size: 300, seed: 12 },
      rateLimit: 400,
      rateWindowMs: 1000,
    });
    const env = envFor(dir.path, fake.rdApiUrl, { RD_RATE_LIMIT: "400", RD_RATE_WINDOW_MS: "1000" });
    const run = await cli(["sync", "full"], env);
    expect(run.code).toBe(0);
    expect(count(dir.path, "SELECT COUNT(*) AS n FROM torrent_details")).toBe(300);
    const files = [...fake.state.library.torrents.values()].reduce((s, t) => s + t.files.length, 0);
    expect(count(dir.path, "SELECT COUNT(*) AS n FROM torrent_files")).toBe(files);
    const somePath = [...fake.state.library.torrents.values()][0]?.files[0]?.path.split("/").pop() as string;
    const word = somePath.split(".")[0] as string;
    expect(
      count(dir.path, `SELECT COUNT(*) AS n FROM torrent_search WHERE torrent_search MATCH '"${word}"'`),
    ).toBeGreaterThan(0);
    const stats = await cli(["stats", "--compact"], env);
    expect(stats.stdout).toMatch(/^300 torrents \| 300 details \(100\.0%\)/);
  });

  test("smart sync after a day of changes fetches only new and newly finished torrents", async () => {
    using dir = tempDir();
    await using fake = await startFakeDebrid({
      library: { size: 400, seed: 13, mix: { downloading: 0.05 } },
      rateLimit: 1000,
      rateWindowMs: 1000,
    });
    const env = envFor(dir.path, fake.rdApiUrl, { RD_RATE_LIMIT: "1000", RD_RATE_WINDOW_MS: "1000" });
    expect((await cli(["sync", "full"], env)).code).toBe(0);
    const changes = fake.state.library.mutate({ added: 5, finished: 3, changed: 10, removed: 2 });
    fake.resetStats();

    const dry = await cli(["sync", "smart", "--dry-run"], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("details that would be fetched: 8 (new 5, finished 3)");
    expect(fake.stats.requests).toBe(1);
    expect(count(dir.path, "SELECT COUNT(*) AS n FROM torrents")).toBe(400);

    fake.resetStats();
    const smart = await cli(["sync", "smart"], env);
    expect(smart.code).toBe(0);
    expect(fake.stats.byRoute["GET /rest/1.0/torrents"]).toBe(1);
    expect(fake.stats.byRoute["GET /rest/1.0/torrents/info/:id"]).toBe(8);
    expect(count(dir.path, "SELECT COUNT(*) AS n FROM torrents WHERE removed_at IS NOT NULL")).toBe(2);
    const removed = query<{ id: string }>(
      dir.path,
      "SELECT id FROM torrents WHERE removed_at IS NOT NULL",
    ).map((r) => r.id);
    expect(removed.sort()).toEqual([...changes.removed].sort());
    // downloaded → dead cost no request, yet the details follow the list.
    const deadIds = changes.changed.map((id) => `'${id}'`).join(",");
    expect(
      count(
        dir.path,
        `SELECT COUNT(*) AS n FROM torrent_details WHERE id IN (${deadIds}) AND status = 'dead'`,
      ),
    ).toBe(10);
    for (const id of [...changes.added, ...changes.finished]) {
      expect(
        count(
          dir.path,
          `SELECT COUNT(*) AS n FROM torrent_details WHERE id = '${id}' AND status = 'downloaded'`,
        ),
      ).toBe(1);
    }
  });

  test("a bad token gives one clear message, a non-zero exit and writes nothing", async () => {
    using dir = tempDir();
    await using fake = await startFakeDebrid({ library: { size: 50 } });
    const run = await cli(
      ["sync", "full"],
      envFor(dir.path, fake.rdApiUrl, { RD_API_TOKEN: "not-the-token" }),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("Real-Debrid refused the API token (bad_token)");
    expect(run.stdout).toContain("requests: 1 (1 list, 0 details)");
    expect(run.stdout + run.stderr).not.toContain("not-the-token");
    expect(count(dir.path, "SELECT COUNT(*) AS n FROM torrents")).toBe(0);
    expect(count(dir.path, "SELECT COUNT(*) AS n FROM sync_runs")).toBe(0);
    expect(fake.stats.requests).toBe(1);
  });

  test("2% 5xx, 1% 429 and dropped connections: the full sync still ends with every torrent exactly once", async () => {
    using dir = tempDir();
    await using fake = await startFakeDebrid({
      library: { size: 600, seed: 14 },
      rateLimit: 2000,
      rateWindowMs: 1000,
      faults: { serverErrorRate: 0.02, rateLimitRate: 0.01, dropRate: 0.01 },
    });
    const env = envFor(dir.path, fake.rdApiUrl, { RD_RATE_LIMIT: "2000", RD_RATE_WINDOW_MS: "1000" });
    const run = await cli(["sync", "full"], env);
    expect(run.code).toBe(0);
    expect(
      fake.stats.injected.serverErrors + fake.stats.injected.rateLimited + fake.stats.injected.dropped,
    ).toBeGreaterThan(10);
    expect(count(dir.path, "SELECT COUNT(*) AS n FROM torrents")).toBe(600);
    expect(count(dir.path, "SELECT COUNT(DISTINCT id) AS n FROM torrent_details")).toBe(600);
    expect(count(dir.path, "SELECT COUNT(*) AS n FROM torrent_details")).toBe(600);
  });

  test("5% transient 5xx with the provider's own JSON bodies (500 internal_error, 503 service_unavailable) and 1% drops: the full sync ends complete", async () => {
    using dir = tempDir();
    await using fake = await startFakeDebrid({
      library: { size: 400, seed: 18 },
      rateLimit: 2000,
      rateWindowMs: 1000,
      faults: { serverErrorRate: 0.05, serverErrorBodies: "json", dropRate: 0.01 },
    });
    const env = envFor(dir.path, fake.rdApiUrl, { RD_RATE_LIMIT: "2000", RD_RATE_WINDOW_MS: "1000" });
    const run = await cli(["sync", "full"], env);
    expect(fake.stats.injected.serverErrors).toBeGreaterThan(5);
    expect(run.stdout).not.toContain("MISSING");
    expect(run.code).toBe(0);
    expect(count(dir.path, "SELECT COUNT(DISTINCT id) AS n FROM torrent_details")).toBe(400);
    expect(count(dir.path, "SELECT COUNT(*) AS n FROM sync_runs WHERE status = 'succeeded'")).toBe(1);
  });

  test("hostile, unicode and huge names, unknown statuses and malformed answers are stored faithfully", async () => {
    using dir = tempDir();
    await using fake = await startFakeDebrid({
      library: { size: 60, seed: 15, hostileNames: true, unknownStatuses: 3 },
      faults: { malformedRate: 0.1 },
    });
    const run = await cli(["sync", "torrents"], envFor(dir.path, fake.rdApiUrl));
    expect(run.code).toBe(0);
    const names = query<{ filename: string }>(dir.path, "SELECT filename FROM torrents").map(
      (r) => r.filename,
    );
    expect(names).toContain("<img src=x onerror=alert(1)>.mkv");
    expect(names).toContain("Ünïcødé.名前.テスト.S01E01.1080p.mkv");
    expect(names.some((n) => n.length > 400)).toBe(true);
    expect(count(dir.path, "SELECT COUNT(*) AS n FROM torrents WHERE status = 'quantum_entangled'")).toBe(3);
  });

  test("a partial run exits non-zero and says what is missing", async () => {
    using dir = tempDir();
    await using fake = await startFakeDebrid({
      library: { size: 40, seed: 16 },
      rateLimit: 1000,
      rateWindowMs: 1000,
    });
    const env = envFor(dir.path, fake.rdApiUrl, { RD_RATE_LIMIT: "1000", RD_RATE_WINDOW_MS: "1000" });
    expect((await cli(["sync", "torrents"], env)).code).toBe(0);
    // The provider starts failing every request after the list: details cannot be fetched.
    fake.faults.serverErrorRate = 1;
    const run = await cli(["sync", "details", "--status", "downloaded"], { ...env, RD_MAX_RETRIES: "1" });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/MISSING: \d+ torrents without fresh details/);
    expect(run.stdout).toContain("sync resume");
  });

  test("diagnose groups torrents in error with the command to fix them; clear --yes empties the library", async () => {
    using dir = tempDir();
    await using fake = await startFakeDebrid({
      library: { size: 200, seed: 17, mix: { dead: 0.05, magnet_error: 0.05, virus: 0.02 } },
    });
    const env = envFor(dir.path, fake.rdApiUrl);
    expect((await cli(["sync", "torrents"], env)).code).toBe(0);
    const diagnosis = await cli(["diagnose"], env);
    expect(diagnosis.code).toBe(0);
    expect(diagnosis.stdout).toMatch(/dead: \d+/);
    expect(diagnosis.stdout).toContain("command: bun run redriva repair run");
    const json = JSON.parse((await cli(["diagnose", "--json"], env)).stdout) as Array<{
      type: string;
      torrents: unknown[];
    }>;
    const dead = [...fake.state.library.torrents.values()].filter((t) => t.status === "dead").length;
    expect(json.find((g) => g.type === "dead")?.torrents.length).toBe(dead);

    const report = await cli(["stats"], env);
    expect(report.stdout).toContain("BY STATUS");
    expect(report.stdout).toContain("RECOMMENDATIONS");
    const statsJson = JSON.parse((await cli(["stats", "--json"], env)).stdout) as {
      overview: { torrents: number };
    };
    expect(statsJson.overview.torrents).toBe(200);

    const cleared = await cli(["clear", "--yes"], env);
    expect(cleared.code).toBe(0);
    expect(count(dir.path, "SELECT COUNT(*) AS n FROM torrents")).toBe(0);
  });

  test("bad usage gets a clear message and exit code 2", async () => {
    using dir = tempDir();
    const bad = await cli(["sync", "everything"], envFor(dir.path, "http://127.0.0.1:9/rest/1.0"));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Unknown sync mode "everything"');
    const badConfig = await cli(["stats"], { DATA_DIR: dir.path, RD_RATE_LIMIT: "abc" });
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toContain('RD_RATE_LIMIT: expected a positive integer, got "abc"');
    const noToken = await cli(["sync", "torrents"], { DATA_DIR: dir.path });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain("RD_API_TOKEN");
  });
});
