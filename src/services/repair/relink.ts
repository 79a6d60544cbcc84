import { randomUUID } from "node:crypto";
import { lstat, readlink, realpath, rename, rm, symlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { attemptsWaitingToRelink, setAttemptDetail } from "../../db/repo/repair-relinks.ts";
import type { Deps } from "../../deps.ts";
import { errorMessage } from "../../errors.ts";
import { formatDuration } from "../../lib/format.ts";
import type { ProviderFile } from "../../providers/types.ts";
import { rescanPathsEverywhere } from "../arr/index.ts";
import { linkTextFor } from "../downloads/mode.ts";
import { locateInMount, type WantedFile } from "../downloads/mount-locate.ts";
import { resolveInside } from "../downloads/paths.ts";
import { lookDelayMs, type MountWait } from "../downloads/symlink-step.ts";
import {
  matchNewFiles,
  type OldLink,
  type PendingLink,
  relinkRoots,
  unmapLinkTarget,
} from "./relink-plan.ts";

/**
 * After a repair re-added a torrent whose files the library links into the debrid mount: the
 * provider gave it a new id and maybe a new name, so its files come back elsewhere in the mount.
 * The attempt keeps the plan (`detail.relink`, state `waiting`); this round waits for the new
 * files like symlink mode waits for a grab's (filesystem only, backoff, SYMLINK_MOUNT_TIMEOUT,
 * taken up afresh after a restart), then rewrites each link atomically (a new link beside it,
 * renamed over it) and asks the *arr owning the path to rescan.
 */
export interface RelinkRecord {
  state: "planned" | "waiting" | "done" | "failed";
  /** The name the new torrent has in the mount (the provider's). */
  names: string[];
  rootName: string;
  links: PendingLink[];
  /** Links that are not rewritten, with why. */
  left: Array<{ path: string; why: string }>;
  /** Dry run: the links that would be rewritten. */
  planned?: string[];
  rewritten?: string[];
  rescans?: number;
  arrErrors?: string[];
  error?: string;
  finishedAt?: number;
}

/** The plan kept in the attempt once the provider has the re-added torrent. */
export function relinkPlan(
  oldLinks: readonly OldLink[],
  added: { newFilename: string; files: readonly ProviderFile[] },
  oldName: string,
): RelinkRecord {
  const { pending, left } = matchNewFiles(oldLinks, added.files);
  // Only the new name: the old torrent's folder may linger in a mount slow to refresh, with the
  // same files; linking to it again would leave the links dying with it.
  const names = [added.newFilename || oldName];
  return {
    state: pending.length > 0 ? "waiting" : "failed",
    names,
    rootName: added.newFilename || oldName,
    links: pending,
    left,
    ...(pending.length === 0 ? { error: "no link matches a file of the re-added torrent" } : {}),
  };
}

/** Due relinks: one look in the mount each, rewrite when every file is there. Returns the looks. */
export async function relinkRound(deps: Deps): Promise<number> {
  const waits = deps.repairRuns.relinkWaits;
  // The downloads loop calls this every tick: no query while nothing can be waiting.
  if (!deps.repairRuns.relinksPending) return 0;
  const rows = attemptsWaitingToRelink(deps.dbh.db);
  if (rows.length === 0) deps.repairRuns.relinksPending = false;
  const seen = new Set<number>();
  let looked = 0;
  for (const row of rows) {
    seen.add(row.id);
    const detail = JSON.parse(row.detail) as Record<string, unknown> & { relink: RelinkRecord };
    const now = deps.clock.now();
    let wait = waits.get(row.id);
    if (!wait) {
      // First look, or after a restart: the wait starts afresh, as symlink mode's does.
      wait = { since: now, looks: 0, nextAt: now, names: detail.relink.names };
      waits.set(row.id, wait);
    }
    if (now < wait.nextAt) continue;
    looked++;
    await lookAndRelink(deps, row.id, detail, wait);
  }
  for (const id of waits.keys()) if (!seen.has(id)) waits.delete(id);
  return looked;
}

async function lookAndRelink(
  deps: Deps,
  attemptId: number,
  detail: Record<string, unknown> & { relink: RelinkRecord },
  wait: MountWait,
): Promise<void> {
  const relink = detail.relink;
  const found = new Map<string, string>();
  const lookedIn: string[] = [];
  const byMount = new Map<string, PendingLink[]>();
  for (const l of relink.links) byMount.set(l.mount, [...(byMount.get(l.mount) ?? []), l]);
  for (const [mount, links] of byMount) {
    const files = new Map<number, WantedFile>();
    for (const l of links) files.set(l.fileId, { id: l.fileId, path: l.newRel, size: l.size });
    const lookup = await locateInMount(mount, wait.names, relink.rootName, [...files.values()]);
    lookedIn.push(...lookup.lookedIn);
    for (const l of links) {
      const target = lookup.found.get(l.fileId);
      if (target) found.set(l.path, target);
    }
  }
  wait.looks++;
  const now = deps.clock.now();
  const timeout = deps.config.downloads.linking.mountTimeoutMs;
  if (found.size < relink.links.length) {
    if (now - wait.since < timeout) {
      wait.nextAt = Math.min(now + lookDelayMs(timeout, wait.looks), wait.since + timeout);
      return;
    }
    const error = `the re-added torrent's files did not appear in the mount within ${formatDuration(timeout)} (SYMLINK_MOUNT_TIMEOUT): ${found.size}/${relink.links.length} found; looked for "${wait.names.join('", "')}" in ${[...new Set(lookedIn)].join(", ")}; the links were left as they were`;
    return record(deps, attemptId, detail, { ...relink, state: "failed", error, finishedAt: now });
  }
  const roots = relinkRoots(deps);
  const rewritten: string[] = [];
  const left = [...relink.left];
  for (const link of relink.links) {
    try {
      const why = await rewriteLink(deps, roots, link, found.get(link.path) as string);
      if (why) left.push({ path: link.path, why });
      else rewritten.push(link.path);
    } catch (error) {
      left.push({ path: link.path, why: errorMessage(error) });
    }
  }
  const arr = await rescanPathsEverywhere(deps, rewritten).catch((error) => ({
    commands: 0,
    errors: [{ name: "Sonarr/Radarr", error: errorMessage(error) }],
  }));
  record(deps, attemptId, detail, {
    ...relink,
    state: "done",
    rewritten,
    left,
    rescans: arr.commands,
    arrErrors: arr.errors.map((e) => `${e.name}: ${e.error}`),
    finishedAt: deps.clock.now(),
  });
}

function record(deps: Deps, attemptId: number, detail: Record<string, unknown>, relink: RelinkRecord): void {
  setAttemptDetail(deps.dbh.db, attemptId, { ...detail, relink });
  deps.repairRuns.relinkWaits.delete(attemptId);
  const summary = { attemptId, state: relink.state, rewritten: relink.rewritten?.length ?? 0 };
  if (relink.state === "done")
    deps.log.info({ ...summary, left: relink.left.length }, "repair: links rewritten");
  else deps.log.warn({ ...summary, error: relink.error }, "repair: links not rewritten");
  deps.bus.publish("repair", "relink", summary);
}

const isWithin = (root: string, path: string) => resolveInside(root, path) !== null;

/**
 * Points one link at `target`, or says why not: only a symlink still pointing where it did at the
 * repair, only under DOWNLOAD_DIR or the media root (its folder resolved, so a folder swapped for
 * a link cannot send the rename elsewhere), only at a file inside the mount.
 */
async function rewriteLink(
  deps: Deps,
  roots: readonly string[],
  link: PendingLink,
  target: string,
): Promise<string | null> {
  const config = deps.config.downloads;
  const path = resolve(link.path);
  const root = roots.find((r) => isWithin(r, path) && path !== resolve(r));
  if (!root) return "outside DOWNLOAD_DIR and the media root";
  if (!isWithin(link.mount, target)) return `${target} is outside the mount ${link.mount}`;
  const folder = await realpath(dirname(path)).catch(() => null);
  if (!folder || !isWithin(await realpath(root).catch(() => root), folder))
    return "its folder now leads outside its root";
  const inPlace = join(folder, basename(path));
  const info = await lstat(inPlace).catch(() => null);
  if (!info) return "gone since the repair";
  if (!info.isSymbolicLink()) return "no longer a symlink";
  const text = linkTextFor(config, target);
  const written = await readlink(inPlace);
  if (written === text) return null; // a round cut short already rewrote it
  const current = unmapLinkTarget(config, resolve(dirname(path), written)).normalize("NFC");
  if (current !== link.oldTarget) return `changed since the repair (now ${current}): left as it is`;
  const temp = join(folder, `.redriva-relink-${randomUUID()}`);
  await symlink(text, temp);
  try {
    await rename(temp, inPlace);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return null;
}
