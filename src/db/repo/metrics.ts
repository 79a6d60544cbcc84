import { lt, sql } from "drizzle-orm";
import { metricSamples } from "../../../schema/jobs.ts";
import type { Db } from "../client.ts";

/** Stored metric samples and the library aggregates /metrics exposes. */

export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  at: number;
  value: number;
}

export function insertSamples(db: Db, samples: MetricSample[]): void {
  if (samples.length === 0) return;
  db.insert(metricSamples)
    .values(
      samples.map((s) => ({ name: s.name, labels: JSON.stringify(s.labels), at: s.at, value: s.value })),
    )
    .run();
}

export function deleteSamplesBefore(db: Db, cutoff: number): number {
  return (
    db.delete(metricSamples).where(lt(metricSamples.at, cutoff)).run() as unknown as { changes: number }
  ).changes;
}

/** Torrents present at the provider, by status (read-only over the library tables). */
export function libraryByStatus(db: Db): Array<{ status: string; count: number; bytes: number }> {
  return db.all<{ status: string; count: number; bytes: number }>(
    sql`SELECT status, count(*) AS count, coalesce(sum(bytes), 0) AS bytes FROM torrents WHERE removed_at IS NULL GROUP BY status ORDER BY status`,
  );
}
