import type { Config } from "../config/index.ts";
import { maskSecrets } from "../lib/mask-secrets.ts";
import type { Logger } from "../logger.ts";

/** Keys whose string values are secrets (the ones redactConfig masks). */
const SECRET_KEY = /token|password|apikey|api_key|secret|webhook|smtpurl|topicurl|apprise/i;

/** Every secret value in the configuration (provider tokens, the password, *arr keys, hooks). */
function configSecrets(config: Config): string[] {
  const found: string[] = [];
  const walk = (value: unknown, key: string) => {
    if (typeof value === "string") {
      if (SECRET_KEY.test(key)) found.push(value);
    } else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) walk(v, Array.isArray(value) ? key : k);
    }
  };
  walk(config, "");
  return found;
}

/**
 * Bun.serve's `error`: what escapes the app (Hono answers its own errors; an error page that
 * could not be drawn, a request the client gave up on) is logged through the app's logger with
 * the configured secrets masked, and answered with a plain 500: no stack on stderr or to the client.
 */
export function serveErrorHandler(config: Config, log: Logger): (error: Error) => Response {
  const secrets = configSecrets(config);
  return (error) => {
    const mask = (text: string | undefined) => (text ? maskSecrets(text, secrets) : text);
    log.error(
      { err: { type: error.name, message: mask(error.message), stack: mask(error.stack) } },
      "request failed before an answer",
    );
    return new Response("Internal error: see the server log\n", {
      status: 500,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    });
  };
}
