/**
 * `bun run bench jobs`: the job runner's costs.
 * 1. An idle server (every schedule armed, 100,000 torrents) over a minute: resident memory and
 *    CPU, beside an idle `bun -e` process measured in the same window.
 * 2. A backup (VACUUM INTO + integrity_check + rotation) of the 100,000-torrent database, beside
 *    `cp` of the same file.
 * 3. The HTML report of a sync run that changed 5,000 torrents, beside writing the same bytes.
 * IDLE_SECONDS shortens the idle measurement when trying things out.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDeps } from "../../src/compose.ts";
import { loadConfig } from "../../src/config/index.ts";
import { openDatabase } from "../../src/db/client.ts";
import { syncOutcome } from "../../src/jobs/definitions/sync.ts";
import { createLogger } from "../../src/logger.ts";
import { createBackup } from "../../src/services/backup/index.ts";
import { writeRunReport } from "../../src/services/reports/index.ts";
import type { SyncResult } from "../../src/services/sync/types.ts";

const ROOT = join(import.meta.dir, "..", "..");
const MAIN = join(ROOT, "src", "main.ts");
const RUNNER_ONLY = join(import.meta.dir, "jobs-runner-only.ts");
const TORRENTS = 100_000;
const IDLE_SECONDS = Number(process.env.IDLE_SECONDS ?? 60);
const CLK_TCK = 100;
const STATUSES = [
  "downloaded",
  "downloaded",
  "downloaded",
  "downloaded",
  "downloading",
  "dead",
  "magnet_error",
  "queued",
];

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const ms = (value: number) => `${value.toFixed(0)} ms`;
const ratio = (value: number, base: number) => (base > 0 ? (value / base).toFixed(1) : "n/a (baseline 0)");
const check = (ok: boolean) => (ok ? "yes" : "**NO**");
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** 100,000 torrents straight through SQL, shaped like a real library (names, links, hashes). */
export function seed(dbPath: string, now: number): void {
  const dbh = openDatabase(dbPath);
  const insert = dbh.sqlite.prepare(
    `INSERT INTO torrents (id, filename, status, bytes, added_on, hash, host, progress, links, links_count,
                           first_seen_at, last_seen_at, changed_at)
     VALUES (?, ?, ?, ?, ?, ?, 'real-debrid.com', 100, ?, ?, ?, ?, ?)`,
  );
  dbh.sqlite.transaction(() => {
    for (let i = 0; i < TORRENTS; i++) {
      const links = Array.from({ length: 1 + (i % 3) }, (_, k) => `https://real-debrid.com/d/L${i}x${k}`);
      insert.run(
        `T${String(i).padStart(7, "0")}`,
        `Show.Name.S${String(i % 30).padStart(2, "0")}E${String(i % 24).padStart(2, "0")}.1080p.WEB-DL.<b>&x264-GRP${i}`,
        STATUSES[i % STATUSES.length] as string,
        1_000_000_000 + i * 1000,
        new Date(now - i * 60_000).toISOString(),
        (i * 2654435761).toString(16).padStart(40, "0").slice(0, 40),
        JSON.stringify(links),
        links.length,
        now - 86_400_000 * 30,
        now - 86_400_000,
        now - 86_400_000 * 30,
      );
    }
  })();
  dbh.sqlite.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  dbh.close();
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

function rss(pid: number, field: "VmRSS" | "VmHWM"): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(match?.[1] ?? 0) * 1024;
}

/** Processes the server started (aria2c for downloads). */
function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function processName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "?";
  }
}

async function waitFor(condition: () => boolean, what: string, limitMs = 30_000) {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(50);
  }
}

/** A port free right now, for a server whose answers the bench needs to reach. */
function freePort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

/**
 * The server's memory once it has answered one page: the web app loads on the first request
 * (src/main.ts), so "idle, never asked" and "idle after a page" are two figures.
 */
