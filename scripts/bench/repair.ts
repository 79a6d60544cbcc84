/**
 * `bun run bench repair`: detection and re-injection against the fake Real-Debrid on loopback,
 * through the real CLI (a child process per command). Baseline: the provider's allowed rate.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeDebrid } from "../../src/fake-debrid/index.ts";
import { runMeasured } from "./lib/process.ts";

const ROOT = join(import.meta.dir, "..", "..");
const CLI = join(ROOT, "src", "cli", "index.ts");
const FAILED = ["magnet_error", "error", "virus", "dead"];
/** Every torrent starts downloaded; the benchmark breaks the ones it wants. */
const ALL_DOWNLOADED = Object.fromEntries(
  [
    "downloading",
    "queued",
    "magnet_conversion",
    "waiting_files_selection",
    "compressing",
    "uploading",
    ...FAILED,
  ].map((s) => [s, 0]),
);

function env(dataDir: string, apiUrl: string, extra: Record<string, string> = {}) {
  return {
    ...process.env,
    DATA_DIR: dataDir,
    RD_API_TOKEN: "fake-token",
    RD_API_URL: apiUrl,
    LOG_LEVEL: "silent",
    ...extra,
  };
}

const check = (ok: boolean) => (ok ? "yes" : "**NO**");
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Requests in each full window from the first arrival (the partial last window is left out). */
function fullWindows(arrivals: number[], windowMs: number): number[] {
  const first = arrivals[0] ?? 0;
  const last = arrivals.at(-1) ?? 0;
  const count = Math.floor((last - first) / windowMs);
  const windows = new Array<number>(count).fill(0);
  for (const t of arrivals) {
    const k = Math.floor((t - first) / windowMs);
    if (k < count) windows[k] = (windows[k] ?? 0) + 1;
  }
  return windows;
}

