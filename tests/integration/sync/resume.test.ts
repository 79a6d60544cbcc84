import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { startFakeDebrid } from "../../../src/fake-debrid/index.ts";
import { cli } from "../../helpers/cli.ts";
import { count as scalar, until } from "../../helpers/data-dir.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const CLI = join(import.meta.dir, "..", "..", "..", "src", "cli", "index.ts");

/** A full sync in a real child process, slowed down by the rate limit so it can be stopped midway. */
async function startChildSync(dataDir: string, apiUrl: string) {
  const env = {
    ...process.env,
    DATA_DIR: dataDir,
    RD_API_TOKEN: "fake-token",
    RD_API_URL: apiUrl,
    RD_RATE_LIMIT: "40",
    RD_RATE_WINDOW_MS: "1000",
    LOG_LEVEL: "silent",
  };
  const child = Bun.spawn(["bun", CLI, "sync", "full"], { env, stdout: "pipe", stderr: "pipe" });
  await until(
    () => scalar(dataDir, "SELECT COUNT(*) AS n FROM sync_run_items WHERE state = 'done'") >= 30,
    "30 details",
  );
  return { child, env };
}

describe("interrupted syncs resume with nothing lost or duplicated", () => {
  test("kill -9 in the middle of a full sync, then `sync resume` finishes it", async () => {
    using dir = tempDir();
    await using fake = await startFakeDebrid({
      library: { size: 200, seed: 21 },
      rateLimit: 40,
      rateWindowMs: 1000,
    });
    const { child, env } = await startChildSync(dir.path, fake.rdApiUrl);
    child.kill("SIGKILL");
    await child.exited;
    const doneBefore = scalar(dir.path, "SELECT COUNT(*) AS n FROM torrent_details");
    expect(doneBefore).toBeGreaterThanOrEqual(30);
    expect(doneBefore).toBeLessThan(200);
    expect(scalar(dir.path, "SELECT COUNT(*) AS n FROM sync_runs WHERE status = 'running'")).toBe(1);

    const infoCallsBefore = fake.stats.byRoute["GET /rest/1.0/torrents/info/:id"] ?? 0;
    const resumed = await cli(["sync", "resume"], env);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain("SUCCEEDED");
    expect(scalar(dir.path, "SELECT COUNT(*) AS n FROM torrent_details")).toBe(200);
    expect(scalar(dir.path, "SELECT COUNT(DISTINCT torrent_id) AS n FROM torrent_files")).toBe(200);
    expect(scalar(dir.path, "SELECT COUNT(*) AS n FROM torrents")).toBe(200);
    expect(scalar(dir.path, "SELECT COUNT(*) AS n FROM sync_runs")).toBe(1);
    // Only what was not done (plus at most the requests in flight at the kill) was fetched again.
    const refetched = (fake.stats.byRoute["GET /rest/1.0/torrents/info/:id"] ?? 0) - infoCallsBefore;
    expect(refetched).toBeLessThanOrEqual(200 - doneBefore + 8);
    expect(refetched).toBeGreaterThanOrEqual(200 - doneBefore);
  });

  test("SIGTERM stops cleanly with a checkpoint and exit code 130; resume completes", async () => {
    using dir = tempDir();
    await using fake = await startFakeDebrid({
      library: { size: 150, seed: 22 },
      rateLimit: 40,
      rateWindowMs: 1000,
    });
    const { child, env } = await startChildSync(dir.path, fake.rdApiUrl);
    child.kill("SIGTERM");
    expect(await child.exited).toBe(130);
    const out = await new Response(child.stdout).text();
    expect(out).toContain("INTERRUPTED");
    expect(out).toContain("sync resume");
    expect(scalar(dir.path, "SELECT COUNT(*) AS n FROM sync_runs WHERE status = 'interrupted'")).toBe(1);
    const pending = scalar(dir.path, "SELECT COUNT(*) AS n FROM sync_run_items WHERE state = 'pending'");
    expect(pending).toBeGreaterThan(0);
    expect(pending + scalar(dir.path, "SELECT COUNT(*) AS n FROM sync_run_items WHERE state = 'done'")).toBe(
      150,
    );

    const resumed = await cli(["sync", "resume"], env);
    expect(resumed.code).toBe(0);
    expect(scalar(dir.path, "SELECT COUNT(*) AS n FROM torrent_details")).toBe(150);
    const again = await cli(["sync", "resume"], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("nothing to resume");
  });

  test("a second sync while one runs is refused", async () => {
    using dir = tempDir();
    await using fake = await startFakeDebrid({
      library: { size: 150, seed: 23 },
      rateLimit: 40,
      rateWindowMs: 1000,
    });
    const { child, env } = await startChildSync(dir.path, fake.rdApiUrl);
    const second = await cli(["sync", "smart"], env);
    child.kill("SIGKILL");
    await child.exited;
    expect(second.code).toBe(1);
    // DATA_DIR's lock refuses it before the database is even opened, naming the running command.
    expect(second.stderr).toContain(`is in use by redriva sync (pid ${child.pid}`);
  });
});
