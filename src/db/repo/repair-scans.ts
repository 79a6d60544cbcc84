import { desc, eq } from "drizzle-orm";
import { repairLinkChecks, repairScans } from "../../../schema/repair.ts";
import type { Db } from "../client.ts";

/** Repair scans and the link checks of full scans (schema/repair.ts). */

export type ScanRow = typeof repairScans.$inferSelect;

/** Last link check per torrent id (full scans test the least recently checked first). */
export function linkCheckTimes(db: Db, provider: string): Map<string, number> {
  const rows = db
    .select({ id: repairLinkChecks.torrent_id, at: repairLinkChecks.checked_at })
    .from(repairLinkChecks)
    .where(eq(repairLinkChecks.provider, provider))
    .all();
  return new Map(rows.map((r) => [r.id, r.at]));
}

export function recordLinkCheck(
  db: Db,
  check: { torrentId: string; provider: string; ok: boolean; error: string | null },
  now: number,
): void {
  const values = { checked_at: now, ok: check.ok ? 1 : 0, error: check.error };
  db.insert(repairLinkChecks)
    .values({ torrent_id: check.torrentId, provider: check.provider, ...values })
    .onConflictDoUpdate({ target: [repairLinkChecks.provider, repairLinkChecks.torrent_id], set: values })
    .run();
}

export function startScan(db: Db, mode: ScanRow["mode"], now: number): number {
  return db
    .insert(repairScans)
    .values({ mode, started_at: now, status: "running" })
    .returning({ id: repairScans.id })
    .get().id;
}

export function finishScan(
  db: Db,
  id: number,
  result: Pick<
    ScanRow,
    "status" | "torrents_listed" | "checked" | "found" | "new_candidates" | "requests" | "error"
  >,
  now: number,
): void {
  db.update(repairScans)
    .set({ ...result, finished_at: now })
    .where(eq(repairScans.id, id))
    .run();
}

export function recentScans(db: Db, limit = 10): ScanRow[] {
  return db.select().from(repairScans).orderBy(desc(repairScans.started_at)).limit(limit).all();
}
