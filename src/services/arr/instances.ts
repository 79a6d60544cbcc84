import type { Deps } from "../../deps.ts";
import { buildArrClient } from "./build.ts";
import type { ArrClient } from "./client.ts";
import { getArrConnection } from "./settings.ts";
import { ARR_KINDS, type ArrConnection, type ArrKind } from "./types.ts";

/**
 * Every Sonarr/Radarr instance this process knows: the first of each kind (`sonarr`, `radarr`:
 * saved from the UI, else SONARR_URL...) and instances 2..9 from the environment (`sonarr2`...).
 */
export interface ArrInstance {
  /** `sonarr`, `sonarr2`, `radarr3`: what ARR_CATEGORIES names. */
  id: string;
  kind: ArrKind;
  /** For people: "Sonarr", "Sonarr 4K" (SONARR_NAME_2), "Radarr #3". */
  name: string;
  connection: ArrConnection;
}

const LABEL: Record<ArrKind, string> = { sonarr: "Sonarr", radarr: "Radarr" };

/** The instances that are switched on and complete (URL and key), first ones first. */
export function arrInstances(deps: Pick<Deps, "config" | "dbh">): ArrInstance[] {
  const list: ArrInstance[] = [];
  for (const kind of ARR_KINDS) {
    list.push({ id: kind, kind, name: LABEL[kind], connection: getArrConnection(deps, kind) });
    for (const extra of deps.config.arr.instances.filter((i) => i.kind === kind)) {
      const { url, apiKey, enabled } = extra;
      list.push({ id: extra.id, kind, name: extra.name, connection: { enabled, url, apiKey } });
    }
  }
  return list.filter((i) => i.connection.enabled && i.connection.url && i.connection.apiKey);
}

/** The client of one instance, kept in `deps.arrClients` so its rate limit holds across calls. */
export function arrInstanceClient(deps: Deps, instance: ArrInstance): ArrClient | undefined {
  return deps.arrClients.get(instance.id, instance.connection, () =>
    buildArrClient(deps, instance.kind, instance.connection),
  );
}
