import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { until } from "../../helpers/data-dir.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const ROOT = join(import.meta.dir, "..", "..", "..");
const MAIN = join(ROOT, "src", "main.ts");
const CLI = join(ROOT, "src", "cli", "index.ts");

function envFor(dataDir: string): Record<string, string> {
  return {
    ...(process.env as Record<string, string>),
    DATA_DIR: dataDir,
    PORT: "0",
    LOG_LEVEL: "info",
    DOWNLOAD_DIR: join(dataDir, "downloads"),
    JOB_SMART_SYNC_SCHEDULE: "off",
  };
}

/** A real server process; resolves once it listens. */
async function startServer(dataDir: string) {
  const child = Bun.spawn(["bun", MAIN], { env: envFor(dataDir), stdout: "ignore", stderr: "pipe" });
  const reader = child.stderr.getReader();
  let seen = "";
  while (!/"url":"(http:\/\/[^"]+)"/.test(seen)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`server did not start:\n${seen}`);
    seen += new TextDecoder().decode(value);
  }
  void (async () => {
    while (!(await reader.read()).done) {}
  })();
  const url = (/"url":"(http:\/\/[^"]+)"/.exec(seen) as RegExpExecArray)[1] as string;
  return { child, url };
}

/** A process run to its end: exit code and what it printed. */
async function runToEnd(cmd: string[], env: Record<string, string>) {
  const child = Bun.spawn(cmd, { env, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { code, stdout, stderr };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("one writer per DATA_DIR (an OS lock the kernel releases)", () => {
  test("a second server refuses, naming the first; the first keeps its pid file and its aria2c; kill -9 frees DATA_DIR", async () => {
    using dir = tempDir();
    const first = await startServer(dir.path);
    try {
      const pidFile = join(dir.path, "redriva.pid");
      const aria2PidFile = join(dir.path, "aria2", "aria2.pid");
      // A file exists before its writer has written it: wait for the content, not the name.
      const written = (file: string) => existsSync(file) && readFileSync(file, "utf8").trim() !== "";
      await until(() => written(pidFile) && written(aria2PidFile), "the first server's pid files");
      const aria2Pid = Number(readFileSync(aria2PidFile, "utf8").trim());
      const pidBefore = readFileSync(pidFile, "utf8");

      const second = await runToEnd(["bun", MAIN], envFor(dir.path));
      expect(second.code).not.toBe(0);
      const refusal = second.stderr.trim();
      expect(refusal).toContain(`Redriva cannot start: DATA_DIR ${dir.path} is in use by the Redriva server`);
      expect(refusal).toContain(`pid ${first.child.pid}`);
      expect(refusal).toMatch(/started \d{4}-\d\d-\d\dT/);
      expect(refusal).not.toContain("    at ");
      expect(readFileSync(pidFile, "utf8")).toBe(pidBefore);
      expect(alive(aria2Pid)).toBe(true);
      expect((await fetch(`${first.url}/health`)).status).toBe(200);

      // A writing CLI command refuses too; a reading one runs beside the server.
      const restore = await runToEnd(["bun", CLI, "restore", "any.db"], envFor(dir.path));
      expect(restore.code).not.toBe(0);
      expect(restore.stderr).toContain(`is in use by the Redriva server (pid ${first.child.pid}`);
      expect(existsSync(join(dir.path, "redriva.db"))).toBe(true);
      const stats = await runToEnd(["bun", CLI, "stats", "--compact"], envFor(dir.path));
      expect(stats.code).toBe(0);

      // kill -9: nothing can clean up, the kernel releases the lock.
      first.child.kill("SIGKILL");
      await first.child.exited;
      const third = await startServer(dir.path);
      third.child.kill("SIGTERM");
      expect(await third.child.exited).toBe(0);
    } finally {
      first.child.kill("SIGKILL");
    }
  });

  test("two writing CLI commands: the second refuses while the first runs", async () => {
    using dir = tempDir();
    // A sync against a provider that never answers keeps the first command busy.
    const silent = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    try {
      const env = {
        ...envFor(dir.path),
        RD_API_TOKEN: "t",
        RD_API_URL: `http://127.0.0.1:${silent.port}/rest/1.0`,
      };
      const first = Bun.spawn(["bun", CLI, "sync", "torrents"], { env, stdout: "ignore", stderr: "ignore" });
      try {
        const lockFile = join(dir.path, "redriva.lock");
        await until(
          () => existsSync(lockFile) && readFileSync(lockFile, "utf8").includes("sync"),
          "the lock",
        );
        const second = await runToEnd(["bun", CLI, "clear", "--yes"], env);
        expect(second.code).toBe(1);
        expect(second.stderr.trim()).toBe(
          `Error: DATA_DIR ${dir.path} is in use by redriva sync (pid ${first.pid}, started ${JSON.parse(readFileSync(lockFile, "utf8")).startedAt}). Only one Redriva process may write there at a time: stop it first, or use its web UI.`,
        );
      } finally {
        first.kill("SIGKILL");
        await first.exited;
      }
      expect((await runToEnd(["bun", CLI, "clear", "--yes"], { ...envFor(dir.path) })).code).toBe(0);
    } finally {
      silent.stop(true);
    }
  });
});
