import type { Database } from "bun:sqlite";
import { and, asc, eq, getTableColumns, inArray, lte, max, min, sql } from "drizzle-orm";
import {
  downloadCategories,
  downloadFiles,
  downloadTags,
  downloadTorrents,
} from "../../../schema/downloads.ts";
import type { Db } from "../client.ts";

/** The only place that touches the download tables. */

export type DownloadTorrent = typeof downloadTorrents.$inferSelect;
export type NewDownloadTorrent = typeof downloadTorrents.$inferInsert;
/** A torrent without its .torrent bytes (lists never need them). */
export type DownloadTorrentRow = Omit<DownloadTorrent, "torrent_file">;
export type DownloadFile = typeof downloadFiles.$inferSelect;
export type NewDownloadFile = typeof downloadFiles.$inferInsert;
export type TorrentPatch = Partial<Omit<DownloadTorrent, "hash">>;
export type FilePatch = Partial<Omit<DownloadFile, "id" | "hash">>;

export type Stage =
  | "queued"
  | "provider"
  | "waiting"
  | "downloading"
  | "moving"
  | "done"
  | "error"
  | "deleted";

const { torrent_file: _omitBlob, ...rowColumns } = getTableColumns(downloadTorrents);

/**
 * Bumped on every write through this module: caches of qBit answers key on it (with SQLite's
 * data_version, which moves when another connection, e.g. the CLI, writes).
 */
let writeVersion = 0;

/** What bun:sqlite's run() returns (drizzle types it as void). */
interface RunResult {
  changes: number;
}
const bump = () => {
  writeVersion++;
};

export function downloadsVersion(db: Db): string {
  const row = db.get<{ data_version: number }>(sql`PRAGMA data_version`);
  return `${writeVersion}:${row?.data_version ?? 0}`;
}

// --- torrents ---------------------------------------------------------------------------------

/** True while some torrent still has work to do (anything but done and error). */
export function hasUnfinishedTorrents(db: Db): boolean {
  return (
    db.get<{ one: number }>(
      sql`SELECT 1 AS one FROM ${downloadTorrents} WHERE ${downloadTorrents.stage} NOT IN ('done', 'error') LIMIT 1`,
    ) !== undefined
  );
}

/** Inserts; false when the hash is already there. */
export function insertTorrent(db: Db, row: NewDownloadTorrent): boolean {
  const result = db.insert(downloadTorrents).values(row).onConflictDoNothing().run() as unknown as RunResult;
  bump();
  return result.changes > 0;
}

export function getTorrent(db: Db, hash: string): DownloadTorrent | undefined {
  return db.select().from(downloadTorrents).where(eq(downloadTorrents.hash, hash)).get();
}

export interface TorrentQuery {
  category?: string;
  hashes?: string[];
  stages?: Stage[];
}

const ROW_COLUMNS = Object.values(rowColumns)
  .map((c) => `"${c.name}"`)
  .join(", ");
const BOOLEAN_COLUMNS = ["paused", "force_start", "delete_files"] as const;

/**
 * Every visible torrent (not being deleted), oldest first, without .torrent bytes. Raw SQL on a
 * cached statement: torrents/info reads all of them on every change, and drizzle's row mapping
 * costs three times the query itself at 1,000 rows.
 */
export function listTorrents(db: Db, query: TorrentQuery = {}): DownloadTorrentRow[] {
  const where = [`"stage" != 'deleted'`];
  const params: Array<string> = [];
  if (query.category !== undefined) {
    where.push(`"category" = ?`);
    params.push(query.category);
  }
  if (query.hashes) {
    if (query.hashes.length === 0) return [];
    where.push(`"hash" IN (${query.hashes.map(() => "?").join(", ")})`);
    params.push(...query.hashes);
  }
  if (query.stages) {
    if (query.stages.length === 0) return [];
    where.push(`"stage" IN (${query.stages.map(() => "?").join(", ")})`);
    params.push(...query.stages);
  }
  const sqlText = `SELECT ${ROW_COLUMNS} FROM "download_torrents" WHERE ${where.join(" AND ")} ORDER BY "added_on", "hash"`;
  const client = (db as unknown as { $client: Database }).$client;
  // query() caches the statement; lists of hashes vary in length, so those are prepared once.
  const statement = query.hashes ? client.prepare(sqlText) : client.query(sqlText);
  const rows = statement.all(...params) as Array<Record<string, unknown>>;
  for (const row of rows) for (const key of BOOLEAN_COLUMNS) row[key] = row[key] === 1;
  return rows as unknown as DownloadTorrentRow[];
}

/** Torrents in the given stages, deleted ones included when asked. */
export function torrentsInStages(db: Db, stages: Stage[]): DownloadTorrentRow[] {
  return db
    .select(rowColumns)
    .from(downloadTorrents)
    .where(inArray(downloadTorrents.stage, stages))
    .orderBy(asc(downloadTorrents.queue_order))
    .all();
}

/** Torrents whose provider step is due. */
export function torrentsDueAtProvider(db: Db, now: number, limit: number): DownloadTorrent[] {
  return db
    .select()
    .from(downloadTorrents)
    .where(
      and(
        inArray(downloadTorrents.stage, ["queued", "provider"]),
        eq(downloadTorrents.paused, false),
        lte(downloadTorrents.next_attempt_at, now),
      ),
    )
    .orderBy(asc(downloadTorrents.queue_order))
    .limit(limit)
    .all();
}

/**
 * Columns no qBit answer shows (scheduling and bookkeeping): writing only those leaves cached
 * torrents/info answers valid, so a queue of torrents polled at the provider does not defeat
 * the cache.
 */
