import type { NewSymlinkProblem } from "../../db/repo/symlinks.ts";
import type { PHASE1_TYPES } from "./check.ts";
import type { Phase1Pool } from "./phase1-pool.ts";
import { type CheckedBatch, SEP } from "./phase1-protocol.ts";

/**
 * Entries per check task: big enough to amortize messages, small enough for smooth progress
 * and for several workers to share a big flat folder. Folders up to this size stay with the
 * worker that listed them.
 */
export const BATCH = 400;

export type Phase1Counts = Record<(typeof PHASE1_TYPES)[number], number> & { ok: number; skipped: number };

export function emptyPhase1Counts(): Phase1Counts {
  return { ok: 0, skipped: 0, broken: 0, inaccessible: 0, empty: 0, io_error: 0 };
}

/** A media file that passed phase 1: a phase 2 candidate. */
export interface MediaFile {
  path: string;
  kind: "symlink" | "file";
}

/** A unit of phase-1 work: a folder kept by a worker, or part of a big folder. */
type CheckTask = { dir: string; count: number } & ({ worker: number } | { names: string; links: string });

/**
 * Lists the selected folders in parallel, never entering symlinked folders. Returns the check
 * tasks and the total entry count; unreadable folders come back as problems.
 */
export async function listFolders(
  pool: Phase1Pool,
  roots: readonly string[],
  signal: AbortSignal,
  onFolder: (info: { folders: number; entries: number }) => void,
): Promise<{ tasks: CheckTask[]; total: number; folderProblems: NewSymlinkProblem[] }> {
  const tasks: CheckTask[] = [];
  const folderProblems: NewSymlinkProblem[] = [];
  let total = 0;
  let folders = 0;
  const pending = [...roots];
  let inFlight = 0;
  await new Promise<void>((resolve, reject) => {
    const pump = () => {
      if (signal.aborted) return reject(signal.reason);
      while (inFlight < pool.size && pending.length > 0) {
        const dir = pending.pop() as string;
        inFlight++;
        pool.list(dir).then(({ folder, worker }) => {
          inFlight--;
          folders++;
          if (folder.error) {
            folderProblems.push({
              path: dir,
              type: "inaccessible",
              kind: "folder",
              detail: `folder cannot be listed: ${folder.error}`,
            });
          }
          if (folder.dirs !== "") pending.push(...folder.dirs.split(SEP));
          if (folder.count > 0) {
            total += folder.count;
            if (folder.kept) tasks.push({ dir, count: folder.count, worker });
            else tasks.push(...splitFolder(dir, folder.names, folder.links));
          }
          onFolder({ folders, entries: total });
          pump();
        }, reject);
      }
      if (inFlight === 0 && pending.length === 0) resolve();
    };
    pump();
  });
  return { tasks, total, folderProblems };
}

function splitFolder(dir: string, joined: string, links: string): CheckTask[] {
  const names = joined.split(SEP);
  const parts: CheckTask[] = [];
  for (let i = 0; i < names.length; i += BATCH) {
    const slice = names.slice(i, i + BATCH);
    parts.push({ dir, count: slice.length, names: slice.join(SEP), links: links.slice(i, i + BATCH) });
  }
  return parts;
}

/** Runs every check task on the pool. `onBatch` receives the problems (paths relative to the root) as they come. */
export async function checkListings(
  pool: Phase1Pool,
  tasks: readonly CheckTask[],
  signal: AbortSignal,
  onBatch: (result: {
    checked: number;
    counts: Phase1Counts;
    problems: NewSymlinkProblem[];
    media: MediaFile[];
  }) => void,
): Promise<void> {
  const handle = (task: CheckTask, batch: CheckedBatch) => {
    const rel = (name: string) => (task.dir === "" ? name : `${task.dir}/${name}`);
    const counts = emptyPhase1Counts();
    counts.ok = batch.ok;
    counts.skipped = batch.skipped;
    const problems = batch.problems.map((p) => {
      counts[p.type as keyof Phase1Counts]++;
      return {
        path: rel(p.name),
        type: p.type,
        kind: p.link ? "symlink" : "file",
        target: p.target,
        size: p.size,
        detail: p.detail,
      } satisfies NewSymlinkProblem;
    });
    const media: MediaFile[] =
      batch.media === ""
        ? []
        : batch.media
            .split(SEP)
            .map((name, i) => ({ path: rel(name), kind: batch.mediaLinks[i] === "1" ? "symlink" : "file" }));
    onBatch({ checked: batch.checked, counts, problems, media });
  };
  // Everything is queued at once: each worker drains its own folders, then helps with the
  // shared parts of big folders. The pool bounds the files open at once, not this list.
  signal.throwIfAborted();
  await Promise.all(
    tasks.map(async (task) => {
      const from = "worker" in task ? { worker: task.worker } : { names: task.names, links: task.links };
      handle(task, await pool.check(task.dir, from));
    }),
  );
}
