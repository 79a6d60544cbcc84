/**
 * A cron expression in words for the /jobs page ("every 15 minutes", "daily at 04:30").
 * Only the common shapes are worded; anything else returns null and the page shows the cron alone.
 */
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const NUMBER = /^\d{1,2}$/;
const STEP = /^\*\/(\d{1,2})$/;

const pad = (n: string) => n.padStart(2, "0");
const plural = (n: number, unit: string) => (n === 1 ? `every ${unit}` : `every ${n} ${unit}s`);

export function cronInWords(expression: string | null): string | null {
  if (expression === null || expression === "off") return "never (off)";
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return null;
  const [minute, hour, day, month, weekday] = fields as [string, string, string, string, string];
  if (month !== "*") return null;
  const everyDay = day === "*" && weekday === "*";
  const minuteStep = STEP.exec(minute);
  if (minuteStep && hour === "*" && everyDay) return plural(Number(minuteStep[1]), "minute");
  if (minute === "*" && hour === "*" && everyDay) return "every minute";
  if (!NUMBER.test(minute)) return null;
  const hourStep = STEP.exec(hour);
  if (hour === "*" && everyDay) return `every hour at :${pad(minute)}`;
  if (hourStep && everyDay) return `${plural(Number(hourStep[1]), "hour")} at :${pad(minute)}`;
  if (!NUMBER.test(hour)) return null;
  const at = `${pad(hour)}:${pad(minute)}`;
  if (everyDay) return `daily at ${at}`;
  if (day === "*" && /^[0-7]$/.test(weekday)) return `every ${DAYS[Number(weekday) % 7]} at ${at}`;
  if (NUMBER.test(day) && weekday === "*") return `monthly on day ${Number(day)} at ${at}`;
  return null;
}

/** "in 4 min", "in 2 h 05 min", "now" for a time to come. */
export function untilInWords(at: number, now: number): string {
  const ms = at - now;
  if (ms < 60_000) return ms <= 0 ? "now" : "in less than a minute";
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `in ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `in ${hours} h ${String(minutes % 60).padStart(2, "0")} min`;
  return `in ${Math.round(hours / 24)} days`;
}
