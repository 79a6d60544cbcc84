import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startFakeDebrid } from "../../../src/fake-debrid/index.ts";
import { count, rows, until } from "../../helpers/data-dir.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const ROOT = join(import.meta.dir, "..", "..", "..");
const LAUNCHER = join(ROOT, "scripts", "bootstrap.mjs");

/** `npm start` without npm: the launcher as a service manager or `docker stop` would see it. */
function spawnLauncher(env: Record<string, string>) {
  return Bun.spawn(["node", LAUNCHER, "run", "src/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdout: "ignore",
    stderr: "pipe",
  });
}

/** The server's URL from its log; keeps draining the log so it never blocks on a full pipe. */
async function serverUrl(launcher: ReturnType<typeof spawnLauncher>): Promise<string> {
  const reader = launcher.stderr.getReader();
  let seen = "";
  const deadline = Date.now() + 30_000;
  while (!/"url":"(http:\/\/[^"]+)"/.test(seen)) {
    const { value, done } = await reader.read();
    if (done || Date.now() > deadline) throw new Error(`server did not start:\n${seen}`);
    seen += new TextDecoder().decode(value);
  }
  void (async () => {
    while (!(await reader.read()).done) {}
  })();
  return (/"url":"(http:\/\/[^"]+)"/.exec(seen) as RegExpExecArray)[1] as string;
}

/** Every process below `pid` (children, grandchildren...), from /proc. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, of] of parents) {
      if (of !== parent) continue;
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

/** "Run now" the way the web UI does it: session CSRF cookie + token. */
async function runNow(url: string, job: string): Promise<Response> {
  const page = await fetch(`${url}/jobs`);
  const cookie = (page.headers.get("set-cookie") ?? "").split(";")[0] as string;
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
  return fetch(`${url}/api/jobs/${job}/run`, { method: "POST", headers: { cookie, "x-csrf-token": token } });
}

/** A zombie waiting for its parent to reap it counts as gone: it runs nothing and holds nothing. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

function pidIn(path: string, read: (text: string) => number): number {
  return read(readFileSync(path, "utf8"));
}

describe("the launcher (scripts/bootstrap.mjs) and stop signals", () => {
  test("SIGTERM to the launcher's pid alone stops Redriva and its aria2c within 10 s, the job recorded interrupted", async () => {
    using dir = tempDir();
    await using fake = await startFakeDebrid({
      library: { size: 200, seed: 7 },
      rateLimit: 40,
      rateWindowMs: 1000,
    });
    const env = {
      DATA_DIR: dir.path,
      PORT: "0",
      RD_API_TOKEN: "fake-token",
      RD_API_URL: fake.rdApiUrl,
      RD_RATE_LIMIT: "40",
      RD_RATE_WINDOW_MS: "1000",
      LOG_LEVEL: "info",
      JOB_SMART_SYNC_SCHEDULE: "off",
    };
    const launcher = spawnLauncher(env);
    const serverPidFile = join(dir.path, "redriva.pid");
    const aria2PidFile = join(dir.path, "aria2", "aria2.pid");
    // Whatever fails, nothing started here may outlive the test (without the forwarding, the
    // launcher's death leaves orphans).
    const started = new Set<number>();
    try {
      const url = await serverUrl(launcher);
      // The pid file says the jobs have started; aria2c was started before them.
      await until(
        () => existsSync(serverPidFile) && existsSync(aria2PidFile),
        "the server and aria2c pid files",
      );
      const serverPid = pidIn(serverPidFile, (text) => (JSON.parse(text) as { pid: number }).pid);
      const aria2Pid = pidIn(aria2PidFile, (text) => Number(text.trim()));
      for (const pid of [serverPid, aria2Pid, ...descendants(launcher.pid)]) started.add(pid);
      expect(serverPid).not.toBe(launcher.pid);
      expect(alive(serverPid) && alive(aria2Pid)).toBe(true);
      expect((await runNow(url, "full-sync")).status).toBe(202);
      await until(
        () => count(dir.path, "SELECT count(*) AS n FROM sync_run_items WHERE state = 'done'") >= 20,
        "20 details",
      );

      process.kill(launcher.pid, "SIGTERM");
      // Redriva's own promise: stopped within 10 s of the signal, whatever hangs.
      await until(() => !alive(serverPid) && !alive(aria2Pid), "Redriva and its aria2c to stop", 10_000);
      expect(await launcher.exited).toBe(0);
      expect(rows(dir.path, "SELECT status FROM job_runs WHERE job = 'full-sync'")).toEqual([
        { status: "interrupted" },
      ]);
      expect(existsSync(serverPidFile)).toBe(false);
    } finally {
      for (const pid of descendants(launcher.pid)) started.add(pid);
      for (const pid of started) if (alive(pid)) process.kill(pid, "SIGKILL");
      launcher.kill("SIGKILL");
    }
  }, 60_000);
});
