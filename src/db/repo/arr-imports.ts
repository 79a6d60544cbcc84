import { and, eq, gte, inArray, isNull } from "drizzle-orm";
import { downloadImports } from "../../../schema/arr-imports.ts";
import { downloadTorrents } from "../../../schema/downloads.ts";
import type { Db } from "../client.ts";

/** Imports the *arrs confirmed for finished downloads (schema/arr-imports.ts). */

export type DownloadImport = typeof downloadImports.$inferSelect;

/** What watching a finished download needs. */
export interface AwaitingImport {
  hash: string;
  category: string;
  completion_on: number;
}

/** Finished downloads (completed since `since`) no *arr has confirmed yet, oldest first. */
export function torrentsAwaitingImport(db: Db, since: number): AwaitingImport[] {
  return db
    .select({
      hash: downloadTorrents.hash,
      category: downloadTorrents.category,
      completion_on: downloadTorrents.completion_on,
    })
    .from(downloadTorrents)
    .leftJoin(downloadImports, eq(downloadImports.hash, downloadTorrents.hash))
    .where(
      and(
        eq(downloadTorrents.stage, "done"),
        isNull(downloadImports.hash),
        gte(downloadTorrents.completion_on, since),
      ),
    )
    .orderBy(downloadTorrents.completion_on)
    .all() as AwaitingImport[];
}

/** Records an import once (a later event for the same download changes nothing). */
export function recordImport(
  db: Db,
  row: Pick<DownloadImport, "hash" | "arr_instance" | "imported_at" | "source_title">,
): void {
  db.insert(downloadImports).values(row).onConflictDoNothing().run();
}

export function importOf(db: Db, hash: string): DownloadImport | undefined {
  return db.select().from(downloadImports).where(eq(downloadImports.hash, hash)).get();
}

export function importsOf(db: Db, hashes: readonly string[]): Map<string, DownloadImport> {
  if (hashes.length === 0) return new Map();
  const rows = db
    .select()
    .from(downloadImports)
    .where(inArray(downloadImports.hash, [...hashes]))
    .all();
  return new Map(rows.map((r) => [r.hash, r]));
}

/** Imported downloads whose provider copy is still there, with what removing it needs. */
export function importedAtProvider(db: Db) {
  return db
    .select({
      hash: downloadTorrents.hash,
      category: downloadTorrents.category,
      provider: downloadTorrents.provider,
      provider_id: downloadTorrents.provider_id,
    })
    .from(downloadImports)
    .innerJoin(downloadTorrents, eq(downloadImports.hash, downloadTorrents.hash))
    .where(and(isNull(downloadImports.provider_removed_at), eq(downloadTorrents.stage, "done")))
    .all();
}

export function markRemovedAtProvider(db: Db, hash: string, at: number): void {
  db.update(downloadImports)
    .set({ provider_removed_at: at, provider_removal_error: null })
    .where(eq(downloadImports.hash, hash))
    .run();
}

export function markProviderRemovalFailed(db: Db, hash: string, error: string): void {
  db.update(downloadImports)
    .set({ provider_removal_error: error })
    .where(eq(downloadImports.hash, hash))
    .run();
}
