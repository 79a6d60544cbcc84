import { and, asc, count, desc, eq, inArray, isNotNull, isNull, notInArray, sql } from "drizzle-orm";
import { symlinkProblems, symlinkScans } from "../../../schema/symlinks.ts";
import type { Db, DbHandle } from "../client.ts";

/** Symlink-checker history: the only place with SQL on `symlink_scans` / `symlink_problems`. */

export type SymlinkScanRow = typeof symlinkScans.$inferSelect;
export type SymlinkProblemRow = typeof symlinkProblems.$inferSelect;
export type NewSymlinkProblem = Omit<typeof symlinkProblems.$inferInsert, "id" | "scan_id">;
export type SymlinkScanUpdate = Partial<Omit<SymlinkScanRow, "id">>;

/** Statuses of a scan that still has work to do (not subject to retention). */
export const OPEN_SCAN_STATUSES = ["running", "awaiting_confirmation"] as const;

export function insertScan(
  db: Db,
  input: {
    startedAt: number;
    mode: SymlinkScanRow["mode"];
    depth: SymlinkScanRow["depth"];
    paths: string[];
    root: string;
    pid: number;
    options: object;
  },
): number {
  const row = db
    .insert(symlinkScans)
    .values({
      started_at: input.startedAt,
      mode: input.mode,
      depth: input.depth,
      paths: JSON.stringify(input.paths),
      root: input.root,
      status: "running",
      phase: "walk",
      pid: input.pid,
      options: JSON.stringify(input.options),
    })
    .returning({ id: symlinkScans.id })
    .get();
  return row.id;
}

export function updateScan(db: Db, id: number, values: SymlinkScanUpdate): void {
  db.update(symlinkScans).set(values).where(eq(symlinkScans.id, id)).run();
}

export function getScan(db: Db, id: number): SymlinkScanRow | undefined {
  return db.select().from(symlinkScans).where(eq(symlinkScans.id, id)).get();
}

export function listScans(db: Db, limit = 50): SymlinkScanRow[] {
  return db.select().from(symlinkScans).orderBy(desc(symlinkScans.id)).limit(limit).all();
}

export function listScansWithStatus(db: Db, statuses: readonly SymlinkScanRow["status"][]): SymlinkScanRow[] {
  return db
    .select()
    .from(symlinkScans)
    .where(inArray(symlinkScans.status, [...statuses]))
    .all();
}

const INSERT_PROBLEM =
  "INSERT INTO symlink_problems (scan_id, path, type, kind, target, size, detail) VALUES (?, ?, ?, ?, ?, ?, ?)";

/**
 * Appends problems in one transaction (the scanner calls it per batch of up to thousands).
 * A prepared statement, not drizzle's multi-row insert: about 8x faster for 50,000 rows,
 * which matters because phase 1 on a big library can find that many. bun:sqlite's `query()`
 * prepares it once per connection and caches it there.
 */
export function insertProblems(dbh: DbHandle, scanId: number, problems: readonly NewSymlinkProblem[]): void {
  if (problems.length === 0) return;
  const statement = dbh.sqlite.query(INSERT_PROBLEM);
  dbh.sqlite.transaction(() => {
    for (const r of problems)
      statement.run(scanId, r.path, r.type, r.kind, r.target ?? null, r.size ?? null, r.detail ?? null);
  })();
}

/** Which problems of a scan: by type, path search, ids, and what deletion did with them. */
export interface ProblemFilter {
  types?: readonly SymlinkProblemRow["type"][];
  /** Case-insensitive substring of the path. */
  query?: string;
  ids?: readonly number[];
  /** pending: not deleted and no failed attempt; deleted; failed: an attempt that did not delete. */
  outcome?: "pending" | "deleted" | "failed";
  /** Shorthand for outcome "pending". */
  onlyPending?: boolean;
}

function problemConditions(scanId: number, filter: ProblemFilter) {
  const conditions = [eq(symlinkProblems.scan_id, scanId)];
  if (filter.types && filter.types.length > 0)
    conditions.push(inArray(symlinkProblems.type, [...filter.types]));
  if (filter.query)
    conditions.push(sql`instr(lower(${symlinkProblems.path}), ${filter.query.toLowerCase()}) > 0`);
  if (filter.ids) conditions.push(inArray(symlinkProblems.id, [...filter.ids]));
  const outcome = filter.onlyPending ? "pending" : filter.outcome;
  if (outcome === "pending")
    conditions.push(isNull(symlinkProblems.deleted_at), isNull(symlinkProblems.delete_error));
  if (outcome === "deleted") conditions.push(isNotNull(symlinkProblems.deleted_at));
  if (outcome === "failed")
    conditions.push(isNull(symlinkProblems.deleted_at), isNotNull(symlinkProblems.delete_error));
  return and(...conditions);
}

