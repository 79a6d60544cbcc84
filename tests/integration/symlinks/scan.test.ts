import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { getScan } from "../../../src/db/repo/symlinks.ts";
import { symlinkJobAvailability } from "../../../src/jobs/definitions/symlinks.ts";
import {
  cancelScan,
  getScanProgress,
  listScanHistory,
  listScanProblems,
  rerunScan,
  runScan,
  runSymlinkCheck,
  saveSymlinkSettings,
  startScan,
} from "../../../src/services/symlinks/index.ts";
import { processAlive, waitUntil, writeHangingFfprobe } from "../../helpers/hanging-ffprobe.ts";
import { htmlProblems } from "../../helpers/html-check.ts";
import { pathsOf, RUNNING_AS_ROOT, startSymlinkEnv } from "./helpers.ts";
import { snapshotTree } from "./media-tree.ts";

describe("symlink scan (service, real files, real ffprobe)", () => {
  test("a full dry-run finds exactly the planted problems and changes nothing", async () => {
    await using env = await startSymlinkEnv();
    const { tree, deps } = env;
    const before = snapshotTree(tree.base);
    const result = await runScan(deps, { depth: "full" });
    expect(result.status).toBe("completed");
    expect(snapshotTree(tree.base)).toEqual(before);

    const { problems, byType } = listScanProblems(deps, result.scanId, { limit: 1000 });
    const of = (type: string) => pathsOf(problems.filter((p) => p.type === type));
    expect(of("broken")).toEqual([...tree.expected.broken].sort());
    expect(of("empty")).toEqual([...tree.expected.empty].sort());
    expect(of("corrupt")).toEqual([...tree.expected.corrupt].sort());
    expect(of("inaccessible")).toEqual(RUNNING_AS_ROOT ? [] : tree.expected.inaccessible);
    expect(byType.io_error).toBeUndefined();
    // 13 links + 1 plain media file; notes.txt is not media, the folder link is skipped.
    expect(result.total).toBe(14);
    expect(result.counts.skipped).toBe(1); // the link to a folder
    expect(result.counts.broken).toBe(4);
    expect(result.phase2Total).toBe(result.counts.ok);
    expect(result.phase2EstimateMs).toBeGreaterThan(0);
    const link = problems.find((p) => p.path === "tv/Show One/Season 1/S01E02.mkv");
    expect(link).toMatchObject({
      kind: "symlink",
      target: `${tree.source}/gone.mkv`,
      detail: "target missing",
    });

    // The static report: self-contained, no script, hostile names escaped.
    expect(result.reportPath).toBe(`${deps.dataDir}/reports/symlinks/scan-${result.scanId}.html`);
    const report = readFileSync(result.reportPath as string, "utf8");
    expect(htmlProblems(report)).toEqual([]);
    expect(report).toContain("&lt;img src=x onerror=alert(1)&gt;.mkv");
    expect(report).not.toContain("<img src=x");
    expect(report).toContain("Cut Movie.mp4");
  });

  test("basic mode skips ffprobe; folders limit the scan; the row records it all", async () => {
    await using env = await startSymlinkEnv();
    const result = await runScan(env.deps, { paths: ["tv/Show One", "tv"], depth: "basic" });
    expect(result.paths).toEqual(["tv"]);
    expect(result.phase2Total).toBe(0);
    const { problems } = listScanProblems(env.deps, result.scanId);
    expect(pathsOf(problems)).toEqual(
      [
        "tv/Show One/Season 1/S01E02.mkv",
        "tv/Show One/Season 1/S01E03.mkv",
        "tv/Show Two/<img src=x onerror=alert(1)>.mkv",
        "tv/Show Two/S01E01.mkv",
        "tv/Show Two/subs.srt",
        ...(RUNNING_AS_ROOT ? [] : ["tv/Show Two/S01E02.mkv"]),
      ].sort(),
    );
    const row = getScan(env.deps.dbh.db, result.scanId);
    expect(row).toMatchObject({
      mode: "dry-run",
      depth: "basic",
      status: "completed",
      phase1_broken: 3,
      phase1_empty: 2,
    });
    expect(JSON.parse(row?.paths ?? "")).toEqual(["tv"]);
    expect(row?.duration_ms).toBeGreaterThanOrEqual(0);
  });

  test("a big flat folder is split across the workers and counted exactly", async () => {
    await using env = await startSymlinkEnv({ SYMLINK_WORKERS: "3" });
    const flat = join(env.tree.media, "flat");
    mkdirSync(flat);
    // 1,000 entries in one folder (above the per-worker batch): every third link is broken.
    for (let i = 0; i < 1000; i++) {
      const target =
        i % 3 === 0 ? join(env.tree.source, `missing-${i}.mkv`) : join(env.tree.source, "ok.mkv");
      symlinkSync(target, join(flat, `e${String(i).padStart(4, "0")}.mkv`));
    }
    const result = await runScan(env.deps, { paths: ["flat"] });
    expect(result).toMatchObject({ total: 1000, done: 1000, status: "completed" });
    expect(result.counts).toMatchObject({ ok: 666, broken: 334 });
    const { problems, total } = listScanProblems(env.deps, result.scanId, { limit: 5000 });
    expect(total).toBe(334);
    expect(new Set(problems.map((p) => p.path)).size).toBe(334);
    expect(problems.every((p) => p.path.startsWith("flat/e") && p.target?.includes("missing-"))).toBe(true);
  });

  test("a hanging ffprobe costs its timeout, then the scan goes on", async () => {
    await using env = await startSymlinkEnv();
    const hang = writeHangingFfprobe(env.tree.base);
    const deps = {
      ...env.deps,
      config: { ...env.deps.config, symlinks: { ...env.deps.config.symlinks, ffprobePath: hang.path } },
    };
    saveSymlinkSettings(deps, { ffprobeTimeoutMs: 500, workers: 8 });
    const started = Date.now();
    const result = await runScan(deps, { depth: "full" });
    const elapsed = Date.now() - started;
    expect(result.status).toBe("completed");
    expect(result.counts.timeout).toBe(result.phase2Total);
    expect(result.phase2Total).toBeGreaterThan(0);
    // 8 workers for at most 9 probes: about one timeout, never one per file.
    expect(elapsed).toBeLessThan(500 * 3 + 2000);
    await waitUntil(() => hang.pids().every((pid) => !processAlive(pid)), 3000, "hung probes killed");
  });

  test("cancel mid-scan stops within a second, keeps what was seen, kills the probes", async () => {
    await using env = await startSymlinkEnv();
    const hang = writeHangingFfprobe(env.tree.base);
    const deps = {
      ...env.deps,
      config: { ...env.deps.config, symlinks: { ...env.deps.config.symlinks, ffprobePath: hang.path } },
    };
    saveSymlinkSettings(deps, { ffprobeTimeoutMs: 60_000 });
    const { scanId, done } = startScan(deps, { depth: "full" });
    await waitUntil(
      () => getScanProgress(deps, scanId).phase === "phase2" && hang.pids().length >= 2,
      10_000,
      "phase 2",
    );
    // One scan at a time.
    expect(() => startScan(deps, {})).toThrow(`scan #${scanId} is already running`);
    const t0 = Date.now();
    cancelScan(deps, scanId);
    const final = await done;
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(final.status).toBe("cancelled");
    expect(final.counts.broken).toBe(4);
    expect(getScan(deps.dbh.db, scanId)).toMatchObject({ status: "cancelled", phase1_broken: 4 });
    expect(listScanProblems(deps, scanId).total).toBe(final.problems);
    await waitUntil(() => hang.pids().every((pid) => !processAlive(pid)), 3000, "probes killed");
    expect(() => cancelScan(deps, scanId)).toThrow("not running");
  });

  test("history keeps the last N, deletes older reports, runs again with the same settings", async () => {
    await using env = await startSymlinkEnv({ SYMLINK_HISTORY_KEEP: "2" });
    const first = await runScan(env.deps, { paths: ["movies"] });
    const second = await runScan(env.deps, { paths: ["tv"], depth: "basic" });
    expect(existsSync(first.reportPath as string)).toBe(true);
    const again = await rerunScan(env.deps, second.scanId).done;
    expect(again).toMatchObject({ paths: ["tv"], mode: "dry-run", depth: "basic", status: "completed" });
    expect(listScanHistory(env.deps).map((s) => s.scanId)).toEqual([again.scanId, second.scanId]);
    expect(existsSync(first.reportPath as string)).toBe(false);
    expect(() => getScanProgress(env.deps, first.scanId)).toThrow("not found");
  });

  test("a scan left running by a dead process shows as interrupted; a missing ffprobe fails the scan", async () => {
    await using env = await startSymlinkEnv({ FFPROBE_PATH: "/nonexistent/ffprobe" });
    const { deps } = env;
    deps.dbh.sqlite.run(
      "INSERT INTO symlink_scans (started_at, mode, depth, root, status, pid) VALUES (?, 'dry-run', 'basic', '/x', 'running', 999999999)",
      [Date.now()],
    );
    expect(listScanHistory(deps)[0]).toMatchObject({ status: "interrupted" });
    const failed = await runScan(deps, { depth: "full" });
    expect(failed.status).toBe("failed");
    expect(failed.error).toContain("ffprobe could not run");
    await expect(runSymlinkCheck(deps, { depth: "full" })).rejects.toThrow("failed");
  });

  test("runSymlinkCheck (the job's entry point) runs a dry-run and returns counts and the report", async () => {
    await using env = await startSymlinkEnv();
    const lines: string[] = [];
    const before = snapshotTree(env.tree.base);
    const result = await runSymlinkCheck(env.deps, { onLog: (line) => lines.push(line) });
    expect(result).toMatchObject({ status: "completed", checked: 14, problems: RUNNING_AS_ROOT ? 6 : 7 });
    expect(result.counts.broken).toBe(4);
    expect(existsSync(result.reportPath as string)).toBe(true);
    expect(lines.at(-1)).toContain(`scan #${result.scanId} completed`);
    expect(snapshotTree(env.tree.base)).toEqual(before);
    expect(symlinkJobAvailability(env.deps)).toBeNull();
    const controller = new AbortController();
    controller.abort();
    await expect(runSymlinkCheck(env.deps, { signal: controller.signal })).rejects.toThrow("cancelled");
  });
});
