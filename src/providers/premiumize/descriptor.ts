import { z } from "zod";
import { httpUrl, nonNegativeInt, positiveInt, secret } from "../../config/fields.ts";
import { defineProvider } from "../descriptor.ts";
import type { PremiumizeProvider } from "./client.ts";
import { PM_ERROR_WORDS } from "./errors.ts";

/** Premiumize.me: API at www.premiumize.me/api, one API key (Bearer). */
export const premiumize = defineProvider({
  kind: "premiumize",
  label: "Premiumize",
  env: z.object({
    PREMIUMIZE_API_KEY: secret(),
    PREMIUMIZE_API_URL: httpUrl("https://www.premiumize.me/api"),
    /** Premiumize documents no request limit (fair use counts downloaded bytes): a polite default. */
    PREMIUMIZE_RATE_LIMIT: positiveInt(250),
    PREMIUMIZE_RATE_WINDOW_MS: positiveInt(60_000),
    PREMIUMIZE_TIMEOUT_MS: positiveInt(30_000),
    /** Retries of one request after 5xx, timeouts, dropped connections and 429s. */
    PREMIUMIZE_MAX_RETRIES: nonNegativeInt(6),
  }),
  settings: (env) => ({
    apiKey: env.PREMIUMIZE_API_KEY,
    apiUrl: env.PREMIUMIZE_API_URL as string,
    rateLimit: env.PREMIUMIZE_RATE_LIMIT,
    rateWindowMs: env.PREMIUMIZE_RATE_WINDOW_MS,
    timeoutMs: env.PREMIUMIZE_TIMEOUT_MS,
    maxRetries: env.PREMIUMIZE_MAX_RETRIES,
  }),
  credentialField: "apiKey",
  credentialVariable: "PREMIUMIZE_API_KEY",
  aliases: { PREMIUMIZE_API_KEY: ["PM_API_KEY"] },
  capabilities: {
    // Premiumize fetches every file of a torrent; transfer/create has no file choice.
    fileSelection: false,
    // /cache/check answers per info-hash (and costs no fair-use points).
    cacheCheck: true,
    // transfer/create does not say; addMagnet asks /cache/check first and reports it as `cached`.
    instantAvailability: false,
    webdavUrl: "https://webdav.premiumize.me/",
  },
  errorWords: PM_ERROR_WORDS,
  // The client is loaded when the provider is configured: most servers use one or two of them.
  create: (settings, context) =>
    new (require("./client.ts") as { PremiumizeProvider: typeof PremiumizeProvider }).PremiumizeProvider({
      ...settings,
      apiKey: settings.apiKey as string,
      ...context,
    }),
});
