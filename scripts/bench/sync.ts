/**
 * `bun run bench sync`: the library sync against the fake Real-Debrid on loopback.
 * Each figure stands beside its baseline (the API's own limit, or the bare runtime).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeDebrid } from "../../src/fake-debrid/index.ts";
import { mb, percentile, runMeasured } from "./lib/process.ts";
import { seedLibraryDb } from "./lib/seed-library.ts";
import { providerRows } from "./sync-providers.ts";

const ROOT = join(import.meta.dir, "..", "..");
const CLI = join(ROOT, "src", "cli", "index.ts");

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

function redriva(args: string[], e: Record<string, string | undefined>) {
  return runMeasured(["bun", CLI, ...args], e);
}

function check(ok: boolean) {
  return ok ? "yes" : "**NO**";
}

/** Requests per full window, from arrival times: never flattered by the initial burst. */
function windowedRate(arrivals: number[], windowMs: number): { perWindow: number; windows: number } {
  const first = arrivals[0] ?? 0;
  const last = arrivals.at(-1) ?? 0;
  const windows = Math.floor((last - first) / windowMs);
  if (windows < 1) return { perWindow: arrivals.length, windows: 0 };
  const end = first + windows * windowMs;
  const inside = arrivals.filter((t) => t < end).length;
  return { perWindow: inside / windows, windows };
}

/** Full sync of 2,000 torrents at the scaled limit with 0%, 1% and 2% injected 429s, rounds interleaved. */
async function fullSyncUnder429s(work: string): Promise<string[]> {
  const size = 2000;
  const limit = 250;
  const windowMs = 3000;
  const rates = [0, 0.01, 0.02];
  const rounds = 3;
  const loadStart = loadavg()[0] ?? 0;
  const runs = new Map<number, Array<{ ms: number; missing: number; code: number; refused: number }>>();
  for (let round = 0; round < rounds; round++) {
    for (const rate of rates) {
      await using fake = await startFakeDebrid({
        library: { size, seed: 6 },
        rateLimit: limit,
        rateWindowMs: windowMs,
        faults: { rateLimitRate: rate },
        faultSeed: 100 + round,
      });
      const dir = join(work, `faults-${rate}-${round}`);
      const r = await redriva(
        ["sync", "full"],
        env(dir, fake.rdApiUrl, { RD_RATE_LIMIT: String(limit), RD_RATE_WINDOW_MS: String(windowMs) }),
      );
      const fetched = Number(/(\d[\d,]*) fetched of/.exec(r.stdout)?.[1]?.replace(/,/g, "") ?? 0);
      const list = runs.get(rate) ?? [];
      list.push({
        ms: r.ms,
        missing: size - fetched,
        code: r.code,
        refused: fake.stats.injected.rateLimited,
      });
      runs.set(rate, list);
    }
  }
  const median = (rate: number) =>
    percentile(
      (runs.get(rate) ?? []).map((r) => r.ms),
      50,
    );
  const base = median(0);
  const baseTimes = (runs.get(0) ?? []).map((r) => r.ms);
  const noise = (Math.max(...baseTimes) - Math.min(...baseTimes)) / base;
  const minimum = ((size + 1) / limit) * windowMs;
  const out = [
    `### \`sync full\` under sporadic 429s, ${size.toLocaleString("en")} torrents, same scaled limit (250 per 3 s)`,
    "",
    "The fake refuses a share of requests with 429 while the client is under the limit (another app on the",
    "same token, a provider hiccup); refused requests count against the window, as at Real-Debrid. Each row",
    `is the median of ${rounds} rounds, run interleaved with the no-fault baseline. Noise floor (spread of the`,
    `baseline rounds): ${(noise * 100).toFixed(1)}%.`,
    "",
    "| injected 429s | wall time (median) | 429s injected per run | torrents missing (worst run) | exit codes | baseline (no fault) | ratio | target ≤ 1.2× |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const rate of rates) {
    const list = runs.get(rate) ?? [];
    const ms = median(rate);
    const missing = Math.max(...list.map((r) => r.missing));
    const refused = list.map((r) => r.refused).join(", ");
    const codes = list.map((r) => r.code).join(", ");
    const ratio = ms / base;
    out.push(
      `| ${rate === 0 ? "none" : `${rate * 100}%`} | ${(ms / 1000).toFixed(1)} s | ${refused} | ${missing} (${check(missing === 0)}) | ${codes} | ${(base / 1000).toFixed(1)} s | ${ratio.toFixed(2)}× | ${rate === 0 ? "" : check(ratio <= 1.2)} |`,
    );
  }
  out.push(
    "",
    `Minimum at the limit: ${(minimum / 1000).toFixed(1)} s (no-fault median / minimum: ${(base / minimum).toFixed(2)}).`,
    `Measured ${new Date().toISOString()}; load average at the start ${loadStart.toFixed(1)}, at the end ${loadavg()[0]?.toFixed(1)} (${navigator.hardwareConcurrency} cores).`,
    "",
  );
  return out;
}

