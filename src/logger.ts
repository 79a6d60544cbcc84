import pino, { type Logger } from "pino";

export type { Logger };

/**
 * Paths pino blanks out wherever they appear in a log object. Secrets must never reach a log
 * line; code that logs a request logs its URL without query secrets (see providers/http).
 */
const REDACT = [
  "token",
  "apiKey",
  "apikey",
  "password",
  "authorization",
  "cookie",
  "secret",
  "*.token",
  "*.apiKey",
  "*.apikey",
  "*.password",
  "*.authorization",
  "*.Authorization",
  "*.cookie",
  "*.secret",
  "headers.authorization",
  "headers.cookie",
  "config.providers.*.token",
  "config.providers.*.apiKey",
  "config.auth.password",
];

type LogFormat = "json" | "pretty";

/**
 * `redact`: more paths to blank, e.g. the providers' declared secrets (providerSecretPaths).
 * `format`: "json" (one object per line, for log collectors and `docker logs`) or "pretty" (one
 * readable line per entry, for people); redaction happens before either.
 */
export function createLogger(
  options: {
    level?: string;
    destination?: pino.DestinationStream;
    redact?: readonly string[];
    format?: LogFormat;
  } = {},
): Logger {
  const sink = options.destination ?? pino.destination({ fd: 2, sync: true });
  return pino(
    {
      level: options.level ?? "info",
      redact: { paths: [...new Set([...REDACT, ...(options.redact ?? [])])], censor: "[redacted]" },
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.format === "pretty" ? prettyDestination(sink) : sink,
  );
}

const LEVEL_NAMES: Record<number, string> = {
  10: "TRACE",
  20: "DEBUG",
  30: "INFO",
  40: "WARN",
  50: "ERROR",
  60: "FATAL",
};

function prettyDestination(sink: pino.DestinationStream): pino.DestinationStream {
  return { write: (line: string) => sink.write(prettyLine(line)) };
}

/** `12:00:01 INFO  Redriva is listening  url=http://0.0.0.0:6500` from one of pino's JSON lines. */
function prettyLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { time, level, msg, ...fields } = entry;
  const at = typeof time === "string" ? new Date(time).toLocaleTimeString("en-GB", { hour12: false }) : "";
  const name = (LEVEL_NAMES[level as number] ?? String(level)).padEnd(5);
  const details = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" ");
  return `${at} ${name} ${msg ?? ""}${details ? `  ${details}` : ""}\n`;
}
