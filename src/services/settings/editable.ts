import type { Config } from "../../config/index.ts";

/**
 * The settings /settings lets people change: each one is an environment variable (same name,
 * same validation), stored in SQLite and applied to the running process (live.ts); a saved value
 * wins over the environment's, which stays the default a reset goes back to. Only values that are
 * safe to change from a browser are here (no paths, ports or logins).
 */
export type SettingUnit = "duration" | "bytes" | "speed" | "count" | "days" | "bool" | "choice" | "url";

export interface EditableSetting {
  /** The environment variable (also the form field's name). */
  name: string;
  section: string;
  label: string;
  unit: SettingUnit;
  /** What to type, shown under the field. */
  hint: string;
  /** Never shown back, not even masked in the field: empty keeps the saved value. */
  secret?: boolean;
  choices?: readonly string[];
  /** Built once at start, not rebuilt while running: the page says "applies after restart". */
  appliesAfterRestart?: boolean;
  /** The value the running process uses. */
  current(config: Config): unknown;
}

export const EDITABLE_SETTINGS: readonly EditableSetting[] = [
  {
    name: "DRY_RUN",
    section: "Safety",
    label: "Dry run: repair and clean-up only say what they would do",
    unit: "bool",
    hint: "true or false",
    current: (c) => c.dryRun,
  },
  {
    name: "REPAIR_RETRY_DELAY",
    section: "Repair",
    label: "Wait before trying a failed repair again",
    unit: "duration",
    hint: "3h, 90m, 45s or 1d",
    current: (c) => c.repair.retryDelayMs,
  },
  {
    name: "REPAIR_MAX_ATTEMPTS",
    section: "Repair",
    label: "Attempts before a repair is given up",
    unit: "count",
    hint: "a positive whole number",
    current: (c) => c.repair.maxAttempts,
  },
  {
    name: "REPAIR_RUN_LIMIT",
    section: "Repair",
    label: "Torrents handled per repair run",
    unit: "count",
    hint: "a positive whole number",
    current: (c) => c.repair.runLimit,
  },
  {
    name: "DOWNLOAD_SPEED_LIMIT",
    section: "Downloads",
    label: "Download speed limit",
    unit: "speed",
    hint: "20MB (per second), 0 for unlimited",
    current: (c) => c.downloads.speed.limit,
  },
  {
    name: "REPORTS_KEEP",
    section: "Jobs and reports",
    label: "Reports kept per job",
    unit: "count",
    hint: "a positive whole number",
    current: (c) => c.jobs.reportsKeep,
  },
  {
    name: "JOB_HISTORY_DAYS",
    section: "Jobs and reports",
    label: "Job runs kept",
    unit: "days",
    hint: "days, a positive whole number",
    current: (c) => c.jobs.historyDays,
  },
  {
    name: "DISK_SPACE_LOW",
    section: "Notifications",
    label: "Warn when free disk space falls under",
    unit: "bytes",
    hint: "20GB, 500MB",
    current: (c) => c.notifications.diskSpaceLowBytes,
  },
  {
    name: "DISCORD_WEBHOOK_URL",
    section: "Notifications",
    label: "Discord webhook",
    unit: "url",
    hint: "https://discord.com/api/webhooks/…",
    secret: true,
    current: (c) => c.notifications.discordWebhookUrl,
  },
  {
    name: "ARR_COMMANDS_PER_MINUTE",
    section: "Sonarr and Radarr",
    label: "Commands per minute sent to each instance",
    unit: "count",
    hint: "a positive whole number",
    current: (c) => c.arr.commandsPerMinute,
  },
  {
    name: "ARR_FULL_RESCAN_THRESHOLD",
    section: "Sonarr and Radarr",
    label: "Above this many series/movies, one library-wide rescan",
    unit: "count",
    hint: "a positive whole number",
    current: (c) => c.arr.fullRescanThreshold,
  },
  {
    name: "ARR_NEVER_SEARCH",
    section: "Sonarr and Radarr",
    label: "Never ask Sonarr/Radarr to search for releases",
    unit: "bool",
    hint: "true or false",
    current: (c) => c.arr.neverSearch,
  },
  {
    name: "LOG_LEVEL",
    section: "Logs",
    label: "Log level",
    unit: "choice",
    hint: "one of the listed levels",
    choices: ["fatal", "error", "warn", "info", "debug", "trace", "silent"],
    current: (c) => c.logLevel,
  },
];

/** "3 h", "1 h 30 min", "45 s", "2 d": the parts that are not zero. */
export function humanDuration(ms: number): string {
  const parts: string[] = [];
  let s = Math.round(ms / 1000);
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3_600],
    ["min", 60],
    ["s", 1],
  ] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)} ${unit}`);
      s %= size;
    }
  }
  return parts.length > 0 ? parts.join(" ") : "0 s";
}