const FAULTS_TITLE = "### `sync full` under sporadic 429s";

/** The sync section of BENCHMARKS.md as it stands, for the runs that re-measure part of it. */
function currentSyncSection(): string {
  const file = join(ROOT, "BENCHMARKS.md");
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  const start = text.indexOf("<!-- bench:sync:start -->");
  const end = text.indexOf("<!-- bench:sync:end -->");
  if (start < 0 || end < start) throw new Error("no sync section in BENCHMARKS.md: run `bun run bench sync`");
  return text.slice(start + "<!-- bench:sync:start -->".length, end).trim();
}

/**
 * `bun run bench sync --faults-only`: measures only the 429 rows and puts them into the sync
 * section as it stands, the other rows keeping their own run.
 */
async function faultRowsOnly(work: string): Promise<string> {
  const section = currentSyncSection();
  const rows = (await fullSyncUnder429s(work)).join("\n");
  const at = section.indexOf(FAULTS_TITLE);
  if (at >= 0) {
    const next = section.indexOf("\n### ", at + 1);
    return `${section.slice(0, at)}${rows}${next >= 0 ? section.slice(next + 1) : ""}`;
  }
  const smart = section.indexOf("### `sync smart`");
  return smart >= 0 ? `${section.slice(0, smart)}${rows}\n${section.slice(smart)}` : `${section}\n\n${rows}`;
}

/**
 * Seeding leaves ~230 MB of dirty pages for the kernel to write back and a large heap in this
 * process: both would compete with the timed runs for the two cores. Flush and collect first.
 */
function settleAfterSeeding(): void {
  Bun.spawnSync(["sync"]);
  Bun.gc(true);
}

/** `stats --compact` on a 100,000-torrent database, whole process. */
async function statsCompactRows(work: string): Promise<string[]> {
  const dir = join(work, "stats");
  seedLibraryDb(join(dir, "redriva.db"), 100_000);
  const e = env(dir, "http://127.0.0.1:9/rest/1.0");
  settleAfterSeeding();
  const times: number[] = [];
  const floor: number[] = [];
  let output = "";
  for (let i = 0; i < 11; i++) {
    const r = await redriva(["stats", "--compact"], e);
    output = r.stdout.trim();
    if (i > 0) times.push(r.ms);
    const f = await runMeasured(["bun", "-e", "0"], e);
    if (i > 0) floor.push(f.ms);
  }
  const median = percentile(times, 50);
  const max = Math.max(...times);
  const base = percentile(floor, 50);
  return [
    "### `stats --compact`, 100,000 torrents (with details and files), whole process",
    "",
    `Output: \`${output}\``,
    "",
    "After one untimed run (the first after seeding reads the file cold); each timed run is followed by",
    "one `bun -e 0`, so the slowest baseline shows how much the machine itself made one run slower.",
    "",
    "| figure | value | target | baseline (`bun -e 0`, empty process) | ratio |",
    "|---|---|---|---|---|",
    `| median of 10 runs | ${median.toFixed(0)} ms | < 150 ms (${check(median < 150)}) | ${base.toFixed(0)} ms | ${(median / base).toFixed(2)} |`,
    `| slowest of 10 runs | ${max.toFixed(0)} ms | < 150 ms (${check(max < 150)}) | ${Math.max(...floor).toFixed(0)} ms | |`,
    "",
    `Noise floor: the empty process's slowest run took ${(Math.max(...floor) - base).toFixed(0)} ms more than its median in the same minutes.`,
    "",
  ];
}

