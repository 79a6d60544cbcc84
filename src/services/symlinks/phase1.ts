import type { NewSymlinkProblem } from "../../db/repo/symlinks.ts";
import type { PHASE1_TYPES } from "./check.ts";
import type { Phase1Pool } from "./phase1-pool.ts";
import { type CheckedBatch, type FolderPart, PROBLEM_FIELDS, SEP } from "./phase1-protocol.ts";

/** Folders up to this many entries stay with the worker that listed them; bigger ones are split. */
export const BATCH = 400;
/** Pending folders per worker before listing switches from one level at a time to whole subtrees. */
const FAN_OUT = 4;

export type Phase1Counts = Record<(typeof PHASE1_TYPES)[number], number> & { ok: number; skipped: number };

export function emptyPhase1Counts(): Phase1Counts {
  return { ok: 0, skipped: 0, broken: 0, inaccessible: 0, empty: 0, io_error: 0 };
}

/** A media file that passed phase 1: a phase 2 candidate. */
export interface MediaFile {
  path: string;
  kind: "symlink" | "file";
}

/**
 * Lists the selected folders in parallel, never entering symlinked folders: one level at a
 * time until there are enough folders to share out, then whole subtrees per worker. The
 * workers keep what they found; folders too big to leave with one worker come back here.
 */
export async function listFolders(
  pool: Phase1Pool,
  roots: readonly string[],
  signal: AbortSignal,
  onProgress: (info: { folders: number; entries: number }) => void,
): Promise<{ total: number; big: FolderPart[]; folderProblems: NewSymlinkProblem[] }> {
  const big: FolderPart[] = [];
  const folderProblems: NewSymlinkProblem[] = [];
  let total = 0;
  let folders = 0;
  const pending = [...roots];
  let inFlight = 0;
  await new Promise<void>((resolve, reject) => {
    const pump = () => {
      if (signal.aborted) return reject(signal.reason);
      while (inFlight < pool.size && pending.length > 0) {
        const recursive = pending.length + inFlight >= pool.size * FAN_OUT;
        const dir = pending.shift() as string;
        inFlight++;
        pool.list(dir, recursive).then((tree) => {
          inFlight--;
          folders += tree.folders;
          total += tree.count;
          for (const { dir: path, error } of tree.errors) {
            folderProblems.push({
              path,
              type: "inaccessible",
              kind: "folder",
              detail: `folder cannot be listed: ${error}`,
            });
          }
          big.push(...tree.big);
          if (tree.dirs !== "") pending.push(...tree.dirs.split(SEP));
          onProgress({ folders, entries: total });
          pump();
        }, reject);
      }
      if (inFlight === 0 && pending.length === 0) resolve();
    };
    pump();
  });
  return { total, big, folderProblems };
}

/** Cuts big folders into parts of BATCH entries, dealt round-robin to the workers. */
function shareOut(big: readonly FolderPart[], workers: number): FolderPart[][] {
  const shares: FolderPart[][] = Array.from({ length: workers }, () => []);
  let next = 0;
  for (const folder of big) {
    const names = folder.names.split(SEP);
    for (let i = 0; i < names.length; i += BATCH) {
      (shares[next++ % workers] as FolderPart[]).push({
        dir: folder.dir,
        names: names.slice(i, i + BATCH).join(SEP),
        links: folder.links.slice(i, i + BATCH),
      });
    }
  }
  return shares;
}

/**
 * Every worker checks what it kept plus its share of the big folders, streaming results;
 * `onBatch` receives the problems (paths relative to the root) as they come.
 */
export async function checkListings(
  pool: Phase1Pool,
  big: readonly FolderPart[],
  signal: AbortSignal,
  onBatch: (result: {
    checked: number;
    counts: Phase1Counts;
    problems: NewSymlinkProblem[];
    media: MediaFile[];
  }) => void,
): Promise<void> {
  const handle = (batch: CheckedBatch) => {
    const counts = emptyPhase1Counts();
    counts.ok = batch.ok;
    counts.skipped = batch.skipped;
    const problems: NewSymlinkProblem[] = [];
    if (batch.problems !== "") {
      const f = batch.problems.split(SEP);
      for (let i = 0; i + PROBLEM_FIELDS <= f.length; i += PROBLEM_FIELDS) {
        const type = f[i + 1] as (typeof PHASE1_TYPES)[number];
        counts[type]++;
        problems.push({
          path: f[i] as string,
          type,
          kind: f[i + 2] as NewSymlinkProblem["kind"],
          detail: f[i + 3] as string,
          size: f[i + 4] ? Number(f[i + 4]) : null,
          target: f[i + 5] || null,
        });
      }
    }
    const media: MediaFile[] =
      batch.media === ""
        ? []
        : batch.media
            .split(SEP)
            .map((path, i) => ({ path, kind: batch.mediaLinks[i] === "1" ? "symlink" : "file" }));
    onBatch({ checked: batch.checked, counts, problems, media });
  };
  signal.throwIfAborted();
  const shares = shareOut(big, pool.size);
  await Promise.all(shares.map((parts, worker) => pool.check(worker, parts, handle)));
}
