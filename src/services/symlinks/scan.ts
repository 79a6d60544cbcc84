import { z } from "zod";
import {
  getScan,
  insertProblems,
  insertScan,
  lastProbeAverageMs,
  type NewSymlinkProblem,
  updateScan,
} from "../../db/repo/symlinks.ts";
import type { Deps } from "../../deps.ts";
import { AppError, ConflictError, errorMessage, NotFoundError, ValidationError } from "../../errors.ts";
import { deletionPlan } from "./deletion.ts";
import { finalizeScan, getScanProgress, publishProgress } from "./history.ts";
import { realMediaRoot, resolveFolders } from "./paths.ts";
import { BATCH, checkListings, listFolders, type MediaFile } from "./phase1.ts";
import { Phase1Pool } from "./phase1-pool.ts";
import { estimatePhase2Ms, runPhase2 } from "./phase2.ts";
import { emptyCounts, type ScanProgress } from "./progress.ts";
import { type ActiveScan, reconcileRunningScans, registerActiveScan } from "./registry.ts";
import { getSymlinkSettings, type SymlinkSettings } from "./settings.ts";

export const scanInput = z
  .object({
    paths: z.array(z.string().max(4096), { error: "paths: expected a list of folders" }).max(500).default([]),
    mode: z.enum(["dry-run", "real"], { error: "mode: expected dry-run or real" }).default("dry-run"),
    depth: z.enum(["basic", "full"], { error: "depth: expected basic or full" }).default("basic"),
  })
  .strict();

export type ScanRequest = z.input<typeof scanInput>;

/** Problems held in memory before one insert transaction (a few hundred KB). */
const FLUSH_EVERY = 5000;

/**
 * Starts a scan in the background and returns at once. Paths are folders relative to the media
 * root (none = all), each confined to it. One scan at a time: a second start is a 409.
 * `done` resolves with the final progress (completed, awaiting_confirmation, cancelled, failed).
 */
export function startScan(deps: Deps, input: unknown): { scanId: number; done: Promise<ScanProgress> } {
  const parsed = scanInput.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const message =
      issue?.code === "unrecognized_keys"
        ? `unknown field: ${issue.keys.join(", ")}`
        : (issue?.message ?? "invalid");
    throw new ValidationError(message);
  }
  const request = parsed.data;
  const settings = getSymlinkSettings(deps);
  const root = realMediaRoot(settings.mediaRoot);
  const folders = resolveFolders(root, request.paths);
  const running = reconcileRunningScans(deps);
  if (running.length > 0)
    throw new ConflictError(`scan #${running[0]} is already running`, { scanId: running[0] });

  const startedAt = deps.clock.now();
  const paths = folders.map((f) => f.rel).filter((rel) => rel !== "");
  const options = {
    workers: settings.workers,
    ffprobeTimeoutMs: settings.ffprobeTimeoutMs,
    minSizeBytes: settings.minSizeBytes,
  };
  const scanId = insertScan(deps.dbh.db, {
    startedAt,
    mode: request.mode,
    depth: request.depth,
    paths,
    root,
    pid: process.pid,
    options,
  });
  const progress: ScanProgress = {
    scanId,
    status: "running",
    phase: "walk",
    mode: request.mode,
    depth: request.depth,
    paths,
    root,
    startedAt,
    finishedAt: null,
    elapsedMs: 0,
    folders: 0,
    total: 0,
    done: 0,
    phase2Total: 0,
    phase2Done: 0,
    phase2EstimateMs: null,
    rate: 0,
    etaMs: null,
    counts: emptyCounts(),
    problems: 0,
    deleted: 0,
    deleteFailed: 0,
    rescans: 0,
    error: null,
    reportPath: null,
    confirmToken: null,
  };
  const active = registerActiveScan(deps, scanId, progress);
  deps.log.info({ scanId, mode: request.mode, depth: request.depth, paths }, "symlink scan started");
  const done = execute(
    deps,
    active,
    root,
    folders.map((f) => f.rel),
    settings,
  ).then(() => ({ ...active.progress }));
  active.done = done.then(() => undefined);
  return { scanId, done };
}

/** Starts a scan and waits for it (CLI, jobs). Aborting `signal` cancels it. */
export async function runScan(
  deps: Deps,
  input: ScanRequest,
  hooks: { signal?: AbortSignal; onProgress?: (progress: ScanProgress) => void } = {},
): Promise<ScanProgress> {
  const { scanId, done } = startScan(deps, input);
  const onAbort = () => cancelScan(deps, scanId);
  hooks.signal?.addEventListener("abort", onAbort, { once: true });
  if (hooks.signal?.aborted) onAbort();
  const unsubscribe = hooks.onProgress
    ? deps.bus.subscribe("symlinks", (event) => {
        if (event.data.scanId === scanId) hooks.onProgress?.(event.data as unknown as ScanProgress);
      })
    : () => {};
  try {
    return await done;
  } finally {
    unsubscribe();
    hooks.signal?.removeEventListener("abort", onAbort);
  }
}