/** Peak memory of `sync torrents` on 100,000. */
async function syncPeakMemoryRows(work: string): Promise<string[]> {
  await using fake = await startFakeDebrid({ library: { size: 100_000, seed: 5 } });
  const dir = join(work, "memory");
  const r = await redriva(["sync", "torrents"], env(dir, fake.rdApiUrl));
  // The baseline process stays up long enough for its memory to be sampled.
  const idle = await runMeasured(["bun", "-e", "await Bun.sleep(300)"], process.env);
  return [
    "### Peak memory of `sync torrents`, 100,000 torrents",
    "",
    "| figure | value | target | baseline (`bun -e 0`) | ratio |",
    "|---|---|---|---|---|",
    `| peak RSS (VmHWM) | ${mb(r.peakRss)} | < 150 MB (${check(r.peakRss < 150 * 1024 * 1024)}) | ${mb(idle.peakRss)} | ${(r.peakRss / idle.peakRss).toFixed(2)} |`,
    `| wall time | ${(r.ms / 1000).toFixed(1)} s | | | |`,
    `| list requests | ${fake.stats.byRoute["GET /rest/1.0/torrents"] ?? 0} | 20 | | |`,
    `| exit code | ${r.code} | 0 | | |`,
    "",
  ];
}

async function localRows(work: string): Promise<string[]> {
  return [...(await statsCompactRows(work)), ...(await syncPeakMemoryRows(work))];
}

const LOCAL_TITLE = "### `stats --compact`";

/**
 * `bun run bench sync --local-only`: re-measures only the CPU- and memory-bound rows (stats
 * --compact, peak memory), which need no fake at its real rate limit, and puts them into the
 * sync section as it stands; the rate-limited rows keep their own (long) run.
 */
async function localRowsOnly(work: string): Promise<string> {
  const section = currentSyncSection();
  const at = section.indexOf(LOCAL_TITLE);
  const measured = section.lastIndexOf("\nMeasured ");
  const head =
    at >= 0 ? section.slice(0, at) : `${section.slice(0, measured >= 0 ? measured : undefined)}\n\n`;
  const tail = measured >= 0 ? section.slice(measured + 1).split("\n")[0] : "";
  const rows = (await localRows(work)).join("\n");
  return `${head}${rows}\n${tail}\nThe \`stats --compact\` and peak-memory rows: measured ${new Date().toISOString()} (\`bun run bench sync --local-only\`).`;
}

