import type { Eta } from "eta";

/** The page of a symlink scan report, every value already in words (escaped by the template). */
export interface SymlinkScanReportInput {
  scanId: number;
  startedAt: string;
  finishedAt: string;
  mode: string;
  depth: string;
  status: string;
  statusWords: string;
  error: string | null;
  root: string;
  folders: string;
  checked: string;
  probed: string;
  duration: string;
  deleted: string;
  rescans: string;
  total: string;
  /** "and 1,200 more" when the report leaves findings out; null when it lists them all. */
  more: string | null;
  byType: Array<{ label: string; count: string }>;
}

export interface SymlinkScanReportRow {
  type: string;
  label: string;
  path: string;
  kind: string;
  target: string;
  detail: string;
  action: string;
}

/** Where the rows go in the page: a comment no escaped value can contain. */
const ROWS_SLOT = "<!--rows-->";
const ROWS_PER_CHUNK = 1000;

/**
 * A symlink scan report (views/reports/symlink-scan.eta) in pieces: the page around the rows,
 * then the rows 1,000 at a time, so a 20,000-row report is never one big string in memory.
 */
export function* renderSymlinkScanReport(
  views: Eta,
  input: SymlinkScanReportInput,
  rows: Iterable<SymlinkScanReportRow>,
): Generator<string> {
  const page = views.render("./symlink-scan", { ...input, rowsSlot: ROWS_SLOT });
  const at = page.indexOf(ROWS_SLOT);
  yield page.slice(0, at);
  let chunk: SymlinkScanReportRow[] = [];
  for (const row of rows) {
    chunk.push(row);
    if (chunk.length >= ROWS_PER_CHUNK) {
      yield views.render("./symlink-scan-rows", { rows: chunk });
      chunk = [];
    }
  }
  if (chunk.length > 0) yield views.render("./symlink-scan-rows", { rows: chunk });
  yield page.slice(at + ROWS_SLOT.length);
}
