import type { Deps } from "../../deps.ts";
import { errorMessage } from "../../errors.ts";
import type { ArrClient } from "./client.ts";
import { type ArrInstance, arrInstanceClient, arrInstances } from "./instances.ts";
import { arrForCategory } from "./route.ts";
import type { ArrKind } from "./types.ts";

export interface ArrTarget {
  kind: ArrKind;
  /** "Sonarr", "Sonarr 4K". */
  name: string;
  url: string;
  client: ArrClient;
}

const LOOKS_LIKE: Record<ArrKind, RegExp> = {
  sonarr: /sonarr|tv|series|show|anime/i,
  radarr: /radarr|movie|film/i,
};

/**
 * The Sonarr/Radarr instances to look in for a failed grab of this qBit category: the one the
 * category → *arr mapping names (ARR_CATEGORIES, else the *arrs' own download-client settings,
 * src/services/arr/route.ts). When nobody claims the category (or two do), every instance, the
 * likeliest by the category's name first: the replacer only removes what a queue lists under that
 * download id, so looking in the wrong one first costs one read, never a wrong removal.
 */
export async function arrTargetsForCategory(deps: Deps, category: string): Promise<ArrTarget[]> {
  const route = await arrForCategory(deps, category).catch((error) => {
    deps.log.warn({ category, err: errorMessage(error) }, "category → *arr mapping failed");
    return undefined;
  });
  if (route) return [targetOf(route.instance, route.client)];
  const targets: ArrTarget[] = [];
  for (const instance of arrInstances(deps)) {
    const client = arrInstanceClient(deps, instance);
    if (client) targets.push(targetOf(instance, client));
  }
  const score = (t: ArrTarget) => (LOOKS_LIKE[t.kind].test(category) ? 0 : 1);
  return targets.sort((a, b) => score(a) - score(b));
}

function targetOf(instance: ArrInstance, client: ArrClient): ArrTarget {
  return { kind: instance.kind, name: instance.name, url: client.url, client };
}
