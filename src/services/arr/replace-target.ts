import type { Deps } from "../../deps.ts";
import type { ArrClient } from "./client.ts";
import { getArrClient } from "./index.ts";
import { ARR_KINDS, type ArrKind } from "./types.ts";

export interface ArrTarget {
  kind: ArrKind;
  url: string;
  client: ArrClient;
}

const LOOKS_LIKE: Record<ArrKind, RegExp> = {
  sonarr: /sonarr|tv|series|show|anime/i,
  radarr: /radarr|movie|film/i,
};

/**
 * The Sonarr/Radarr instances that may have grabbed a download of this qBit category, the
 * likeliest first (the category's name says "tv"/"sonarr" or "movies"/"radarr"). The replacer
 * confirms with the queue itself (the download id is there or not), so a guess never removes
 * the wrong thing. The one place to swap for the category → *arr mapping (issue 18 part B).
 */
export function arrTargetsForCategory(deps: Deps, category: string): ArrTarget[] {
  const targets: ArrTarget[] = [];
  for (const kind of ARR_KINDS) {
    const client = getArrClient(deps, kind);
    if (client) targets.push({ kind, url: client.url, client });
  }
  const score = (t: ArrTarget) => (LOOKS_LIKE[t.kind].test(category) ? 0 : 1);
  return targets.sort((a, b) => score(a) - score(b));
}
