import { formatRunDuration } from "../../services/reports/render.ts";

/** Formatting helpers handed to the jobs templates (`it.fmt`). */
export const jobsFormat = {
  /** ISO -> "2026-03-01 04:30:00" in the server's time zone (the one cron expressions use). */
  time(iso: string): string {
    const d = new Date(iso);
    const pad = (n: number) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  },
  /** The shared badge class (app.css) of a run status. */
  badge(status: string): string {
    if (status === "succeeded") return "badge-ok";
    if (status === "failed") return "badge-failed";
    if (status === "running") return "badge-active";
    return "badge-warn";
  },
  duration(ms: number | null): string {
    return ms === null ? "" : formatRunDuration(ms);
  },
};
