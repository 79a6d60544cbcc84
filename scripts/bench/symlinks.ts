/**
 * `bun run bench symlinks`: the symlink checker through the real CLI (a child process per scan,
 * so its peak RSS is measured alone).
 * - Phase 1 on 100,000 symlinks (half valid, the rest broken / empty / unreadable), against
 *   `find -L <root> -type l` on the same tree in the same run (alternated, medians of 3).
 * - Phase 2 (ffprobe) throughput for 1..cores workers, 1 worker as the baseline.
 * - A hanging probe: the same full scan with and without one file whose probe never answers.
 */
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { mb, percentile, runMeasured } from "./lib/process.ts";

const ROOT = join(import.meta.dir, "..", "..");
const CLI = join(ROOT, "src", "cli", "index.ts");
const LINKS = 100_000;
/** Phase-1 rounds: find then each checker variant back to back, ratios taken within a round. */
const ROUNDS = 5;
/** Phase-2 and hang rounds (each probes dozens of files). */
const P2_ROUNDS = 3;

function buildPhase1Tree(base: string) {
  const source = join(base, "source");
  const media = join(base, "media");
  const data = Buffer.alloc(4096, 7);
  for (let i = 0; i < LINKS; i++) {
    // 10 files per "torrent" folder in the mount, 100 episodes per season folder in the library.
    const torrent = join(source, `t${Math.floor(i / 10)}`);
    if (i % 10 === 0) mkdirSync(torrent, { recursive: true });
    const season = join(media, `show${Math.floor(i / 1000)}`, `season${Math.floor(i / 100) % 10}`);
    if (i % 100 === 0) mkdirSync(season, { recursive: true });
    const target = join(torrent, `f${i}.mkv`);
    const kind = i % 2 === 0 ? "valid" : (["broken", "empty", "unreadable"][Math.floor(i / 2) % 3] as string);
    if (kind === "valid") writeFileSync(target, data);
    else if (kind === "empty") writeFileSync(target, "");
    else if (kind === "unreadable") {
      writeFileSync(target, data);
      chmodSync(target, 0o000);
    }
    symlinkSync(target, join(season, `e${i}.mkv`));
  }
  return media;
}

function scanEnv(dataDir: string, mediaRoot: string, extra: Record<string, string> = {}) {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATA_DIR: dataDir,
    MEDIA_ROOT: mediaRoot,
    LOG_LEVEL: "silent",
    SYMLINK_HISTORY_KEEP: "1",
    ...extra,
  };
}

async function scan(dataDir: string, mediaRoot: string, args: string[], extra: Record<string, string> = {}) {
  const result = await runMeasured(
    ["bun", CLI, "symlinks", "scan", "--json", ...args],
    scanEnv(dataDir, mediaRoot, extra),
  );
  if (result.code !== 0) throw new Error(`scan failed (${result.code}): ${result.stderr}${result.stdout}`);
  const final = JSON.parse(result.stdout) as {
    elapsedMs: number;
    done: number;
    problems: number;
    phase2Done: number;
    counts: Record<string, number>;
  };
  return { ...result, final };
}

async function timeFind(root: string): Promise<number> {
  const started = performance.now();
  const proc = Bun.spawn(["find", "-L", root, "-type", "l"], { stdout: "ignore", stderr: "ignore" });
  await proc.exited;
  return performance.now() - started;
}

const ms = (x: number) => `${Math.round(x)} ms`;
const median = (xs: number[]) => percentile(xs, 50);

