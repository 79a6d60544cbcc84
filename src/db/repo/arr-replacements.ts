import { and, count, desc, eq, inArray } from "drizzle-orm";
import { arrReplacements } from "../../../schema/arr-replacements.ts";
import type { GrabFailureReason } from "../../domain/grab-failure.ts";
import type { Db } from "../client.ts";
import { IN_LIST, inList, sqliteOf } from "../raw-table.ts";

/** Replacement attempts of failed grabs through Sonarr/Radarr (schema/arr-replacements.ts). */

export type ArrReplacementRow = typeof arrReplacements.$inferSelect;
export type ArrReplacementInput = Omit<typeof arrReplacements.$inferInsert, "id">;

/** A failed grab the replacer has to look at: a new failure, or an attempt due again. */
export interface GrabToReplace {
  hash: string;
  name: string;
  category: string;
  reason: GrabFailureReason;
  failedAt: number;
  /** The attempt row being retried, if any. */
  attemptId: number | null;
  tries: number;
}

/**
 * Torrents failed for good for one of `reasons`, with no attempt yet for this failure (dry runs
 * counted apart), or whose attempt is due again. Runs on every downloads tick: one cached
 * statement, and the stage index keeps it cheap.
 */
export function grabsToReplace(
  db: Db,
  reasons: readonly GrabFailureReason[],
  dryRun: boolean,
  now: number,
  limit = 20,
): GrabToReplace[] {
  if (reasons.length === 0) return [];
  const rows = sqliteOf(db)
    .query<
      {
        hash: string;
        name: string;
        category: string;
        reason: GrabFailureReason;
        failedAt: number;
        attemptId: number | null;
        tries: number | null;
      },
      [string, number, number, number]
    >(
      `SELECT t."hash" AS hash, t."name" AS name, t."category" AS category, t."fail_reason" AS reason,
              t."failed_at" AS failedAt, r."id" AS attemptId, r."tries" AS tries
       FROM "download_torrents" t
       LEFT JOIN "arr_replacements" r
         ON r."hash" = t."hash" AND r."failed_at" = t."failed_at" AND r."dry_run" = ?2
       WHERE t."stage" = 'error' AND t."failed_at" IS NOT NULL AND t."fail_reason" IN ${IN_LIST.replace("?", "?1")}
         AND (r."id" IS NULL OR (r."next_try_at" IS NOT NULL AND r."next_try_at" <= ?3))
       ORDER BY t."failed_at" LIMIT ?4`,
    )
    .all(inList(reasons), dryRun ? 1 : 0, now, limit);
  return rows.map((r) => ({ ...r, tries: r.tries ?? 0 }));
}

/** Records the attempt of one failure (a retry updates the same row). */
export function saveReplacement(db: Db, attemptId: number | null, row: ArrReplacementInput): number {
  if (attemptId !== null) {
    const { created_at: _first, ...update } = row;
    db.update(arrReplacements).set(update).where(eq(arrReplacements.id, attemptId)).run();
    return attemptId;
  }
  return db.insert(arrReplacements).values(row).returning({ id: arrReplacements.id }).get().id;
}

/** Real (not dry-run) replacements already made for this title on this *arr instance. */
export function replacementsOfTitle(db: Db, arrUrl: string, titleKey: string): number {
  return (
    db
      .select({ n: count() })
      .from(arrReplacements)
      .where(
        and(
          eq(arrReplacements.arr_url, arrUrl),
          eq(arrReplacements.title_key, titleKey),
          eq(arrReplacements.outcome, "replaced"),
          eq(arrReplacements.dry_run, false),
        ),
      )
      .get()?.n ?? 0
  );
}

export function recentReplacements(db: Db, limit = 20): ArrReplacementRow[] {
  return db
    .select()
    .from(arrReplacements)
    .orderBy(desc(arrReplacements.updated_at), desc(arrReplacements.id))
    .limit(limit)
    .all();
}

/** The latest attempt of each of these torrents. */
export function latestReplacementsOf(db: Db, hashes: readonly string[]): Map<string, ArrReplacementRow> {
  const latest = new Map<string, ArrReplacementRow>();
  if (hashes.length === 0) return latest;
  const rows = db
    .select()
    .from(arrReplacements)
    .where(inArray(arrReplacements.hash, [...hashes]))
    .orderBy(desc(arrReplacements.updated_at), desc(arrReplacements.id))
    .all();
  for (const row of rows) if (!latest.has(row.hash)) latest.set(row.hash, row);
  return latest;
}