const BOOKKEEPING = new Set<string>([
  "next_attempt_at",
  "attempts",
  "providers_tried",
  "message",
  "error",
  "provider",
  "provider_id",
]);

export function updateTorrent(db: Db, hash: string, patch: TorrentPatch): void {
  const keys = Object.keys(patch);
  if (keys.length === 0) return;
  db.update(downloadTorrents).set(patch).where(eq(downloadTorrents.hash, hash)).run();
  if (keys.some((k) => !BOOKKEEPING.has(k))) bump();
}

/** The part of `patch` that differs from `current` (nothing is written for a no-op poll). */
export function changedFields<T extends Record<string, unknown>>(current: T, patch: Partial<T>): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, value] of Object.entries(patch) as Array<[keyof T, T[keyof T]]>)
    if (current[key] !== value) out[key] = value;
  return out;
}

export function updateTorrents(db: Db, hashes: string[], patch: TorrentPatch): number {
  if (hashes.length === 0) return 0;
  const result = db
    .update(downloadTorrents)
    .set(patch)
    .where(inArray(downloadTorrents.hash, hashes))
    .run() as unknown as RunResult;
  bump();
  return result.changes;
}

export function deleteTorrentRow(db: Db, hash: string): void {
  db.delete(downloadTorrents).where(eq(downloadTorrents.hash, hash)).run();
  bump();
}

export function queueOrderBounds(db: Db): { min: number; max: number } {
  const row = db
    .select({ min: min(downloadTorrents.queue_order), max: max(downloadTorrents.queue_order) })
    .from(downloadTorrents)
    .get();
  return { min: row?.min ?? 0, max: row?.max ?? 0 };
}

/** Rows written in one transaction (progress of every active download per tick). */
export function inTransaction<T>(db: Db, work: () => T): T {
  return db.transaction(() => work());
}

// --- files ------------------------------------------------------------------------------------

export function insertFiles(db: Db, rows: NewDownloadFile[]): void {
  if (rows.length === 0) return;
  db.insert(downloadFiles).values(rows).onConflictDoNothing().run();
  bump();
}

export function filesOf(db: Db, hash: string): DownloadFile[] {
  return db
    .select()
    .from(downloadFiles)
    .where(eq(downloadFiles.hash, hash))
    .orderBy(asc(downloadFiles.file_index))
    .all();
}

export function filesOfMany(db: Db, hashes: string[]): DownloadFile[] {
  if (hashes.length === 0) return [];
  return db.select().from(downloadFiles).where(inArray(downloadFiles.hash, hashes)).all();
}

export function getFile(db: Db, id: number): DownloadFile | undefined {
  return db.select().from(downloadFiles).where(eq(downloadFiles.id, id)).get();
}

export function filesByGids(db: Db, gids: string[]): DownloadFile[] {
  if (gids.length === 0) return [];
  return db.select().from(downloadFiles).where(inArray(downloadFiles.gid, gids)).all();
}

export function filesWithStatus(db: Db, statuses: string[]): DownloadFile[] {
  return db.select().from(downloadFiles).where(inArray(downloadFiles.status, statuses)).all();
}

export function updateFile(db: Db, id: number, patch: FilePatch): void {
  if (Object.keys(patch).length === 0) return;
  db.update(downloadFiles).set(patch).where(eq(downloadFiles.id, id)).run();
  bump();
}

export function deleteFilesOf(db: Db, hash: string): void {
  db.delete(downloadFiles).where(eq(downloadFiles.hash, hash)).run();
  bump();
}

// --- categories and tags -----------------------------------------------------------------------

export type DownloadCategory = typeof downloadCategories.$inferSelect;

export function listCategories(db: Db): DownloadCategory[] {
  return db.select().from(downloadCategories).orderBy(asc(downloadCategories.name)).all();
}

export function getCategory(db: Db, name: string): DownloadCategory | undefined {
  return db.select().from(downloadCategories).where(eq(downloadCategories.name, name)).get();
}

export function insertCategory(db: Db, name: string, savePath: string): boolean {
  const result = db
    .insert(downloadCategories)
    .values({ name, save_path: savePath })
    .onConflictDoNothing()
    .run() as unknown as RunResult;
  bump();
  return result.changes > 0;
}

export function updateCategory(db: Db, name: string, savePath: string): boolean {
  const result = db
    .update(downloadCategories)
    .set({ save_path: savePath })
    .where(eq(downloadCategories.name, name))
    .run() as unknown as RunResult;
  bump();
  return result.changes > 0;
}

/** Removes categories; their torrents become uncategorised (as in qBittorrent). */
export function deleteCategories(db: Db, names: string[]): void {
  if (names.length === 0) return;
  db.transaction((tx) => {
    tx.delete(downloadCategories).where(inArray(downloadCategories.name, names)).run();
    tx.update(downloadTorrents).set({ category: "" }).where(inArray(downloadTorrents.category, names)).run();
  });
  bump();
}

export function listTags(db: Db): string[] {
  return db
    .select()
    .from(downloadTags)
    .orderBy(asc(downloadTags.name))
    .all()
    .map((t) => t.name);
}

export function insertTags(db: Db, names: string[]): void {
  if (names.length === 0) return;
  db.insert(downloadTags)
    .values(names.map((name) => ({ name })))
    .onConflictDoNothing()
    .run();
  bump();
}

export function deleteTags(db: Db, names: string[]): void {
  if (names.length === 0) return;
  db.delete(downloadTags).where(inArray(downloadTags.name, names)).run();
  bump();
}