export async function run(): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), "redriva-bench-symlinks-"));
  const cores = cpus().length;
  const lines: string[] = [
    "## Symlinks",
    "",
    "Command: `bun run bench symlinks` (scripts/bench/symlinks.ts). Every scan runs the real CLI",
    "(`redriva symlinks scan --json`) in a child process; its peak RSS (VmHWM) covers the worker threads.",
    `Run ${new Date().toISOString()}, ${cores} cores, Bun ${Bun.version}.`,
    "",
  ];
  try {
    // ---- phase 1 ----------------------------------------------------------------------------
    console.error(`building ${LINKS} symlinks...`);
    const media = buildPhase1Tree(join(work, "p1"));
    const dataDir = join(work, "data");
    await timeFind(media); // warm the dentry/inode caches for both contenders
    const find: number[] = [];
    const byWorkers = new Map<
      number,
      { phase1: number[]; ratios: number[]; wall: number[]; rss: number[]; problems: number }
    >();
    const workerCounts = [...new Set([6, cores])];
    for (let round = 0; round < ROUNDS; round++) {
      find.push(await timeFind(media));
      for (const workers of workerCounts) {
        const r = await scan(dataDir, media, [], { SYMLINK_WORKERS: String(workers) });
        if (r.final.done !== LINKS) throw new Error(`phase 1 checked ${r.final.done} of ${LINKS}`);
        const entry = byWorkers.get(workers) ?? {
          phase1: [],
          ratios: [],
          wall: [],
          rss: [],
          problems: r.final.problems,
        };
        entry.phase1.push(r.final.elapsedMs);
        entry.ratios.push(r.final.elapsedMs / (find.at(-1) as number));
        entry.wall.push(r.ms);
        entry.rss.push(r.peakRss);
        byWorkers.set(workers, entry);
      }
      console.error(`round ${round + 1}: find ${ms(find.at(-1) as number)}`);
    }
    const findMedian = median(find);
    lines.push(
      `### Phase 1: ${LINKS.toLocaleString("en-US")} symlinks (50% valid, the rest broken / empty / unreadable)`,
      "",
      "Baseline: `find -L <root> -type l` on the same tree, same run (one stat per link; the checker",
      `also opens and reads the first bytes of every valid file). ${ROUNDS} rounds, each running find then the`,
      "checker back to back (the machine is shared: a ratio is taken within a round, then the median of the",
      "rounds is reported). Warm cache.",
      "The tests run as root, so the unreadable third reads fine here: it costs a full open+read like a valid file.",
      "",
      "| contender | phase 1 wall time | ratio to find | whole CLI process | peak RSS | problems found |",
      "|---|---|---|---|---|---|",
      `| \`find -L <root> -type l\` | ${ms(findMedian)} | 1.00× | — | — | — |`,
    );
    for (const [workers, e] of byWorkers) {
      const ratio = median(e.ratios);
      lines.push(
        `| checker, ${workers} workers | ${ms(median(e.phase1))} | ${ratio.toFixed(2)}× ${ratio <= 1.5 ? "(≤ 1.5× target met)" : "(**over the 1.5× target**)"} | ${ms(median(e.wall))} | ${mb(Math.max(...e.rss))} ${Math.max(...e.rss) < 150 * 1024 * 1024 ? "(< 150 MB)" : "(**over 150 MB**)"} | ${e.problems.toLocaleString("en-US")} |`,
      );
    }
    lines.push(
      "",
      "Phase 1 wall time = the scan's own duration (worker start, folder listing, checks, problems saved to",
      "SQLite); the whole CLI process adds Bun start-up, migrations and the HTML report.",
      `Rounds (ms): find ${find.map(Math.round).join(", ")}; ${[...byWorkers].map(([w, e]) => `${w} workers ${e.phase1.map(Math.round).join(", ")} (ratios ${e.ratios.map((x) => x.toFixed(2)).join(", ")})`).join("; ")}.`,
      "",
    );
    rmSync(join(work, "p1"), { recursive: true, force: true });

    // ---- phase 2 ----------------------------------------------------------------------------
    console.error("phase 2...");
    const p2 = join(work, "p2");
    const p2media = join(p2, "media");
    const p2source = join(p2, "source");
    mkdirSync(p2media, { recursive: true });
    mkdirSync(p2source, { recursive: true });
    const sample = join(p2, "sample.mkv");
    const made = Bun.spawnSync([
      "ffmpeg",
      "-v",
      "error",
      "-y",
      "-f",
      "lavfi",
      "-i",
      "testsrc=size=320x240:rate=25",
      "-t",
      "20",
      "-c:v",
      "libx264",
      "-preset",
      "ultrafast",
      sample,
    ]);
    if (made.exitCode !== 0) throw new Error(`ffmpeg: ${made.stderr}`);
    const FILES = 48;
    for (let i = 0; i < FILES; i++) {
      copyFileSync(sample, join(p2source, `m${i}.mkv`));
      symlinkSync(join(p2source, `m${i}.mkv`), join(p2media, `m${i}.mkv`));
    }
    const throughput: Array<{ workers: number; filesPerSec: number; ms: number }> = [];
    for (let workers = 1; workers <= cores; workers++) {
      const runs: number[] = [];
      for (let round = 0; round < P2_ROUNDS; round++) {
        const r = await scan(dataDir, p2media, ["--full"], { SYMLINK_WORKERS: String(workers) });
        if (r.final.phase2Done !== FILES) throw new Error(`phase 2 probed ${r.final.phase2Done} of ${FILES}`);
        runs.push(r.final.elapsedMs);
      }
      const t = median(runs);
      throughput.push({ workers, ms: t, filesPerSec: (FILES / t) * 1000 });
    }
    const base = throughput[0]?.filesPerSec ?? 1;
    lines.push(
      `### Phase 2: ffprobe throughput by worker count (${FILES} files, 20 s H.264 Matroska each)`,
      "",
      "Baseline: 1 worker, same run. Each probe reads the header and seeks to the end (truncation check).",
      "",
      "| workers | full scan | files/s | speed-up vs 1 worker |",
      "|---|---|---|---|",
      ...throughput.map(
        (t) =>
          `| ${t.workers} | ${ms(t.ms)} | ${t.filesPerSec.toFixed(1)} | ${(t.filesPerSec / base).toFixed(2)}× |`,
      ),
      "",
    );

    // ---- a hanging probe ----------------------------------------------------------------------
    console.error("hanging probe...");
    const wrapper = join(p2, "ffprobe-maybe-hang.sh");
    // Stands in for a probe stuck on a dead mount: files named *hang* never get an answer.
    writeFileSync(wrapper, `#!/bin/sh\ncase "$*" in *hang*) sleep 600 ;; esac\nexec ffprobe "$@"\n`);
    chmodSync(wrapper, 0o755);
    const timeoutMs = 2000;
    const hangEnv = {
      SYMLINK_WORKERS: String(cores),
      SYMLINK_FFPROBE_TIMEOUT_MS: String(timeoutMs),
      FFPROBE_PATH: wrapper,
    };
    const withoutRuns: number[] = [];
    for (let i = 0; i < ROUNDS; i++)
      withoutRuns.push((await scan(dataDir, p2media, ["--full"], hangEnv)).final.elapsedMs);
    const without = median(withoutRuns);
    copyFileSync(sample, join(p2source, "hang.mkv"));
    symlinkSync(join(p2source, "hang.mkv"), join(p2media, "hang.mkv"));
    const withHang: number[] = [];
    let timeouts = 0;
    for (let i = 0; i < P2_ROUNDS; i++) {
      const r = await scan(dataDir, p2media, ["--full"], hangEnv);
      withHang.push(r.final.elapsedMs);
      timeouts = r.final.counts.timeout ?? 0;
    }
    const cost = median(withHang) - without;
    lines.push(
      `### A hanging probe (timeout ${ms(timeoutMs)}, ${cores} workers)`,
      "",
      "Baseline: the same full scan without the hanging file, same run.",
      "",
      "| scan | full scan (median) | timeouts |",
      "|---|---|---|",
      `| ${FILES} files | ${ms(without)} | 0 |`,
      `| ${FILES} files + 1 that never answers | ${ms(median(withHang))} | ${timeouts} |`,
      "",
      `Cost of the hanging file: ${ms(cost)} (${(cost / timeoutMs).toFixed(2)}× its timeout; ${cost <= timeoutMs ? "no more than the timeout" : "**more than the timeout**"}); the stuck process group is killed with SIGKILL.`,
    );
    return lines.join("\n");
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
