import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { startFakeDebrid } from "../../../src/fake-debrid/index.ts";
import { count, rows, until } from "../../helpers/data-dir.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const MAIN = join(import.meta.dir, "..", "..", "..", "src", "main.ts");

async function startServer(env: Record<string, string>) {
  const child = Bun.spawn(["bun", MAIN], {
    env: { ...process.env, ...env },
    stdout: "ignore",
    stderr: "pipe",
  });
  const reader = child.stderr.getReader();
  let seen = "";
  const deadline = Date.now() + 15_000;
  while (!/"url":"(http:\/\/[^"]+)"/.test(seen)) {
    const { value, done } = await reader.read();
    if (done || Date.now() > deadline) throw new Error(`server did not start:\n${seen}`);
    seen += new TextDecoder().decode(value);
  }
  // Keep draining the log so the child never blocks on a full pipe.
  void (async () => {
    while (!(await reader.read()).done) {}
  })();
  const url = (/"url":"(http:\/\/[^"]+)"/.exec(seen) as RegExpExecArray)[1] as string;
  return { child, url };
}

/** "Run now" the way the web UI does it: session CSRF cookie + token. */
async function runNow(url: string, job: string): Promise<Response> {
  const page = await fetch(`${url}/jobs`);
  const cookie = (page.headers.get("set-cookie") ?? "").split(";")[0] as string;
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
  return fetch(`${url}/api/jobs/${job}/run`, { method: "POST", headers: { cookie, "x-csrf-token": token } });
}

/** A server slowed by a 40-per-second limit, with the smart-sync schedule off. */
function serverEnv(
  dataDir: string,
  apiUrl: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    DATA_DIR: dataDir,
    PORT: "0",
    RD_API_TOKEN: "fake-token",
    RD_API_URL: apiUrl,
    RD_RATE_LIMIT: "40",
    RD_RATE_WINDOW_MS: "1000",
    LOG_LEVEL: "info",
    JOB_SMART_SYNC_SCHEDULE: "off",
    ...extra,
  };
}

describe("jobs across a crash and a shutdown", () => {
  test("SIGKILL during a sync job leaves an interrupted run; the next start resumes and finishes it", async () => {
    using dir = tempDir();
    await using fake = await startFakeDebrid({
      library: { size: 120, seed: 4 },
      rateLimit: 40,
      rateWindowMs: 1000,
    });
    // Only what the test triggers runs.
    const env = serverEnv(dir.path, fake.rdApiUrl, { JOB_DISK_CHECK_SCHEDULE: "off" });
    const first = await startServer(env);
    // Jobs start right after the listener: the pid file says so.
    await until(() => existsSync(join(dir.path, "redriva.pid")), "the server lock");
    expect((await runNow(first.url, "full-sync")).status).toBe(202);
    expect((await runNow(first.url, "full-sync")).status).toBe(409);
    await until(
      () => count(dir.path, "SELECT count(*) AS n FROM sync_run_items WHERE state = 'done'") >= 20,
      "20 details",
    );
    first.child.kill("SIGKILL");
    await first.child.exited;
    const crashed = rows<{ id: number; status: string }>(
      dir.path,
      "SELECT id, status FROM job_runs WHERE job = 'full-sync'",
    );
    expect(crashed).toEqual([{ id: expect.any(Number), status: "running" }]);

    const second = await startServer(env);
    try {
      await until(
        () =>
          count(
            dir.path,
            "SELECT count(*) AS n FROM job_runs WHERE trigger = 'resume' AND report_path IS NOT NULL",
          ) > 0,
        "the resumed run to end with its report",
      );
      const runs = rows<{
        id: number;
        trigger: string;
        status: string;
        error: string | null;
        report_path: string | null;
      }>(
        dir.path,
        "SELECT id, trigger, status, error, report_path FROM job_runs WHERE job = 'full-sync' ORDER BY id",
      );
      expect(runs).toHaveLength(2);
      expect(runs[0]).toMatchObject({
        trigger: "manual",
        status: "interrupted",
        error: expect.stringContaining("crash"),
      });
      expect(runs[1]).toMatchObject({ trigger: "resume", status: "succeeded", error: null });
      expect(existsSync(join(dir.path, "reports", runs[1]?.report_path as string))).toBe(true);
      expect(count(dir.path, "SELECT count(*) AS n FROM torrent_details")).toBe(120);
      // One sync run, continued from its checkpoint rather than started again.
      expect(count(dir.path, "SELECT count(*) AS n FROM sync_runs")).toBe(1);
    } finally {
      // A failed assertion must not leave the server running after the suite.
      second.child.kill("SIGTERM");
    }
    expect(await second.child.exited).toBe(0);
    expect(existsSync(join(dir.path, "redriva.pid"))).toBe(false);
  }, 40_000);

  test("SIGTERM during a job: it checkpoints, is recorded interrupted, the process exits within 10 s", async () => {
    using dir = tempDir();
    await using fake = await startFakeDebrid({
      library: { size: 200, seed: 5 },
      rateLimit: 40,
      rateWindowMs: 1000,
    });
    const env = serverEnv(dir.path, fake.rdApiUrl);
    const server = await startServer(env);
    // The pid file says the jobs have started.
    await until(() => existsSync(join(dir.path, "redriva.pid")), "the server lock");
    expect((await runNow(server.url, "full-sync")).status).toBe(202);
    await until(
      () => count(dir.path, "SELECT count(*) AS n FROM sync_run_items WHERE state = 'done'") >= 20,
      "20 details",
    );
    const stopAt = Date.now();
    server.child.kill("SIGTERM");
    expect(await server.child.exited).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(10_000);
    expect(rows(dir.path, "SELECT status FROM job_runs WHERE job = 'full-sync'")).toEqual([
      { status: "interrupted" },
    ]);
    expect(rows(dir.path, "SELECT status FROM sync_runs")).toEqual([{ status: "interrupted" }]);
    expect(count(dir.path, "SELECT count(*) AS n FROM torrent_details")).toBeLessThan(200);
  }, 30_000);
});
