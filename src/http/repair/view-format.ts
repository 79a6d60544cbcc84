/** Formatting helpers handed to the repair templates (`it.fmt`). */
export function repairFormat(now: number) {
  const pad = (n: number) => String(n).padStart(2, "0");
  const duration = (ms: number) => {
    const m = Math.round(Math.abs(ms) / 60_000);
    if (m < 60) return `${m} min`;
    const h = Math.floor(m / 60);
    return h < 48 ? `${h} h ${pad(m % 60)}` : `${Math.floor(h / 24)} d`;
  };
  return {
    time(ms: number | null | undefined): string {
      if (ms === null || ms === undefined) return "";
      const d = new Date(ms);
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
    },
    /** "in 2 h 59" / "5 min overdue". */
    due(ms: number | null | undefined): string {
      if (ms === null || ms === undefined) return "";
      return ms >= now ? `in ${duration(ms - now)}` : `${duration(now - ms)} overdue`;
    },
    hours(ms: number): string {
      return duration(ms);
    },
    /** The shared badge class (app.css) of a candidate state or attempt outcome. */
    badge(state: string): string {
      if (state === "repaired") return "badge-ok";
      if (state === "failed" || state === "aborted") return "badge-failed";
      if (state === "running" || state === "planned") return "badge-active";
      return "badge-warn";
    },
  };
}