export async function run(): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), "redriva-bench-repair-"));
  const lines: string[] = [
    "## Repair",
    "",
    "Command: `bun run bench repair` (scripts/bench/repair.ts): the real CLI (`repair scan`, `repair run`) in a",
    "child process against the fake Real-Debrid on 127.0.0.1, which enforces the rate limit and counts refused",
    "requests like Real-Debrid does.",
    "",
  ];
  try {
    // 1. Quick detection on 5,000 torrents.
    {
      await using fake = await startFakeDebrid({ library: { size: 5000, seed: 1 } });
      const failing = [...fake.state.library.torrents.values()].filter((t) =>
        FAILED.includes(t.status),
      ).length;
      const r = await runMeasured(
        ["bun", CLI, "repair", "scan", "--mode", "quick"],
        env(join(work, "quick"), fake.rdApiUrl),
      );
      const found = Number(/(\d[\d,]*) found/.exec(r.stdout)?.[1]?.replace(/,/g, "") ?? -1);
      const requests = fake.stats.requests;
      lines.push(
        "### Quick detection, 5,000 torrents",
        "",
        "| figure | value | target | baseline | ratio |",
        "|---|---|---|---|---|",
        `| provider requests | ${requests} | 1 (${check(requests === 1)}) | 1 list request per 5,000 torrents | ${(requests / 1).toFixed(2)} |`,
        `| candidates found | ${found} | every failed torrent: ${failing} (${check(found === failing)}) | | |`,
        `| wall time (CLI process) | ${r.ms.toFixed(0)} ms | | | |`,
        `| exit code | ${r.code} | 0 | | |`,
        "",
      );
    }

    // 2. Re-injecting 100 dead torrents at 250/min, scaled 10x: 250 per 6 s, polls every 200 ms.
    {
      const limit = 250;
      const windowMs = 6000;
      const total = 100;
      await using fake = await startFakeDebrid({
        library: { size: total, seed: 7, mix: ALL_DOWNLOADED },
        rateLimit: limit,
        rateWindowMs: windowMs,
      });
      const dead = [...fake.state.library.torrents.values()];
      for (const t of dead) t.status = "dead";
      const e = env(join(work, "reinject"), fake.rdApiUrl, {
        DRY_RUN: "false",
        RD_RATE_LIMIT: String(limit),
        RD_RATE_WINDOW_MS: String(windowMs),
        REPAIR_RUN_LIMIT: String(total),
        REPAIR_POLL_INTERVAL_MS: "200",
      });
      const scan = await runMeasured(["bun", CLI, "repair", "scan"], e);
      if (scan.code !== 0) throw new Error(`scan failed: ${scan.stderr}`);
      // The scan's list request leaves the window before the run starts.
      await Bun.sleep(windowMs + 100);
      fake.resetStats();
      const r = await runMeasured(["bun", CLI, "repair", "run"], e);
      const stats = fake.stats;
      const adds = stats.byRoute["POST /rest/1.0/torrents/addMagnet"] ?? 0;
      const deletes = stats.byRoute["DELETE /rest/1.0/torrents/delete/:id"] ?? 0;
      const repairedOnce = dead.filter((t) => {
        const same = [...fake.state.library.torrents.values()].filter((x) => x.hash === t.hash);
        return same.length === 1 && same[0]?.id !== t.id && !fake.state.library.torrents.has(t.id);
      }).length;
      const reported = Number(/(\d+) repaired/.exec(r.stdout)?.[1] ?? 0);
      const windows = fullWindows(stats.arrivals, windowMs);
      const perWindow = windows.length ? windows.reduce((a, b) => a + b, 0) / windows.length : Number.NaN;
      const minWindow = windows.length ? Math.min(...windows) : Number.NaN;
      const refused = stats.rateLimited / Math.max(1, stats.requests);
      const span = (stats.arrivals.at(-1) ?? 0) - (stats.arrivals[0] ?? 0);
      const allowedPerMin = (limit * 60_000) / windowMs;
      lines.push(
        `### Re-injecting ${total} dead torrents at 250/min (scaled 10x: ${limit} requests per ${windowMs / 1000} s)`,
        "",
        "Time is scaled down ten-fold (window 6 s instead of 60 s, status polls every 200 ms instead of 2 s) with the",
        "same request budget per window; default concurrency (REPAIR_CONCURRENCY=2). Each re-injection is: read the old",
        "torrent, addMagnet, poll to waiting_files_selection, selectFiles, poll to queued, delete the old one.",
        "",
        "| figure | value | target | baseline | ratio |",
        "|---|---|---|---|---|",
        `| torrents handled exactly once | ${repairedOnce}/${total} (CLI: ${reported} repaired; ${adds} addMagnet, ${deletes} deletes) | ${total}/${total} (${check(repairedOnce === total && adds === total && deletes === total)}) | | |`,
        `| provider requests | ${stats.requests} (${(stats.requests / total).toFixed(1)} per torrent) | | | |`,
        `| requests per full ${windowMs / 1000} s window | ${perWindow.toFixed(1)} average, ${minWindow} lowest, over ${windows.length} full windows (${windows.join(", ")}) | ≥ 95% of allowed (${check(minWindow >= 0.95 * limit)}) | ${limit} allowed per window | ${pct(perWindow / limit)} (lowest ${pct(minWindow / limit)}) |`,
        `| refused (429) | ${stats.rateLimited} of ${stats.requests} | < 1% (${check(refused < 0.01)}) | 0 | ${pct(refused)} |`,
        `| whole run | ${stats.requests} requests in ${(span / 1000).toFixed(1)} s = ${((stats.requests / span) * 60_000).toFixed(0)}/min equivalent, first window's burst included | | ${allowedPerMin}/min allowed at this scale | ${pct((stats.requests / span) * (60_000 / allowedPerMin))} |`,
        `| wall time (CLI process) | ${(r.ms / 1000).toFixed(1)} s, exit code ${r.code} | 0 | | |`,
        "",
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  lines.push(
    `_Run ${new Date().toISOString()} on ${process.platform} ${process.arch}, ${navigator.hardwareConcurrency} cores, Bun ${Bun.version}._`,
  );
  return lines.join("\n");
}

if (import.meta.main) console.log(await run());
