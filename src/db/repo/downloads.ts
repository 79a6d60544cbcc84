import { asc, eq, inArray, max, min } from "drizzle-orm";
import {
  downloadCategories,
  downloadFiles,
  downloadTags,
  downloadTorrents,
} from "../../../schema/downloads.ts";
import {
  type DownloadStage,
  FINAL_STAGE,
  PROVIDER_STAGES,
  SETTLED_STAGES,
} from "../../domain/download-stage.ts";
import type { Db } from "../client.ts";
import { IN_LIST, inList, rawTable, sqliteOf } from "../raw-table.ts";

/**
 * The only place that touches the download tables. What the reconciler calls on every tick
 * (reads, progress writes) runs on cached raw statements (see raw-table.ts); rare writes
 * (adds, categories, tags) go through drizzle.
 */

export type DownloadTorrent = typeof downloadTorrents.$inferSelect;
export type NewDownloadTorrent = typeof downloadTorrents.$inferInsert;
/** A torrent without its .torrent bytes (lists never need them). */
export type DownloadTorrentRow = Omit<DownloadTorrent, "torrent_file">;
export type DownloadFile = typeof downloadFiles.$inferSelect;
export type NewDownloadFile = typeof downloadFiles.$inferInsert;
export type TorrentPatch = Partial<Omit<DownloadTorrent, "hash">>;
export type FilePatch = Partial<Omit<DownloadFile, "id" | "hash">>;

const torrents = rawTable<DownloadTorrent>(downloadTorrents);
const files = rawTable<DownloadFile>(downloadFiles);
/** Columns of a torrent row without the .torrent bytes. */
const ROW_COLUMNS = torrents.columnList(["torrent_file"]);
const ALL_COLUMNS = torrents.columnList();
const FILE_COLUMNS = files.columnList();

/** What bun:sqlite's run() returns (drizzle types it as void). */
interface RunResult {
  changes: number;
}

/**
 * Columns no qBit answer shows (scheduling and bookkeeping): writing only those leaves cached
 * torrents/info answers valid, so a queue of torrents polled at the provider does not defeat
 * the cache.
 */
const BOOKKEEPING: readonly string[] = [
  "next_attempt_at",
  "attempts",
  "providers_tried",
  "message",
  "error",
  "provider",
  "provider_id",
];

const VERSION_SQL =
  'SELECT (SELECT "writes" FROM temp."downloads_write_version") AS writes, (SELECT "data_version" FROM pragma_data_version()) AS version';

/**
 * Moves on every visible change of the download tables: writes of this connection (counted by
 * TEMP triggers, so SQLite keeps the counter of each connection and this module holds no state)
 * and writes of another connection, e.g. the CLI (data_version). Caches of qBit answers key on it.
 */
export function downloadsVersion(db: Db): string {
  const sqlite = sqliteOf(db);
  let row: { writes: number; version: number } | null;
  try {
    row = sqlite.query(VERSION_SQL).get() as typeof row;
  } catch {
    countDownloadWrites(sqlite);
    row = sqlite.query(VERSION_SQL).get() as typeof row;
  }
  return `${row?.writes ?? 0}:${row?.version ?? 0}`;
}

/** Installs this connection's write counter (TEMP objects live as long as the connection). */
function countDownloadWrites(sqlite: ReturnType<typeof sqliteOf>): void {
  const visible = torrents.columnList(BOOKKEEPING);
  const bump = 'UPDATE temp."downloads_write_version" SET "writes" = "writes" + 1';
  const triggers: Array<[string, string]> = [
    ["torrents_insert", 'INSERT ON main."download_torrents"'],
    ["torrents_update", `UPDATE OF ${visible} ON main."download_torrents"`],
    ["torrents_delete", 'DELETE ON main."download_torrents"'],
  ];
  for (const table of ["download_files", "download_categories", "download_tags"])
    for (const event of ["INSERT", "UPDATE", "DELETE"])
      triggers.push([`${table}_${event.toLowerCase()}`, `${event} ON main."${table}"`]);
  sqlite.transaction(() => {
    sqlite.exec('CREATE TEMP TABLE IF NOT EXISTS "downloads_write_version" ("writes" INTEGER NOT NULL)');
    sqlite.exec(
      'INSERT INTO temp."downloads_write_version" SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM temp."downloads_write_version")',
    );
    for (const [name, on] of triggers)
      sqlite.exec(`CREATE TEMP TRIGGER IF NOT EXISTS "count_${name}" AFTER ${on} BEGIN ${bump}; END`);
  })();
}

/** Constant stage names as SQL literals (they are fixed words: no quoting issue). */
const sqlList = (stages: readonly DownloadStage[]) => stages.map((s) => `'${s}'`).join(", ");

// --- torrents ---------------------------------------------------------------------------------

/** True while some torrent still has work to do (a stage that is not settled). */
export function hasUnfinishedTorrents(db: Db): boolean {
  return (
    sqliteOf(db)
      .query(`SELECT 1 FROM "download_torrents" WHERE "stage" NOT IN (${sqlList(SETTLED_STAGES)}) LIMIT 1`)
      .get() !== null
  );
}

/** Inserts; false when the hash is already there. */
export function insertTorrent(db: Db, row: NewDownloadTorrent): boolean {
  const result = db.insert(downloadTorrents).values(row).onConflictDoNothing().run() as unknown as RunResult;
  return result.changes > 0;
}

/** Inserts many in one statement (a batch from torrents/add); hashes already there are skipped. */
export function insertTorrents(db: Db, rows: NewDownloadTorrent[]): void {
  if (rows.length === 0) return;
  db.insert(downloadTorrents).values(rows).onConflictDoNothing().run();
}

