import { lstat, mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { type DownloadTorrentRow, type TorrentPatch, updateTorrent } from "../../../db/repo/downloads.ts";
import { uniqueTarget } from "../finish.ts";
import { incompleteFolder } from "../paths.ts";
import type { StepContext } from "../post-download/step.ts";
import { copyTree, type MoveContext } from "./copy-tree.ts";

/** Progress words are written at most this often (a copy reports every block). */
const REPORT_EVERY_MS = 500;

/**
 * The files leave the incomplete folder for their final place. On one filesystem that is a
 * rename; when DOWNLOAD_INCOMPLETE_DIR is on another disk (SSD staging) it is a queued,
 * checksummed copy (copy-tree.ts) into a hidden folder beside the target, which takes the
 * target's name only once every file has been verified: the *arr never sees a half-written
 * file, and a crash leaves only that folder, which the next start continues.
 */
export async function moveIntoPlace(ctx: StepContext): Promise<TorrentPatch | undefined> {
  const { deps, engine, torrent } = ctx;
  const rootName = torrent.root_name ?? torrent.hash;
  const scratch = incompleteFolder(deps.config.downloads, torrent.hash);
  const source = join(scratch, rootName);
  const partial = movePartialDir(torrent);
  // Set by this step before anything moves (a grab started over clears it): where it goes.
  const planned = torrent.content_path;
  if (!(await exists(source))) {
    // Moved already (a retry after a later step failed, a restart after the rename).
    if (planned && (await exists(planned))) {
      await cleanUp(scratch, partial);
      return undefined;
    }
    throw new Error(`the downloaded files are not in ${source} any more`);
  }
  if (planned && (await exists(planned)) && !(await exists(join(partial, rootName)))) {
    // A copy takes its name only once verified: a restart after that only had the clean-up left.
    await cleanUp(scratch, partial);
    return { content_path: planned };
  }
  await mkdir(torrent.save_path, { recursive: true });
  const target = planned && !(await exists(planned)) ? planned : uniqueTarget(torrent.save_path, rootName);
  updateTorrent(deps.dbh.db, torrent.hash, { content_path: target });
  const { disks } = engine.staging;
  if (disks.deviceOf(scratch) === disks.deviceOf(torrent.save_path)) {
    try {
      await rename(source, target);
      await cleanUp(scratch, partial);
      return { content_path: target };
    } catch (error) {
      // Told one filesystem but it is two (a bind mount): copy.
      if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
    }
  }
  const copied = join(partial, rootName);
  await copyTree(moveContext(ctx), source, copied);
  await rename(copied, target);
  await cleanUp(scratch, partial);
  return { content_path: target };
}

/** The hidden folder a copy onto another disk is written into (beside its target, same disk). */
export function movePartialDir(torrent: Pick<DownloadTorrentRow, "hash" | "save_path">): string {
  return join(torrent.save_path, `.redriva-moving-${torrent.hash}`);
}

function moveContext(ctx: StepContext): MoveContext {
  let last = 0;
  return {
    ...ctx,
    report(fraction, message, now = false) {
      const at = performance.now();
      if (!now && at - last < REPORT_EVERY_MS) return;
      last = at;
      ctx.progress(fraction, message);
    },
  };
}

async function cleanUp(scratch: string, partial: string): Promise<void> {
  await rm(partial, { recursive: true, force: true });
  await rm(scratch, { recursive: true, force: true });
}

async function exists(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => null)) !== null;
}
