/**
 * One colour per library status, everywhere a status is drawn (stats donut and bars, job
 * report charts). Badges and progress bars use the matching tone classes of app.css.
 * The failed statuses stay apart: error red, magnet error orange, virus magenta, dead grey.
 */
const STATUS_COLORS: Record<string, string> = {
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
const UNKNOWN_STATUS_COLOR = "#484f58";

export function statusColor(status: string): string {
  return STATUS_COLORS[status] ?? UNKNOWN_STATUS_COLOR;
}
