/**
 * What a job report is made of: the contract between jobs (src/jobs, which fill it) and the
 * report renderer (services/reports/render.ts). Imports nothing, so either side can use it.
 */

/** A section of the HTML report; every string is escaped when rendered. */
export type ReportSection =
  | {
      kind: "table";
      title: string;
      columns: string[];
      rows: Array<Array<string | number | null>>;
      /** Rows left out (the report says "and N more"). */
      more?: number;
    }
  | {
      kind: "bars";
      title: string;
      /** `color`: the bar's own colour (a status keeps its app-wide colour); else the palette's. */
      bars: Array<{ label: string; value: number; color?: string }>;
      unit?: "count" | "bytes";
    }
  | { kind: "text"; title: string; lines: string[] };

/** Provider responses during one run, counted per second, for the report's requests chart. */
export interface RequestBucket {
  /** Epoch seconds. */
  second: number;
  ok: number;
  rateLimited: number;
  failed: number;
}
