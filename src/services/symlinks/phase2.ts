import { readlinkSync } from "node:fs";
import { join } from "node:path";
import type { NewSymlinkProblem } from "../../db/repo/symlinks.ts";
import { AppError } from "../../errors.ts";
import type { MediaFile } from "./phase1.ts";
import { probeMedia } from "./probe.ts";

/** Mean ffprobe time assumed for an estimate when no earlier scan measured one. */
export const DEFAULT_PROBE_MS = 250;

export function estimatePhase2Ms(files: number, workers: number, avgProbeMs: number | undefined): number {
  if (files === 0) return 0;
  return Math.round((files * (avgProbeMs ?? DEFAULT_PROBE_MS)) / Math.max(1, Math.min(workers, files)));
}

/**
 * ffprobes the media files that passed phase 1, `workers` at a time. Each probe has its own
 * hard deadline, so one hung file costs at most `timeoutMs` of one worker's time.
 */
export async function runPhase2(options: {
  root: string;
  files: readonly MediaFile[];
  workers: number;
  ffprobePath: string;
  timeoutMs: number;
  signal: AbortSignal;
  onResult: (result: { problem: NewSymlinkProblem | null; elapsedMs: number }) => void;
}): Promise<void> {
  const { files, signal } = options;
  let next = 0;
  const runner = async () => {
    while (next < files.length) {
      signal.throwIfAborted();
      const file = files[next++] as MediaFile;
      const verdict = await probeMedia(
        options.ffprobePath,
        join(options.root, file.path),
        options.timeoutMs,
        signal,
      );
      if (verdict.status === "cancelled") signal.throwIfAborted();
      // A missing ffprobe would make every file look corrupt: stop the scan instead.
      if (verdict.status === "error") throw new AppError("internal", verdict.detail);
      const problem: NewSymlinkProblem | null =
        verdict.status === "corrupt" || verdict.status === "timeout"
          ? {
              path: file.path,
              type: verdict.status,
              kind: file.kind,
              detail: verdict.detail,
              target: file.kind === "symlink" ? linkTarget(join(options.root, file.path)) : null,
            }
          : null;
      options.onResult({ problem, elapsedMs: verdict.elapsedMs });
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.workers, files.length) }, runner));
}

/** Where a corrupt link points: the file ffprobe could not read. */
function linkTarget(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}