export function getTorrent(db: Db, hash: string): DownloadTorrent | undefined {
  return torrents.get(db, `SELECT ${ALL_COLUMNS} FROM "download_torrents" WHERE "hash" = ?`, hash);
}

export interface TorrentQuery {
  category?: string;
  hashes?: string[];
  stages?: DownloadStage[];
}

/**
 * Every visible torrent (not being deleted), oldest first, without .torrent bytes. torrents/info
 * reads all of them on every change: drizzle's row mapping would cost three times the query
 * itself at 1,000 rows.
 */
export function listTorrents(db: Db, query: TorrentQuery = {}): DownloadTorrentRow[] {
  if (query.hashes?.length === 0 || query.stages?.length === 0) return [];
  const where = [`"stage" != ${sqlList([FINAL_STAGE])}`];
  const params: string[] = [];
  if (query.category !== undefined) {
    where.push(`"category" = ?`);
    params.push(query.category);
  }
  if (query.hashes) {
    where.push(`"hash" IN ${IN_LIST}`);
    params.push(inList(query.hashes));
  }
  if (query.stages) {
    where.push(`"stage" IN ${IN_LIST}`);
    params.push(inList(query.stages));
  }
  return torrents.all(
    db,
    `SELECT ${ROW_COLUMNS} FROM "download_torrents" WHERE ${where.join(" AND ")} ORDER BY "added_on", "hash"`,
    ...params,
  );
}

/** Torrents in the given stages, deleted ones included when asked. */
export function torrentsInStages(db: Db, stages: readonly DownloadStage[]): DownloadTorrentRow[] {
  return torrents.all(
    db,
    `SELECT ${ROW_COLUMNS} FROM "download_torrents" WHERE "stage" IN ${IN_LIST} ORDER BY "queue_order"`,
    inList(stages),
  );
}

/** Torrents whose provider step is due. */
export function torrentsDueAtProvider(db: Db, now: number, limit: number): DownloadTorrent[] {
  return torrents.all(
    db,
    `SELECT ${ALL_COLUMNS} FROM "download_torrents"
     WHERE "stage" IN (${sqlList(PROVIDER_STAGES)}) AND "paused" = 0 AND "next_attempt_at" <= ?
     ORDER BY "queue_order" LIMIT ?`,
    now,
    limit,
  );
}

export function updateTorrent(db: Db, hash: string, patch: TorrentPatch): void {
  const keys = Object.keys(patch);
  if (keys.length === 0) return;
  // A delete is final: a provider step or a transfer finishing meanwhile never brings it back.
  torrents.update(db, "hash", hash, patch, { column: "stage", value: FINAL_STAGE });
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
  return result.changes;
}

export function deleteTorrentRow(db: Db, hash: string): void {
  db.delete(downloadTorrents).where(eq(downloadTorrents.hash, hash)).run();
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
  return sqliteOf(db).transaction(work)();
}

// --- files ------------------------------------------------------------------------------------

export function insertFiles(db: Db, rows: NewDownloadFile[]): void {
  if (rows.length === 0) return;
  db.insert(downloadFiles).values(rows).onConflictDoNothing().run();
}

export function filesOf(db: Db, hash: string): DownloadFile[] {
  return files.all(
    db,
    `SELECT ${FILE_COLUMNS} FROM "download_files" WHERE "hash" = ? ORDER BY "file_index"`,
    hash,
  );
}

export function filesOfMany(db: Db, hashes: string[]): DownloadFile[] {
  if (hashes.length === 0) return [];
  return files.all(
    db,
    `SELECT ${FILE_COLUMNS} FROM "download_files" WHERE "hash" IN ${IN_LIST} ORDER BY "hash", "file_index"`,
    inList(hashes),
  );
}

export function getFile(db: Db, id: number): DownloadFile | undefined {
  return files.get(db, `SELECT ${FILE_COLUMNS} FROM "download_files" WHERE "id" = ?`, id);
}

export function filesByGids(db: Db, gids: string[]): DownloadFile[] {
  if (gids.length === 0) return [];
  return files.all(
    db,
    `SELECT ${FILE_COLUMNS} FROM "download_files" WHERE "gid" IN ${IN_LIST} ORDER BY "id"`,
    inList(gids),
  );
}

export function filesWithStatus(db: Db, statuses: readonly DownloadFile["status"][]): DownloadFile[] {
  return files.all(
    db,
    `SELECT ${FILE_COLUMNS} FROM "download_files" WHERE "status" IN ${IN_LIST} ORDER BY "id"`,
    inList(statuses),
  );
}

export function updateFile(db: Db, id: number, patch: FilePatch): void {
  if (Object.keys(patch).length === 0) return;
  files.update(db, "id", id, patch);
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
  return result.changes > 0;
}

export function updateCategory(db: Db, name: string, savePath: string): boolean {
  const result = db
    .update(downloadCategories)
    .set({ save_path: savePath })
    .where(eq(downloadCategories.name, name))
    .run() as unknown as RunResult;
  return result.changes > 0;
}

/** Removes categories; their torrents become uncategorised (as in qBittorrent). */
export function deleteCategories(db: Db, names: string[]): void {
  if (names.length === 0) return;
  db.transaction((tx) => {
    tx.delete(downloadCategories).where(inArray(downloadCategories.name, names)).run();
    tx.update(downloadTorrents).set({ category: "" }).where(inArray(downloadTorrents.category, names)).run();
  });
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
}

export function deleteTags(db: Db, names: string[]): void {
  if (names.length === 0) return;
  db.delete(downloadTags).where(inArray(downloadTags.name, names)).run();
}
