import { createHash } from "node:crypto";
import { lstatSync } from "node:fs";
import { join } from "node:path";
import {
  getScan,
  listProblems,
  markProblemDeleted,
  markProblemDeleteFailed,
  type SymlinkProblemRow,
  updateScan,
} from "../../db/repo/symlinks.ts";
import type { Deps } from "../../deps.ts";
import { ConflictError, errorMessage, NotFoundError, ValidationError } from "../../errors.ts";
import { rescanPathsEverywhere } from "../arr/index.ts";
import { type MediaRootHandle, openMediaRoot, type RootEntry } from "./beneath.ts";
import { allocCheckBuffer, checkEntry, isMediaName, PHASE1_TYPES, type ProblemType } from "./check.ts";
import { finalizeScan, publishProgress } from "./history.ts";
import { normalizeRelative } from "./paths.ts";
import { progressFromRow, type ScanProgress } from "./progress.ts";
import { type ActiveScan, reconcileRunningScans, registerActiveScan } from "./registry.ts";
import { invalidateTree } from "./tree.ts";

/**
 * Real mode: nothing is deleted until the user confirms the exact list they saw. The token is
 * a hash of the scan id and that list (type + path, sorted), so a list that changed, a filter
 * that differs or another scan's token is refused.
 */
export function confirmationToken(
  scanId: number,
  items: ReadonlyArray<Pick<SymlinkProblemRow, "path" | "type">>,
) {
  const lines = items.map((i) => `${i.type}\t${i.path}`).sort();
  return createHash("sha256")
    .update(`redriva-symlinks\n${scanId}\n${lines.join("\n")}`)
    .digest("hex")
    .slice(0, 40);
}

/**
 * Which findings a deletion covers: some types, a path search, and/or the ids ticked on the
 * page. Nothing given: every finding still pending.
 */
export interface DeletionSelection {
  types?: readonly ProblemType[];
  query?: string;
  ids?: readonly number[];
}

/** What a confirmation would delete (folders are never deleted) and its token. */
export function deletionPlan(
  deps: Deps,
  scanId: number,
  selection: DeletionSelection | readonly ProblemType[] = {},
) {
  if (isTypeList(selection)) selection = { types: selection };
  const items = listProblems(deps.dbh.db, scanId, {
    types: selection.types,
    query: selection.query || undefined,
    ids: selection.ids,
    onlyPending: true,
  }).filter((p) => p.kind !== "folder");
  return { items, token: confirmationToken(scanId, items) };
}

function isTypeList(value: DeletionSelection | readonly ProblemType[]): value is readonly ProblemType[] {
  return Array.isArray(value);
}

/**
 * Deletes exactly the confirmed list of a scan awaiting confirmation, in the background, then
 * asks Sonarr/Radarr to rescan what was affected. Each entry is re-checked first: only the
 * link or file itself is unlinked (never its target), only inside the root, and a link that
 * works again is skipped.
 */
export function confirmDeletion(
  deps: Deps,
  scanId: number,
  input: { token?: unknown } & DeletionSelection,
): { scanId: number; count: number; done: Promise<ScanProgress> } {
  const row = getScan(deps.dbh.db, scanId);
  if (!row) throw new NotFoundError("scan", scanId);
  if (row.mode !== "real")
    throw new ValidationError("this scan ran in dry-run mode: run it again in real mode");
  if (row.status !== "awaiting_confirmation")
    throw new ConflictError(`scan #${scanId} is ${row.status}, nothing to confirm`);
  if (typeof input.token !== "string" || input.token === "")
    throw new ValidationError("token: the confirmation token is required");
  const plan = deletionPlan(deps, scanId, input);
  if (plan.token !== input.token) {
    throw new ValidationError(
      "the confirmation token does not match this list: reload the results and confirm again",
    );
  }
  if (plan.items.length === 0) throw new ValidationError("nothing to delete in this list");
  const running = reconcileRunningScans(deps);
  if (running.length > 0) throw new ConflictError(`scan #${running[0]} is running; try again when it ends`);

  const progress = progressFromRow(row, deps.clock.now());
  progress.status = "running";
  progress.phase = "delete";
  progress.finishedAt = null;
  progress.error = null;
  const active = registerActiveScan(deps, scanId, progress);
  updateScan(deps.dbh.db, scanId, { status: "running", phase: "delete", pid: process.pid });
  deps.log.info({ scanId, items: plan.items.length }, "symlink deletion confirmed");
  const done = executeDeletion(deps, active, plan.items).then(() => ({ ...active.progress }));
  active.done = done.then(() => undefined);
  return { scanId, count: plan.items.length, done };
}

