import type { Deps } from "../../deps.ts";
import { errorMessage } from "../../errors.ts";
import type { ArrClient } from "./client.ts";
import { type ArrInstance, arrInstanceClient, arrInstances } from "./instances.ts";
import type { InstanceRoutes, RoutesSnapshot } from "./route-cache.ts";
import { redrivaCategories } from "./route-detect.ts";

/**
 * Which Sonarr/Radarr instance grabbed a qBit category:
 * 1. ARR_CATEGORIES (`tv-4k=sonarr2`) when it names the category;
 * 2. else what each instance's download clients say (route-detect.ts), read once for all and
 *    kept in `deps.arrRoutes` for ARR_ROUTES_REFRESH_MS (a category nobody claims reads them
 *    again, at most once a minute: a category just added in the *arr is found without a restart);
 * 3. a category two instances claim is nobody's (undefined) until ARR_CATEGORIES settles it.
 */
export type ArrRouteSource = "override" | "detected";

export interface ArrRoute {
  instance: ArrInstance;
  client: ArrClient;
  source: ArrRouteSource;
}

const MISS_READ_GAP_MS = 60_000;
const DOWNLOAD_CLIENTS_PATH = "/api/v3/downloadclient";

export async function arrForCategory(
  deps: Deps,
  category: string,
  /** `readOnMiss: false`: an unknown category waits for the periodic read (background rounds). */
  options: { readOnMiss?: boolean } = {},
): Promise<ArrRoute | undefined> {
  const instances = arrInstances(deps);
  if (instances.length === 0) return undefined;
  const overridden = deps.config.arr.categories[category];
  if (overridden)
    return routeTo(
      deps,
      instances.find((i) => i.id === overridden),
      "override",
    );
  let snapshot = await currentRoutes(deps, instances);
  let owners = categoryOwners(snapshot, category);
  const now = deps.clock.now();
  if (
    owners.length === 0 &&
    options.readOnMiss !== false &&
    now - snapshot.at >= MISS_READ_GAP_MS &&
    now - deps.arrRoutes.lastMissRead >= MISS_READ_GAP_MS
  ) {
    deps.arrRoutes.lastMissRead = now;
    snapshot = await readRoutes(deps, instances);
    owners = categoryOwners(snapshot, category);
  }
  if (owners.length !== 1) return undefined;
  return routeTo(
    deps,
    instances.find((i) => i.id === owners[0]),
    "detected",
  );
}

/** Instance ids whose download clients claim this category. */
export function categoryOwners(snapshot: RoutesSnapshot, category: string): string[] {
  const owners: string[] = [];
  for (const [id, routes] of snapshot.byInstance) if (routes.categories.includes(category)) owners.push(id);
  return owners;
}

export interface ArrRoutesReport {
  instances: Array<Pick<ArrInstance, "id" | "kind" | "name"> & InstanceRoutes>;
  /** ARR_CATEGORIES as configured. */
  overrides: Record<string, string>;
  /** Categories several instances claim (and no override settles): nobody's. */
  ambiguous: string[];
  /** The port a download client entry must use to count as Redriva. */
  port: number;
}

/** What the settings and /downloads pages show; `refresh` reads every instance again now. */
export async function arrRoutesReport(
  deps: Deps,
  options: { refresh?: boolean } = {},
): Promise<ArrRoutesReport> {
  const instances = arrInstances(deps);
  const snapshot = options.refresh ? await readRoutes(deps, instances) : await currentRoutes(deps, instances);
  const overrides = deps.config.arr.categories;
  const claimed = new Map<string, number>();
  for (const routes of snapshot.byInstance.values()) {
    for (const c of routes.categories) claimed.set(c, (claimed.get(c) ?? 0) + 1);
  }
  return {
    instances: instances.map((i) => ({
      id: i.id,
      kind: i.kind,
      name: i.name,
      ...(snapshot.byInstance.get(i.id) ?? emptyRoutes(null)),
    })),
    overrides,
    ambiguous: [...claimed].filter(([c, n]) => n > 1 && !overrides[c]).map(([c]) => c),
    port: redrivaPort(deps),
  };
}

function routeTo(
  deps: Deps,
  instance: ArrInstance | undefined,
  source: ArrRouteSource,
): ArrRoute | undefined {
  const client = instance && arrInstanceClient(deps, instance);
  return instance && client ? { instance, client, source } : undefined;
}

function redrivaPort(deps: Deps): number {
  return deps.config.arr.downloadClientPort || deps.config.port;
}

function fingerprint(instances: readonly ArrInstance[]): string {
  return instances.map((i) => `${i.id} ${i.connection.url} ${i.connection.apiKey}`).join("\n");
}

function currentRoutes(deps: Deps, instances: readonly ArrInstance[]): Promise<RoutesSnapshot> {
  const snapshot = deps.arrRoutes.snapshot;
  const fresh =
    snapshot &&
    snapshot.fingerprint === fingerprint(instances) &&
    deps.clock.now() - snapshot.at < deps.config.arr.routesRefreshMs;
  return fresh ? Promise.resolve(snapshot) : readRoutes(deps, instances);
}

/** Reads every instance's download clients (in parallel, one GET each); callers share one read. */
function readRoutes(deps: Deps, instances: readonly ArrInstance[]): Promise<RoutesSnapshot> {
  const cache = deps.arrRoutes;
  if (cache.loading) return cache.loading;
  const previous = cache.snapshot;
  const port = redrivaPort(deps);
  const loading = (async () => {
    const byInstance = new Map<string, InstanceRoutes>();
    await Promise.all(
      instances.map(async (instance) => {
        const before = previous?.byInstance.get(instance.id);
        try {
          const client = arrInstanceClient(deps, instance);
          if (!client) throw new Error("no URL or API key");
          const found = redrivaCategories(instance.kind, await client.read(DOWNLOAD_CLIENTS_PATH), port);
          byInstance.set(instance.id, { ...found, readAt: deps.clock.now(), error: null });
        } catch (error) {
          // Keep what it said last time: an *arr restarting must not orphan every torrent.
          byInstance.set(instance.id, { ...(before ?? emptyRoutes(null)), error: errorMessage(error) });
          deps.log.warn(
            { arr: instance.id, err: errorMessage(error) },
            "could not read the *arr's download clients",
          );
        }
      }),
    );
    const snapshot: RoutesSnapshot = {
      at: deps.clock.now(),
      fingerprint: fingerprint(instances),
      byInstance,
    };
    cache.snapshot = snapshot;
    return snapshot;
  })();
  cache.loading = loading;
  const done = () => {
    if (cache.loading === loading) cache.loading = null;
  };
  loading.then(done, done);
  return loading;
}

function emptyRoutes(error: string | null): InstanceRoutes {
  return { categories: [], qbitClients: 0, redrivaClients: 0, readAt: null, error };
}
