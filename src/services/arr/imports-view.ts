import { importsOf } from "../../db/repo/arr-imports.ts";
import type { Deps } from "../../deps.ts";
import { arrInstances } from "./instances.ts";

/** What the pages say about a confirmed import: who ("Sonarr 4K"), when, and the provider's copy. */
export interface ImportSummary {
  by: string;
  at: number;
  /** When the provider's copy was removed afterwards (DOWNLOAD_DELETE_AT_PROVIDER=imported). */
  removedAtProvider: number | null;
}

/** The confirmed imports among these info-hashes (any case), keyed by the hash as given. */
export function importSummaries(deps: Deps, hashes: readonly string[]): Map<string, ImportSummary> {
  const records = importsOf(
    deps.dbh.db,
    hashes.map((h) => h.toLowerCase()),
  );
  if (records.size === 0) return new Map();
  const names = new Map(arrInstances(deps).map((i) => [i.id, i.name]));
  const summaries = new Map<string, ImportSummary>();
  for (const hash of hashes) {
    const record = records.get(hash.toLowerCase());
    if (!record) continue;
    summaries.set(hash, {
      by: names.get(record.arr_instance) ?? record.arr_instance,
      at: record.imported_at,
      removedAtProvider: record.provider_removed_at,
    });
  }
  return summaries;
}
