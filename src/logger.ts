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

/** `redact`: more paths to blank, e.g. the providers' declared secrets (providerSecretPaths). */
export function createLogger(
  options: { level?: string; destination?: pino.DestinationStream; redact?: readonly string[] } = {},
): Logger {
  return pino(
    {
      level: options.level ?? "info",
      redact: { paths: [...new Set([...REDACT, ...(options.redact ?? [])])], censor: "[redacted]" },
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}
