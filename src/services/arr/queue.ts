import { AppError } from "../../errors.ts";
import type { ArrQueueRecord } from "./types.ts";

/**
 * Reads one page of GET /api/v3/queue ({page, pageSize, totalRecords, records: [...]}, as both
 * Sonarr v3+/v4 and Radarr v3+ answer). Records without an id or download id are skipped.
 */
export function queueRecordsOf(
  body: unknown,
  label: string,
): { records: ArrQueueRecord[]; totalRecords: number } {
  const page = body as { records?: unknown; totalRecords?: unknown } | null;
  if (!page || typeof page !== "object" || !Array.isArray(page.records)) {
    throw new AppError("upstream_error", `${label}: expected a page of queue records`);
  }
  const records: ArrQueueRecord[] = [];
  for (const raw of page.records as Array<Record<string, unknown>>) {
    if (typeof raw?.id !== "number" || typeof raw.downloadId !== "string" || raw.downloadId === "") continue;
    records.push({
      id: raw.id,
      downloadId: raw.downloadId,
      title: typeof raw.title === "string" ? raw.title : "",
      ...numberField(raw, "seriesId"),
      ...numberField(raw, "episodeId"),
      ...numberField(raw, "movieId"),
    });
  }
  const total = typeof page.totalRecords === "number" ? page.totalRecords : records.length;
  return { records, totalRecords: total };
}

function numberField(raw: Record<string, unknown>, key: "seriesId" | "episodeId" | "movieId") {
  return typeof raw[key] === "number" ? { [key]: raw[key] as number } : {};
}