export async function run(): Promise<string> {
  if (process.argv.includes("--local-only")) {
    const work = mkdtempSync(join(tmpdir(), "redriva-bench-sync-"));
    try {
      return await localRowsOnly(work);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  if (process.argv.includes("--faults-only")) {
    const work = mkdtempSync(join(tmpdir(), "redriva-bench-sync-"));
    try {
      return await faultRowsOnly(work);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  const work = mkdtempSync(join(tmpdir(), "redriva-bench-sync-"));
  const lines: string[] = [
    "## Library sync",
    "",
    "Command: `bun run bench sync` (scripts/bench/sync.ts), fake Real-Debrid on 127.0.0.1.",
    "",
  ];
  try {
    // 1. sync torrents on 5,000: list requests.
    {
      await using fake = await startFakeDebrid({ library: { size: 5000, seed: 1 } });
      const dir = join(work, "torrents");
      const r = await redriva(["sync", "torrents"], env(dir, fake.rdApiUrl));
      const listRequests = fake.stats.byRoute["GET /rest/1.0/torrents"] ?? 0;
      lines.push(
        "### `sync torrents`, 5,000 torrents",
        "",
        "| figure | value | target | baseline (one request per 100-torrent default page) | ratio |",
        "|---|---|---|---|---|",
        `| list requests | ${listRequests} | ≤ 2 (${check(listRequests <= 2)}) | 50 | ${(listRequests / 50).toFixed(2)} |`,
        `| wall time | ${r.ms.toFixed(0)} ms | | | |`,
        `| exit code | ${r.code} | 0 | | |`,
        "",
      );
    }

    // 2. sync full on 5,000 under a scaled limit: 250 per 3 s (x20 of 250/min), same proportions.
    {
      const limit = 250;
      const windowMs = 3000;
      await using fake = await startFakeDebrid({
        library: { size: 5000, seed: 2 },
        rateLimit: limit,
        rateWindowMs: windowMs,
      });
      const dir = join(work, "full");
      const r = await redriva(
        ["sync", "full"],
        env(dir, fake.rdApiUrl, { RD_RATE_LIMIT: String(limit), RD_RATE_WINDOW_MS: String(windowMs) }),
      );
      const total = fake.stats.requests;
      const refused = fake.stats.rateLimited;
      const { perWindow, windows } = windowedRate(fake.stats.arrivals, windowMs);
      const ratio = perWindow / limit;
      const missing = 5000 - Number(/(\d[\d,]*) fetched of/.exec(r.stdout)?.[1]?.replace(/,/g, "") ?? 0);
      lines.push(
        "### `sync full`, 5,000 torrents, rate limit scaled ×20 (250 per 3 s instead of 250 per 60 s)",
        "",
        "The limit and the window are scaled together so the run takes a minute instead of twenty; the fake",
        "counts every request, refused ones included, as Real-Debrid does.",
        "",
        "| figure | value | target | baseline (the API's allowed rate) | ratio |",
        "|---|---|---|---|---|",
        `| achieved rate (over ${windows} full windows) | ${perWindow.toFixed(1)} req / 3 s | ≥ 95% (${check(ratio >= 0.95)}) | 250 req / 3 s | ${(ratio * 100).toFixed(1)}% |`,
        `| requests refused with 429 | ${refused} of ${total} | < 1% (${check(refused / total < 0.01)}) | | ${((refused / total) * 100).toFixed(2)}% |`,
        `| torrents missing | ${missing} | 0 (${check(missing === 0)}) | | |`,
        `| wall time | ${(r.ms / 1000).toFixed(1)} s | | ${(((5001 / limit) * windowMs) / 1000).toFixed(1)} s minimum at the limit | ${(r.ms / ((5001 / limit) * windowMs)).toFixed(2)} |`,
        `| exit code | ${r.code} | 0 | | |`,
        "",
      );
    }

    // 2b. sync full under sporadic 429s (another app sharing the token, a provider hiccup).
    lines.push(...(await fullSyncUnder429s(work)));

    // 3. smart after a day of changes, at the real 250/min.
    {
      await using fake = await startFakeDebrid({
        library: { size: 5000, seed: 3, mix: { downloading: 0.02 } },
        rateLimit: 100_000,
        rateWindowMs: 1000,
      });
      const dir = join(work, "smart");
      const prep = await redriva(
        ["sync", "full"],
        env(dir, fake.rdApiUrl, { RD_RATE_LIMIT: "100000", RD_RATE_WINDOW_MS: "1000" }),
      );
      if (prep.code !== 0) throw new Error(`preparation failed: ${prep.stdout}${prep.stderr}`);
      const changes = fake.state.library.mutate({ added: 50, finished: 40, changed: 60, removed: 10 });
      fake.setRateLimit(250, 60_000);
      fake.resetStats();
      const r = await redriva(["sync", "smart"], env(dir, fake.rdApiUrl));
      const list = fake.stats.byRoute["GET /rest/1.0/torrents"] ?? 0;
      const details = fake.stats.byRoute["GET /rest/1.0/torrents/info/:id"] ?? 0;
      const expected = changes.added.length + changes.finished.length;
      const listTarget = Math.ceil(fake.state.library.torrents.size / 5000);
      lines.push(
        "### `sync smart` after a day of changes, 5,000 torrents, real limit (250 per minute)",
        "",
        `Changes at the provider: ${changes.added.length} added, ${changes.finished.length} finished (downloading → downloaded), ${changes.changed.length} downloaded → dead, ${changes.removed.length} removed.`,
        "",
        "| figure | value | target | baseline (full sync: 1 + 5,000 requests) | ratio |",
        "|---|---|---|---|---|",
        `| list requests | ${list} | ≤ 1 per 5,000 = ${listTarget} (${check(list <= listTarget)}) | ${listTarget} | ${(list / listTarget).toFixed(2)} |`,
        `| details requests | ${details} | ≤ new + newly finished = ${expected} (${check(details <= expected)}) | 5,000 | ${(details / 5000).toFixed(3)} |`,
        `| wall time | ${(r.ms / 1000).toFixed(2)} s | < 15 s (${check(r.ms < 15_000)}) | ≥ 20 min | |`,
        `| 429s | ${fake.stats.rateLimited} | 0 | | |`,
        `| exit code | ${r.code} | 0 | | |`,
        "",
      );
    }

    // 3b. Every provider's fake: list only, full, smart, as a ratio to its API's minimum.
    lines.push(...(await providerRows(work)));

    // 4–5. stats --compact and peak memory on 100,000: CPU and memory bound, no rate limit.
    lines.push(...(await localRows(work)));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  lines.push(`Measured ${new Date().toISOString()}.`);
  return lines.join("\n");
}
