import { z } from "zod";
import { dataPaths } from "../data-dir.ts";
import { bool, oneOf, optionalText, port, secret } from "../fields.ts";

/** Where Redriva keeps its data, how it listens, who may log in. */
export const coreSchema = z.object({
  DATA_DIR: optionalText(),
  PORT: port(6500),
  HOST: optionalText(),
  LOG_LEVEL: oneOf(["fatal", "error", "warn", "info", "debug", "trace", "silent"], "info"),
  LOG_FORMAT: oneOf(["json", "pretty"], "json"),
  REDRIVA_USERNAME: secret(),
  REDRIVA_PASSWORD: secret(),
  TRUST_PROXY: bool(false),
  DRY_RUN: bool(true),
  NODE_ENV: optionalText(),
});

export function buildCore(env: z.infer<typeof coreSchema>) {
  const hasCredentials = Boolean(env.REDRIVA_USERNAME && env.REDRIVA_PASSWORD);
  return {
    ...dataPaths(env),
    port: env.PORT,
    /** Without credentials the server only listens on loopback (see README, "First run"). */
    host: env.HOST ?? (hasCredentials ? "0.0.0.0" : "127.0.0.1"),
    logLevel: env.LOG_LEVEL,
    /** json: one object per line (log collectors, `docker logs`); pretty: readable lines. */
    logFormat: env.LOG_FORMAT,
    auth: { username: env.REDRIVA_USERNAME, password: env.REDRIVA_PASSWORD, enabled: hasCredentials },
    /** Trust X-Forwarded-Proto (Secure cookies behind TLS) and X-Forwarded-For (read from the right). */
    trustProxy: env.TRUST_PROXY,
    /** Repair and cleanup actions only log what they would do until DRY_RUN=false. */
    dryRun: env.DRY_RUN,
    /** NODE_ENV=development: page templates are re-read on every render (edit views/ live). */
    reloadViews: env.NODE_ENV === "development",
  };
}
