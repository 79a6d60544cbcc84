import {
  type ArrReplacementRow,
  latestReplacementsOf,
  recentReplacements,
} from "../../db/repo/arr-replacements.ts";
import type { Deps } from "../../deps.ts";
import { REPLACE_MAX_TRIES } from "./replace.ts";

const LABEL: Record<string, string> = { sonarr: "Sonarr", radarr: "Radarr" };

/** One attempt in words (the /downloads rows and the replacements list). */
export function describeReplacement(row: ArrReplacementRow): string {
  const arr = LABEL[row.arr_kind ?? ""] ?? "the *arr";
  const reason = row.reason.replaceAll("_", " ");
  switch (row.outcome) {
    case "planned":
      return `Dry run (${reason}): would remove it from the ${arr} queue (item ${row.queue_id}) with blocklist, so ${arr} searches another release`;
    case "replaced":
      return `Failed (${reason}): removed from the ${arr} queue with blocklist; ${arr} searches another release`;
    case "capped":
      return `Failed (${reason}): not replaced, ${row.error ?? "replacement cap reached"}; left in the ${arr} queue for you`;
    case "no_arr":
      return `Failed (${reason}): not replaced, no Sonarr/Radarr connection is enabled`;
    case "not_in_queue":
      return `Failed (${reason}): not in any Sonarr/Radarr queue${row.next_try_at ? ` yet (look ${row.tries} of ${REPLACE_MAX_TRIES})` : ", not replaced"}`;
    case "failed":
      return `Failed (${reason}): ${arr} did not take the removal (${row.error ?? "error"})${row.next_try_at ? `; trying again (${row.tries} of ${REPLACE_MAX_TRIES})` : ""}`;
  }
}

export interface ReplacementView {
  hash: string;
  name: string;
  category: string;
  outcome: ArrReplacementRow["outcome"];
  dryRun: boolean;
  at: number;
  text: string;
}

function viewOf(row: ArrReplacementRow): ReplacementView {
  return {
    hash: row.hash,
    name: row.name,
    category: row.category,
    outcome: row.outcome,
    dryRun: row.dry_run,
    at: row.updated_at,
    text: describeReplacement(row),
  };
}

/** The latest attempt of each of these torrents, in words. */
export function replacementTexts(deps: Deps, hashes: readonly string[]): Map<string, string> {
  const texts = new Map<string, string>();
  for (const [hash, row] of latestReplacementsOf(deps.dbh.db, hashes))
    texts.set(hash, describeReplacement(row));
  return texts;
}

/** The last attempts (the torrents themselves are often gone: the *arr deleted them). */
export function recentReplacementViews(deps: Deps, limit = 10): ReplacementView[] {
  return recentReplacements(deps.dbh.db, limit).map(viewOf);
}