export function listProblems(
  db: Db,
  scanId: number,
  options: ProblemFilter & { limit?: number; offset?: number } = {},
): SymlinkProblemRow[] {
  const where = problemConditions(scanId, options);
  if (options.limit === undefined)
    return db.select().from(symlinkProblems).where(where).orderBy(asc(symlinkProblems.path)).all();
  // The page's ids first: the sort then carries (path, id), not whole rows (10x faster deep pages).
  const page = db
    .select({ id: symlinkProblems.id })
    .from(symlinkProblems)
    .where(where)
    .orderBy(asc(symlinkProblems.path))
    .limit(options.limit)
    .offset(options.offset ?? 0);
  return db
    .select()
    .from(symlinkProblems)
    .where(inArray(symlinkProblems.id, page))
    .orderBy(asc(symlinkProblems.path))
    .all();
}

/**
 * Counts by type and by what deletion did, in one pass: the scan page derives its totals, kind
 * chips and outcome chips from these instead of one count query each.
 */
export function tallyProblems(
  db: Db,
  scanId: number,
  filter: Pick<ProblemFilter, "query"> = {},
): Array<{ type: string; outcome: "pending" | "deleted" | "failed"; n: number }> {
  const outcome = sql<
    "pending" | "deleted" | "failed"
  >`CASE WHEN ${symlinkProblems.deleted_at} IS NOT NULL THEN 'deleted' WHEN ${symlinkProblems.delete_error} IS NOT NULL THEN 'failed' ELSE 'pending' END`;
  return db
    .select({ type: symlinkProblems.type, outcome, n: count() })
    .from(symlinkProblems)
    .where(problemConditions(scanId, filter))
    .groupBy(symlinkProblems.type, outcome)
    .all();
}

/** How many problems match a filter. */
export function countProblems(db: Db, scanId: number, filter: ProblemFilter = {}): number {
  const row = db.select({ n: count() }).from(symlinkProblems).where(problemConditions(scanId, filter)).get();
  return row?.n ?? 0;
}

/**
 * The problems of a scan in path order, one row at a time (reports of 20,000 rows are written
 * without holding them all in memory).
 */
export function* iterateProblems(dbh: DbHandle, scanId: number, limit: number): Generator<SymlinkProblemRow> {
  const statement = dbh.sqlite.prepare(
    "SELECT * FROM symlink_problems WHERE scan_id = ? ORDER BY path LIMIT ?",
  );
  try {
    for (const row of statement.iterate(scanId, limit)) yield row as SymlinkProblemRow;
  } finally {
    statement.finalize();
  }
}

/** Counts by type; `filter` (its types left out) narrows them, e.g. to a path search. */
export function countProblemsByType(
  db: Db,
  scanId: number,
  filter: Omit<ProblemFilter, "types"> = {},
): Record<string, number> {
  const rows = db
    .select({ type: symlinkProblems.type, n: count() })
    .from(symlinkProblems)
    .where(problemConditions(scanId, filter))
    .groupBy(symlinkProblems.type)
    .all();
  return Object.fromEntries(rows.map((r) => [r.type, r.n]));
}

export function markProblemDeleted(db: Db, id: number, at: number): void {
  db.update(symlinkProblems)
    .set({ deleted_at: at, delete_error: null })
    .where(eq(symlinkProblems.id, id))
    .run();
}

export function markProblemDeleteFailed(db: Db, id: number, error: string): void {
  db.update(symlinkProblems).set({ delete_error: error }).where(eq(symlinkProblems.id, id)).run();
}

/**
 * Keeps the `keep` most recent finished scans (open ones are never pruned) and returns the
 * removed rows so the caller can delete their report files.
 */
export function pruneScans(db: Db, keep: number): SymlinkScanRow[] {
  const kept = db
    .select({ id: symlinkScans.id })
    .from(symlinkScans)
    .where(notInArray(symlinkScans.status, [...OPEN_SCAN_STATUSES]))
    .orderBy(desc(symlinkScans.id))
    .limit(keep)
    .all()
    .map((r) => r.id);
  const doomed = db
    .select()
    .from(symlinkScans)
    .where(
      and(
        notInArray(symlinkScans.status, [...OPEN_SCAN_STATUSES]),
        kept.length > 0 ? notInArray(symlinkScans.id, kept) : sql`1 = 1`,
      ),
    )
    .all();
  if (doomed.length > 0) {
    db.delete(symlinkScans)
      .where(
        inArray(
          symlinkScans.id,
          doomed.map((d) => d.id),
        ),
      )
      .run();
  }
  return doomed;
}

/** Mean ffprobe time of the last scan that measured one, to estimate the next phase 2. */
export function lastProbeAverageMs(db: Db): number | undefined {
  const row = db
    .select({ avg: symlinkScans.probe_avg_ms })
    .from(symlinkScans)
    .where(sql`${symlinkScans.probe_avg_ms} IS NOT NULL`)
    .orderBy(desc(symlinkScans.id))
    .limit(1)
    .get();
  return row?.avg ?? undefined;
}
