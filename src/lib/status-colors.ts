/**
 * One colour per library status, everywhere a status is drawn (stats donut and bars, job
 * report charts). Badges use the matching tone classes of app.css; the list's progress bars use
 * app.css rules by data-status with these colours (a test keeps the two in step).
 * The failed statuses stay apart: error red, magnet error orange, virus magenta, dead grey.
 */
export const STATUS_COLORS: Readonly<Record<string, string>> = {
  downloaded: "#3fb950",
  downloading: "#4c9aff",
  queued: "#79c0ff",
  compressing: "#39c5cf",
  uploading: "#56d4dd",
  magnet_conversion: "#a371f7",
  waiting_files_selection: "#d29922",
  error: "#f85149",
  magnet_error: "#f0883e",
  virus: "#db61a2",
  dead: "#8b949e",
};

/** Statuses the provider invented after this list was written. */
export const UNKNOWN_STATUS_COLOR = "#484f58";

export function statusColor(status: string): string {
  return STATUS_COLORS[status] ?? UNKNOWN_STATUS_COLOR;
}
