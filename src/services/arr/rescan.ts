import type { Deps } from "../../deps.ts";
import { errorMessage } from "../../errors.ts";
import type { ArrClient } from "./client.ts";
import { type ArrInstance, arrInstanceClient, arrInstances } from "./instances.ts";
import type { ArrKind, ArrRescanReport } from "./types.ts";

/**
 * Rescans after library files changed (links removed, rewritten): each path goes to the
 * instance whose root folders (GET /api/v3/rootfolder) hold it — Sonarr 4K for /tv4k, not the
 * first Sonarr — and, when no instance claims it, to every instance (each then rescans only the
 * series/movies it owns). One instance failing does not stop the others.
 */

export interface InstanceRescanReport extends ArrRescanReport {
  instance: ArrInstance;
}

export interface ArrRescanSummary {
  reports: InstanceRescanReport[];
  /** `name` is the instance's ("Sonarr 4K"). */
  errors: Array<{ kind: ArrKind; name: string; error: string }>;
  /** Commands sent across instances. */
  commands: number;
}

const segmentsOf = (path: string) => path.replace(/\\/g, "/").split("/").filter(Boolean);

/** Root folder paths of one instance; null when it cannot tell (then it claims nothing). */
async function rootFoldersOf(client: ArrClient, signal?: AbortSignal): Promise<string[][] | null> {
  const body = await client.read("/api/v3/rootfolder", signal);
  if (!Array.isArray(body)) return null;
  return body
    .map((r) => (r as { path?: unknown })?.path)
    .filter((p): p is string => typeof p === "string" && p.trim() !== "")
    .map(segmentsOf);
}

/**
 * How well a root folder holds a path: the path starts with it (best: the *arr sees the library
 * where Redriva does), else its segments appear in a row among the path's folders (the *arr runs
 * in a container that mounts the library elsewhere: `/tv4k` for `/srv/media/tv4k/Show/…`).
 * Deeper roots hold better; 0: not held.
 */
export function rootScore(root: readonly string[], path: readonly string[]): number {
  const folders = path.slice(0, -1);
  if (root.length <= folders.length && root.every((s, i) => folders[i] === s)) return 1000 + root.length;
  if (root.length === 0) return 0;
  for (let at = 0; at + root.length <= folders.length; at++)
    if (root.every((s, i) => folders[at + i] === s)) return root.length;
  return 0;
}

/** The instances a path goes to: the best claimants by root folder, else every instance. */
function claimants(
  path: string,
  roots: ReadonlyArray<{ instance: ArrInstance; roots: string[][] | null }>,
): ArrInstance[] {
  const segments = segmentsOf(path);
  let best = 0;
  let owners: ArrInstance[] = [];
  for (const { instance, roots: list } of roots) {
    const score = Math.max(0, ...(list ?? []).map((root) => rootScore(root, segments)));
    if (score > best) {
      best = score;
      owners = [instance];
    } else if (score === best && score > 0) owners.push(instance);
  }
  return owners.length > 0 ? owners : roots.map((r) => r.instance);
}

type InstanceRoots = Array<{ instance: ArrInstance; roots: string[][] | null }>;

/** The switched-on instances, their clients and root folders (null when unreadable). */
async function instanceRoots(deps: Deps, signal?: AbortSignal) {
  const clients = new Map<string, ArrClient>();
  const roots: InstanceRoots = [];
  for (const instance of arrInstances(deps)) {
    const client = arrInstanceClient(deps, instance);
    if (!client) continue;
    clients.set(instance.id, client);
    let list: string[][] | null = null;
    try {
      list = await rootFoldersOf(client, signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      // Its rescan says what is wrong; here it only claims nothing.
      deps.log.warn({ instance: instance.id, err: errorMessage(error) }, "arr root folders unreadable");
    }
    roots.push({ instance, roots: list });
  }
  return { clients, roots };
}

/** The paths each instance is asked about, by instance id. */
function assignPaths(paths: readonly string[], roots: InstanceRoots): Map<string, string[]> {
  const assigned = new Map<string, string[]>();
  for (const path of paths)
    for (const instance of claimants(path, roots)) {
      const list = assigned.get(instance.id) ?? [];
      list.push(path);
      assigned.set(instance.id, list);
    }
  return assigned;
}

/**
 * What a rescan of these paths would ask, without asking it: each instance that gets paths, how
 * many, and whether its root folders could be read (when not, it is asked only if nobody claims).
 */
export async function rescanTargets(
  deps: Deps,
  paths: readonly string[],
  signal?: AbortSignal,
): Promise<Array<{ name: string; kind: ArrKind; paths: number; rootsKnown: boolean }>> {
  if (paths.length === 0) return [];
  const { roots } = await instanceRoots(deps, signal);
  const assigned = assignPaths(paths, roots);
  return roots
    .filter(({ instance }) => assigned.has(instance.id))
    .map(({ instance, roots: list }) => ({
      name: instance.name,
      kind: instance.kind,
      paths: assigned.get(instance.id)?.length ?? 0,
      rootsKnown: list !== null,
    }));
}

export async function rescanPathsEverywhere(
  deps: Deps,
  paths: readonly string[],
  signal?: AbortSignal,
): Promise<ArrRescanSummary> {
  const summary: ArrRescanSummary = { reports: [], errors: [], commands: 0 };
  if (paths.length === 0) return summary;
  const { clients, roots } = await instanceRoots(deps, signal);
  const assigned = assignPaths(paths, roots);
  for (const { instance } of roots) {
    const own = assigned.get(instance.id);
    const client = clients.get(instance.id);
    if (!own || !client) continue;
    try {
      const report = await client.rescanPaths(own, signal);
      summary.reports.push({ ...report, instance });
      summary.commands += report.commands;
    } catch (error) {
      if (signal?.aborted) throw error;
      deps.log.warn({ instance: instance.id, err: errorMessage(error) }, "arr rescan failed");
      summary.errors.push({ kind: instance.kind, name: instance.name, error: errorMessage(error) });
    }
  }
  return summary;
}
