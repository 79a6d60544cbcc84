import type { NewSymlinkProblem } from "../../db/repo/symlinks.ts";
import type { PHASE1_TYPES } from "./check.ts";
import type { Phase1Pool } from "./phase1-pool.ts";

/** Entries per check task: big enough to amortize messages, small enough for smooth progress. */
const BATCH = 400;

export type Phase1Counts = Record<(typeof PHASE1_TYPES)[number], number> & { ok: number; skipped: number };

export function emptyPhase1Counts(): Phase1Counts {
  return { ok: 0, skipped: 0, broken: 0, inaccessible: 0, empty: 0, io_error: 0 };
}

/** A media file that passed phase 1: a phase 2 candidate. */
export interface MediaFile {
  path: string;
  kind: "symlink" | "file";
}

interface Listing {
  dir: string;
  names: string[];
  links: number[];
}

/**
 * Lists the selected folders in parallel, never entering symlinked folders. Returns the
 * entries to check; unreadable folders come back as problems.
 */
export async function listFolders(
  pool: Phase1Pool,
  roots: readonly string[],
  signal: AbortSignal,
  onFolder: (info: { folders: number; entries: number }) => void,
): Promise<{ listings: Listing[]; total: number; folderProblems: NewSymlinkProblem[] }> {
  const listings: Listing[] = [];
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
        pool.list(dir).then((folder) => {
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
          pending.push(...folder.dirs);
          if (folder.names.length > 0) {
            listings.push({ dir, names: folder.names, links: folder.links });
            total += folder.names.length;
          }
          onFolder({ folders, entries: total });
          pump();
        }, reject);
      }
      if (inFlight === 0 && pending.length === 0) resolve();
    };
    pump();
  });
  return { listings, total, folderProblems };
}

/**
 * Checks every listed entry on the pool (at most one batch per worker in flight beyond the
 * queue). `onBatch` receives the problems (paths relative to the root) as they come.
 */
export async function checkListings(
  pool: Phase1Pool,
  listings: readonly Listing[],
  signal: AbortSignal,
  onBatch: (result: {
    checked: number;
    counts: Phase1Counts;
    problems: NewSymlinkProblem[];
    media: MediaFile[];
  }) => void,
): Promise<void> {
  const tasks: Array<{ dir: string; names: string[]; links: number[] }> = [];
  for (const listing of listings) {
    for (let i = 0; i < listing.names.length; i += BATCH) {
      tasks.push({
        dir: listing.dir,
        names: listing.names.slice(i, i + BATCH),
        links: listing.links.slice(i, i + BATCH),
      });
    }
  }
  let next = 0;
  const runner = async () => {
    while (next < tasks.length) {
      signal.throwIfAborted();
      const task = tasks[next++] as (typeof tasks)[number];
      const batch = await pool.check(task.dir, task.names, task.links);
      const counts = emptyPhase1Counts();
      counts.ok = batch.ok;
      counts.skipped = batch.skipped;
      const rel = (index: number) => {
        const name = task.names[index] as string;
        return task.dir === "" ? name : `${task.dir}/${name}`;
      };
      const problems = batch.problems.map((p) => {
        counts[p.type as keyof Phase1Counts]++;
        return {
          path: rel(p.index),
          type: p.type,
          kind: task.links[p.index] === 1 ? "symlink" : "file",
          target: p.target,
          size: p.size,
          detail: p.detail,
        } satisfies NewSymlinkProblem;
      });
      const media = batch.media.map(
        (i) => ({ path: rel(i), kind: task.links[i] === 1 ? "symlink" : "file" }) as const,
      );
      onBatch({ checked: task.names.length, counts, problems, media });
    }
  };
  // Two tasks per worker keep every thread fed while the main thread handles a reply.
  await Promise.all(Array.from({ length: Math.min(tasks.length, pool.size * 2) }, runner));
}
