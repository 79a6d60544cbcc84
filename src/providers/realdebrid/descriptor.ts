import { z } from "zod";
import { httpUrl, nonNegativeInt, positiveInt, secret } from "../../config/fields.ts";
import { defineProvider } from "../descriptor.ts";
import type { RealDebridProvider } from "./client.ts";
import { RD_ERROR_WORDS } from "./errors.ts";

/** Real-Debrid: REST 1.0, one Bearer token. */
export const realDebrid = defineProvider({
  kind: "realdebrid",
  label: "Real-Debrid",
  env: z.object({
    RD_API_TOKEN: secret(),
    RD_API_URL: httpUrl("https://api.real-debrid.com/rest/1.0"),
    RD_RATE_LIMIT: positiveInt(250),
    /** Length of the rate-limit window; only tests and benchmarks shorten it (with a scaled limit). */
    RD_RATE_WINDOW_MS: positiveInt(60_000),
    RD_TIMEOUT_MS: positiveInt(30_000),
    /** Retries of one request after 5xx, timeouts, dropped connections and 429s. */
    RD_MAX_RETRIES: nonNegativeInt(6),
  }),
  settings: (env) => ({
    token: env.RD_API_TOKEN,
    apiUrl: env.RD_API_URL as string,
    rateLimit: env.RD_RATE_LIMIT,
    rateWindowMs: env.RD_RATE_WINDOW_MS,
    timeoutMs: env.RD_TIMEOUT_MS,
    maxRetries: env.RD_MAX_RETRIES,
  }),
  credentialField: "token",
  credentialVariable: "RD_API_TOKEN",
  aliases: { RD_API_TOKEN: ["RD_TOKEN"] },
  capabilities: {
    fileSelection: true,
    // /torrents/instantAvailability answers 403 since late 2024: only a status after selection tells.
    cacheCheck: false,
    instantAvailability: false,
    webdavUrl: "https://dav.real-debrid.com/",
  },
  errorWords: RD_ERROR_WORDS,
  // The client is loaded when the provider is configured: most servers use one or two of them.
  create: (settings, context) =>
    new (require("./client.ts") as { RealDebridProvider: typeof RealDebridProvider }).RealDebridProvider({
      ...settings,
      token: settings.token as string,
      ...context,
    }),
});