/** Asks a running scan (or deletion) to stop; it records what it saw and ends "cancelled". */
export function cancelScan(deps: Deps, scanId: number): ScanProgress {
  const active = deps.symlinks.scans.get(scanId);
  if (active) {
    active.controller.abort(new AppError("interrupted", "cancelled"));
    return { ...active.progress };
  }
  const row = getScan(deps.dbh.db, scanId);
  if (!row) throw new NotFoundError("scan", scanId);
  if (row.status === "awaiting_confirmation") {
    // Declining the deletion: the scan stays in the history as a finished dry look.
    updateScan(deps.dbh.db, scanId, { status: "cancelled", error: "deletion not confirmed", phase: "done" });
    return getScanProgress(deps, scanId);
  }
  if (row.status === "running")
    throw new ConflictError(`scan #${scanId} runs in another process (pid ${row.pid})`);
  throw new ConflictError(`scan #${scanId} is not running (${row.status})`);
}

/** Starts a new scan with the same folders, mode and depth as an earlier one. */
export function rerunScan(deps: Deps, scanId: number) {
  const row = getScan(deps.dbh.db, scanId);
  if (!row) throw new NotFoundError("scan", scanId);
  return startScan(deps, { paths: JSON.parse(row.paths) as string[], mode: row.mode, depth: row.depth });
}

async function execute(
  deps: Deps,
  active: ActiveScan,
  root: string,
  folders: string[],
  settings: SymlinkSettings,
) {
  const p = active.progress;
  const signal = active.controller.signal;
  const db = deps.dbh.db;
  let pool: Phase1Pool | null = null;
  const stopPool = () => pool?.terminate(signal.reason);
  signal.addEventListener("abort", stopPool, { once: true });
  const pending: NewSymlinkProblem[] = [];
  const flush = () => insertProblems(deps.dbh, active.scanId, pending.splice(0));
  let phaseStart = deps.clock.now();
  const setPhase = (phase: ScanProgress["phase"]) => {
    p.phase = phase;
    phaseStart = deps.clock.now();
    p.rate = 0;
    p.etaMs = null;
    publishProgress(deps, active, true);
  };
  const tick = (done: number, total: number) => {
    const seconds = (deps.clock.now() - phaseStart) / 1000;
    p.rate = seconds > 0 ? Math.round((done / seconds) * 10) / 10 : 0;
    p.etaMs = p.rate > 0 && total >= done ? Math.round(((total - done) / p.rate) * 1000) : p.etaMs;
    publishProgress(deps, active);
  };
  try {
    pool = await Phase1Pool.start(settings.workers, {
      root,
      minSizeBytes: settings.minSizeBytes,
      collectMedia: p.depth === "full",
      keepUpTo: BATCH,
    });
    signal.throwIfAborted();
    setPhase("walk");
    const listed = await listFolders(pool, folders, signal, ({ folders: n, entries }) => {
      p.folders = n;
      p.total = entries;
      tick(entries, entries);
    });
    for (const problem of listed.folderProblems) {
      p.counts.inaccessible++;
      p.problems++;
      pending.push(problem);
    }

    setPhase("phase1");
    const media: MediaFile[] = [];
    await checkListings(pool, listed.big, signal, (batch) => {
      p.done += batch.checked;
      for (const key of ["ok", "skipped", "broken", "inaccessible", "empty", "io_error"] as const) {
        p.counts[key] += batch.counts[key];
      }
      p.problems += batch.problems.length;
      pending.push(...batch.problems);
      for (const file of batch.media) media.push(file);
      if (pending.length >= FLUSH_EVERY) flush();
      tick(p.done, p.total);
    });
    // The threads and what they hold go now: phase 2 and the report do not need them.
    pool.terminate();
    pool = null;
    flush();

    if (p.depth === "full") {
      p.phase2Total = media.length;
      const average = lastProbeAverageMs(db);
      p.phase2EstimateMs = estimatePhase2Ms(media.length, settings.workers, average);
      setPhase("phase2");
      p.etaMs = p.phase2EstimateMs;
      let probeMs = 0;
      await runPhase2({
        root,
        files: media,
        workers: settings.workers,
        ffprobePath: deps.config.symlinks.ffprobePath,
        timeoutMs: settings.ffprobeTimeoutMs,
        signal,
        onResult: ({ problem, elapsedMs }) => {
          p.phase2Done++;
          probeMs += elapsedMs;
          if (problem) {
            p.counts[problem.type as "corrupt" | "timeout"]++;
            p.problems++;
            pending.push(problem);
            if (pending.length >= 200) flush();
          }
          tick(p.phase2Done, p.phase2Total);
        },
      });
      flush();
      if (p.phase2Done > 0)
        updateScan(db, active.scanId, { probe_avg_ms: Math.round(probeMs / p.phase2Done) });
    }

    p.phase = "done";
    const plan = p.mode === "real" ? deletionPlan(deps, active.scanId) : null;
    if (plan && plan.items.length > 0) {
      p.status = "awaiting_confirmation";
      p.confirmToken = plan.token;
    } else {
      p.status = "completed";
    }
  } catch (error) {
    try {
      flush();
    } catch (flushError) {
      deps.log.error({ err: errorMessage(flushError) }, "symlink problems not saved");
    }
    if (signal.aborted) {
      p.status = "cancelled";
      p.error = "cancelled before the end: counts cover what was checked";
    } else {
      p.status = "failed";
      p.error = errorMessage(error);
      deps.log.error({ scanId: active.scanId, err: p.error }, "symlink scan failed");
    }
  } finally {
    signal.removeEventListener("abort", stopPool);
    stopPool();
    p.finishedAt = deps.clock.now();
    p.etaMs = null;
    finalizeScan(deps, active);
    deps.log.info({ scanId: active.scanId, status: p.status, problems: p.problems }, "symlink scan ended");
  }
}
