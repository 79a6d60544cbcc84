import { eq, sql } from "drizzle-orm";
import { repairAttempts } from "../../../schema/repair.ts";
import type { Db } from "../client.ts";
import type { AttemptRow } from "./repair-attempts.ts";

/**
 * Relinks after a repair (src/services/repair/relink.ts) live in their attempt's detail
 * (`detail.relink`): the attempt says what was planned, waited for and rewritten, and a restart
 * finds the waiting ones here.
 */

export function attemptsWaitingToRelink(db: Db): AttemptRow[] {
  return db
    .select()
    .from(repairAttempts)
    .where(sql`json_extract(${repairAttempts.detail}, '$.relink.state') = 'waiting'`)
    .all();
}

export function setAttemptDetail(db: Db, id: number, detail: Record<string, unknown>): void {
  db.update(repairAttempts)
    .set({ detail: JSON.stringify(detail) })
    .where(eq(repairAttempts.id, id))
    .run();
}
