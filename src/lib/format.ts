/** Human formats shared by the CLI, pages and reports. */
export function formatBytes(bytes: number, digits = 1): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return "0 B";
  const units = ["B", "KB", "MB", "GB", "TB", "PB"];
  const exp = Math.min(Math.floor(Math.log(bytes) / Math.log(1024)), units.length - 1);
  const value = bytes / 1024 ** exp;
  return `${value.toFixed(exp === 0 ? 0 : digits)} ${units[exp]}`;
}

/**
 * How long something took or will take, the one way every page, report and CLI line says it:
 * "0.42 s", "4.2 s", "42 s", "3 min 05 s", "2 h 05 min", "3 d 04 h".
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "?";
  if (ms < 1_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${pad(s % 60)} s`;
  const h = Math.floor(s / 3600);
  if (h < 48) return `${h} h ${pad(Math.floor((s % 3600) / 60))} min`;
  return `${Math.floor(h / 24)} d ${pad(h % 24)} h`;
}

/** "12,345". Whole numbers are grouped by hand: toLocaleString builds an ICU formatter per call. */
export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString("en-US");
  const digits = String(Math.abs(n)).replace(/\B(?=(\d{3})+$)/g, ",");
  return n < 0 || Object.is(n, -0) ? `-${digits}` : digits;
}

export function formatPercent(part: number, total: number, digits = 1): string {
  if (total <= 0) return "0.0%";
  return `${((part / total) * 100).toFixed(digits)}%`;
}