async function afterOnePage(pid: number, port: number): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/login`);
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`GET /login answered ${response.status}`);
  await Bun.sleep(3_000); // the page's allocations settle
  return rss(pid, "VmRSS");
}

async function idle(dataDir: string, mediaRoot: string, entry: string) {
  rmSync(join(dataDir, "redriva.pid"), { force: true });
  const port = freePort();
  const server = Bun.spawn(["bun", entry], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      HOST: "127.0.0.1",
      PORT: String(port),
      LOG_LEVEL: "warn",
      RD_API_TOKEN: "bench-token",
      RD_API_URL: "http://127.0.0.1:9/rest/1.0",
      MEDIA_ROOT: mediaRoot,
      DOWNLOAD_DIR: join(dataDir, "..", "downloads"),
    },
    stdout: "ignore",
    stderr: "ignore",
  });
  const baseline = Bun.spawn(["bun", "-e", "setInterval(() => {}, 1 << 30)"], {
    stdout: "ignore",
    stderr: "ignore",
  });
  try {
    await waitFor(() => {
      try {
        return statSync(join(dataDir, "redriva.pid")).isFile();
      } catch {
        return false;
      }
    }, "the server to start its jobs");
    await Bun.sleep(5_000); // start-up work (migrations check, first allocations) settles
    const before = { server: cpuTicks(server.pid), baseline: cpuTicks(baseline.pid) };
    const started = performance.now();
    await Bun.sleep(IDLE_SECONDS * 1000);
    const seconds = (performance.now() - started) / 1000;
    const cpu = (pid: number, ticks: number) => (cpuTicks(pid) - ticks) / CLK_TCK / seconds;
    const children = childPids(server.pid);
    const idleServer = {
      rss: rss(server.pid, "VmRSS"),
      peak: rss(server.pid, "VmHWM"),
      cpu: cpu(server.pid, before.server),
    };
    return {
      seconds,
      children: children.map((pid) => ({ name: processName(pid), rss: rss(pid, "VmRSS") })),
      server: { ...idleServer, afterPage: await afterOnePage(server.pid, port) },
      baseline: {
        rss: rss(baseline.pid, "VmRSS"),
        peak: rss(baseline.pid, "VmHWM"),
        cpu: cpu(baseline.pid, before.baseline),
      },
    };
  } finally {
    server.kill("SIGTERM");
    baseline.kill();
    await Promise.all([server.exited, baseline.exited]);
  }
}

function backups(dataDir: string) {
  const deps = createDeps(loadConfig({ DATA_DIR: dataDir, BACKUPS_KEEP: "2" }), {
    log: createLogger({ level: "silent" }),
  });
  try {
    const dbBytes = statSync(deps.config.dbPath).size;
    const times: number[] = [];
    const copies: number[] = [];
    const checks: number[] = [];
    const cps: number[] = [];
    for (let i = 0; i < 3; i++) {
      const result = createBackup(deps);
      times.push(result.durationMs);
      copies.push(result.copyMs);
      checks.push(result.checkMs);
      const copy = join(dataDir, "cp-baseline.db");
      const t = performance.now();
      copyFileSync(deps.config.dbPath, copy); // what `cp` does: one file copy
      cps.push(performance.now() - t);
      rmSync(copy);
    }
    const cp = Bun.spawnSync(["cp", deps.config.dbPath, join(dataDir, "cp.db")]);
    const t = performance.now();
    Bun.spawnSync(["cp", deps.config.dbPath, join(dataDir, "cp.db")]);
    const cpCommand = performance.now() - t;
    rmSync(join(dataDir, "cp.db"), { force: true });
    return {
      dbBytes,
      backup: median(times),
      vacuum: median(copies),
      check: median(checks),
      copy: median(cps),
      cpCommand,
      cpOk: cp.exitCode === 0,
    };
  } finally {
    deps.dbh.close();
  }
}

/** A sync run that, on the 100,000-torrent library, added 1,000, changed 3,000 and removed 1,000. */
async function report(dataDir: string) {
  const deps = createDeps(loadConfig({ DATA_DIR: dataDir }), { log: createLogger({ level: "silent" }) });
  try {
    const startedAt = Date.now() - 60_000;
    const s = deps.dbh.sqlite;
    s.prepare("UPDATE torrents SET first_seen_at = ?, changed_at = ? WHERE seq <= 1000").run(
      startedAt + 1,
      startedAt + 1,
    );
    s.prepare("UPDATE torrents SET changed_at = ?, status = 'dead' WHERE seq > 1000 AND seq <= 4000").run(
      startedAt + 2,
    );
    s.prepare("UPDATE torrents SET removed_at = ?, changed_at = ? WHERE seq > 4000 AND seq <= 5000").run(
      startedAt + 3,
      startedAt + 3,
    );
    const result: SyncResult = {
      provider: "realdebrid",
      byProvider: [],
      runId: 1,
      mode: "smart",
      status: "succeeded",
      durationMs: 60_000,
      torrentsSeen: TORRENTS - 1000,
      added: 1000,
      updated: 3000,
      removed: 1000,
      detailsPlanned: 4000,
      detailsDone: 4000,
      detailsFailed: 0,
      missing: [],
      requests: { total: 4021, list: 21, details: 4000, rateLimited: 3 },
      plan: { new: 1000, changed: 3000 },
      error: null,
    };
    const log = Array.from(
      { length: 1000 },
      (_, i) => `11:00:${String(i % 60).padStart(2, "0")} details ${i}`,
    );
    const requests = Array.from({ length: 60 }, (_, i) => ({
      second: Math.floor(startedAt / 1000) + i,
      ok: 66,
      rateLimited: i % 20 === 0 ? 1 : 0,
      failed: 0,
    }));
    const times: number[] = [];
    let bytes = 0;
    let path = "";
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const outcome = syncOutcome(deps, result, startedAt);
      const relative = await writeRunReport(deps, {
        runId: i + 1,
        job: "smart-sync",
        description: "bench",
        trigger: "schedule",
        status: "succeeded",
        startedAt,
        finishedAt: startedAt + 60_000,
        counts: outcome.counts ?? {},
        error: null,
        summary: outcome.summary ?? null,
        sections: outcome.report ?? [],
        log,
        requests,
      });
      times.push(performance.now() - t);
      path = join(dataDir, "reports", relative);
      bytes = statSync(path).size;
    }
    const html = readFileSync(path);
    const t = performance.now();
    writeFileSync(join(dataDir, "same-bytes.html"), html);
    const writeOnly = performance.now() - t;
    const rows = (html.toString().match(/<tr>/g) ?? []).length;
    return { ms: median(times), bytes, writeOnly, rows };
  } finally {
    deps.dbh.close();
  }
}

export async function run(): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), "redriva-bench-jobs-"));
  try {
    const dataDir = join(work, "data");
    const mediaRoot = join(work, "media");
    mkdirSync(mediaRoot, { recursive: true });
    const seeded = performance.now();
    seed(join(dataDir, "redriva.db"), Date.now());
    console.error(`seeded ${TORRENTS} torrents in ${ms(performance.now() - seeded)}`);

    console.error(`idle server for ${IDLE_SECONDS} s...`);
    const still = await idle(dataDir, mediaRoot, MAIN);
    console.error(`idle server without the download client for ${IDLE_SECONDS} s...`);
    const runnerOnly = await idle(dataDir, mediaRoot, RUNNER_ONLY);
    console.error("backups...");
    const backup = backups(dataDir);
    console.error("report...");
    const rep = await report(dataDir);

    const rssOk = still.server.rss < 80 * 1024 * 1024;
    const cpuOk = still.server.cpu < 0.01;
    return [
      "## Jobs",
      "",
      "Command: `bun run bench jobs` (scripts/bench/jobs.ts). A database of 100,000 torrents filled through SQL",
      "(names, links, hashes like a real library; the search index maintained by its triggers).",
      "",
      `### Idle server, every schedule armed, 100,000 torrents, over ${still.seconds.toFixed(0)} s`,
      "",
      "`bun src/main.ts` with a (fake) Real-Debrid token and a media root, so all eight jobs are scheduled; measured",
      "after 5 s of start-up, from /proc, beside an idle `bun -e 'setInterval(...)'` in the same window. The web",
      "app is imported on the first request, so the server is also measured once it has answered one page.",
      "",
      "| figure | value | target | baseline (idle `bun -e`) | ratio |",
      "|---|---|---|---|---|",
      `| resident memory (VmRSS) at the end | ${mb(still.server.rss)} | < 80 MB (${check(rssOk)}) | ${mb(still.baseline.rss)} | ${(still.server.rss / still.baseline.rss).toFixed(2)} |`,
      `| peak resident memory (VmHWM) | ${mb(still.server.peak)} | | ${mb(still.baseline.peak)} | ${(still.server.peak / still.baseline.peak).toFixed(2)} |`,
      `| VmRSS 3 s after one page (\`GET /login\`), which loads the web app | ${mb(still.server.afterPage)} | | ${mb(still.baseline.rss)} | ${(still.server.afterPage / still.baseline.rss).toFixed(2)} |`,
      ...still.children.map(
        (c) => `| child process \`${c.name}\` (not counted above) | ${mb(c.rss)} | | | |`,
      ),
      `| CPU (user + system) | ${(still.server.cpu * 100).toFixed(2)}% of a core | near zero, < 1% (${check(cpuOk)}) | ${(still.baseline.cpu * 100).toFixed(2)}% | ${ratio(still.server.cpu, still.baseline.cpu)} |`,
      "",
      "The same without the download client (scripts/bench/jobs-runner-only.ts: config, database, the HTTP app with",
      "every page, the job runner with every schedule armed; no aria2c, no download tick):",
      "",
      "| figure | value | target | baseline (idle `bun -e`) | ratio |",
      "|---|---|---|---|---|",
      `| resident memory (VmRSS) at the end | ${mb(runnerOnly.server.rss)} | < 80 MB (${check(runnerOnly.server.rss < 80 * 1024 * 1024)}) | ${mb(runnerOnly.baseline.rss)} | ${(runnerOnly.server.rss / runnerOnly.baseline.rss).toFixed(2)} |`,
      `| CPU (user + system) | ${(runnerOnly.server.cpu * 100).toFixed(2)}% of a core | < 1% (${check(runnerOnly.server.cpu < 0.01)}) | ${(runnerOnly.baseline.cpu * 100).toFixed(2)}% | ${ratio(runnerOnly.server.cpu, runnerOnly.baseline.cpu)} |`,
      "",
      "What separates the two tables is the download client started by src/main.ts (its aria2c supervision and",
      "periodic tick), not the job runner.",
      "",
      "### Backup of the 100,000-torrent database",
      "",
      `\`VACUUM INTO\` + \`PRAGMA integrity_check\` on the copy + rotation (median of 3), beside copying the same ${mb(backup.dbBytes)} file.`,
      "",
      "| figure | value | target | baseline (file copy) | ratio |",
      "|---|---|---|---|---|",
      `| backup, checked | ${ms(backup.backup)} | < 2 s (${check(backup.backup < 2000)}) | ${ms(backup.copy)} (copyFile), ${ms(backup.cpCommand)} (\`cp\` command) | ${(backup.backup / Math.max(1, backup.cpCommand)).toFixed(1)} × \`cp\` |`,
      `| of which \`VACUUM INTO\` | ${ms(backup.vacuum)} | | | |`,
      `| of which \`integrity_check\` of the copy | ${ms(backup.check)} | | | |`,
      "",
      "### Report of a sync run that changed 5,000 torrents",
      "",
      "On the 100,000-torrent library: 1,000 added, 3,000 changed, 1,000 removed, all listed by name; library by",
      "status, plan by reason, requests chart, 1,000 log lines; then rotation and the index (median of 5).",
      "",
      "| figure | value | target | baseline (writing the same bytes) | ratio |",
      "|---|---|---|---|---|",
      `| report written (query + render + write + index) | ${ms(rep.ms)} | < 200 ms (${check(rep.ms < 200)}) | ${rep.writeOnly.toFixed(1)} ms | ${(rep.ms / Math.max(0.1, rep.writeOnly)).toFixed(0)} |`,
      `| report size | ${mb(rep.bytes)}, ${rep.rows.toLocaleString("en-US")} table rows | | | |`,
      "",
      `Run on ${new Date().toISOString().slice(0, 10)}, ${process.platform} ${process.arch}, ${navigator.hardwareConcurrency} cores, Bun ${Bun.version}.`,
    ].join("\n");
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