async function executeDeletion(deps: Deps, active: ActiveScan, items: SymlinkProblemRow[]) {
  const p = active.progress;
  const signal = active.controller.signal;
  const root = p.root;
  const deletedPaths: string[] = [];
  let skipped = 0;
  const buffer = allocCheckBuffer();
  const minSizeBytes = scanMinSize(deps, p.scanId);
  let rootHandle: MediaRootHandle | null = null;
  try {
    rootHandle = openMediaRoot(root);
    for (const [index, item] of items.entries()) {
      signal.throwIfAborted();
      // Unlinking is quick, but a long list must not hold the event loop.
      if (index % 200 === 199) await new Promise((resolve) => setImmediate(resolve));
      const outcome = deleteOne(rootHandle, item, { buffer, minSizeBytes });
      if (outcome.deleted) {
        markProblemDeleted(deps.dbh.db, item.id, deps.clock.now());
        deletedPaths.push(join(root, item.path));
        p.deleted++;
      } else if (outcome.skipped) {
        markProblemDeleteFailed(deps.dbh.db, item.id, `skipped: ${outcome.reason}`);
        skipped++;
      } else {
        markProblemDeleteFailed(deps.dbh.db, item.id, outcome.reason);
        p.deleteFailed++;
      }
      publishProgress(deps, active);
    }
    p.phase = "rescan";
    publishProgress(deps, active, true);
    const summary = await rescanPathsEverywhere(deps, deletedPaths, signal);
    p.rescans = summary.commands;
    const problems: string[] = [];
    if (p.deleteFailed > 0) problems.push(`${p.deleteFailed} of ${items.length} could not be deleted`);
    for (const e of summary.errors) problems.push(`${e.name} rescan failed: ${e.error}`);
    if (skipped > 0) deps.log.info({ scanId: p.scanId, skipped }, "links that work again were kept");
    p.phase = "done";
    p.status = problems.length > 0 ? "failed" : "completed";
    p.error = problems.length > 0 ? problems.join("; ") : null;
  } catch (error) {
    if (signal.aborted) {
      p.status = "cancelled";
      p.error = `deletion cancelled after ${p.deleted} of ${items.length}`;
    } else {
      p.status = "failed";
      p.error = errorMessage(error);
    }
  } finally {
    rootHandle?.close();
    p.finishedAt = deps.clock.now();
    invalidateTree(deps, root);
    finalizeScan(deps, active);
    deps.log.info(
      { scanId: p.scanId, deleted: p.deleted, failed: p.deleteFailed, status: p.status },
      "symlink deletion ended",
    );
  }
}

type DeleteOutcome = { deleted: true } | { deleted: false; skipped: boolean; reason: string };

function scanMinSize(deps: Deps, scanId: number): number {
  try {
    const options = JSON.parse(getScan(deps.dbh.db, scanId)?.options ?? "{}") as { minSizeBytes?: unknown };
    return typeof options.minSizeBytes === "number" ? options.minSizeBytes : 1;
  } catch {
    return 1;
  }
}

function deleteOne(
  root: MediaRootHandle,
  item: SymlinkProblemRow,
  check: { buffer: Uint8Array; minSizeBytes: number },
): DeleteOutcome {
  let entry: RootEntry;
  try {
    const rel = normalizeRelative(item.path);
    if (rel === "") throw new ValidationError("refusing to delete the media root");
    entry = root.open(rel);
  } catch (error) {
    return { deleted: false, skipped: false, reason: errorMessage(error) };
  }
  try {
    return deleteEntry(entry, item, check);
  } finally {
    entry.close();
  }
}

/** Re-checks the entry through its open folder, then removes it from that same folder. */
function deleteEntry(
  entry: RootEntry,
  item: SymlinkProblemRow,
  check: { buffer: Uint8Array; minSizeBytes: number },
): DeleteOutcome {
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(entry.path);
  } catch {
    return { deleted: false, skipped: true, reason: "already gone" };
  }
  // lstat: the entry itself. A link must still be a link, a file a plain file; never a folder.
  if (item.kind === "symlink" && !stat.isSymbolicLink()) {
    return { deleted: false, skipped: false, reason: "no longer a symlink (changed since the scan)" };
  }
  if (item.kind === "file" && !stat.isFile())
    return { deleted: false, skipped: false, reason: "no longer a plain file" };
  if (!stat.isSymbolicLink() && !stat.isFile())
    return { deleted: false, skipped: false, reason: "not a link or file" };
  if ((PHASE1_TYPES as readonly string[]).includes(item.type)) {
    const name = item.path.split("/").pop() ?? "";
    const verdict = checkEntry(entry.path, stat.isSymbolicLink(), isMediaName(name), check);
    if (verdict.status === "ok") {
      return { deleted: false, skipped: true, reason: "works again since the scan" };
    }
  }
  try {
    entry.unlink();
    return { deleted: true };
  } catch (error) {
    return { deleted: false, skipped: false, reason: `unlink failed: ${errorMessage(error)}` };
  }
}
