import { z } from "zod";
import { httpUrl, nonNegativeInt, positiveInt, secret } from "../../config/fields.ts";
import { defineProvider } from "../descriptor.ts";
import type { AllDebridProvider } from "./client.ts";
import { AD_ERROR_WORDS } from "./errors.ts";

/** AllDebrid: API v4/v4.1, one API key. */
export const allDebrid = defineProvider({
  kind: "alldebrid",
  label: "AllDebrid",
  env: z.object({
    AD_API_KEY: secret(),
    /** Without the version: paths add /v4 or /v4.1. */
    AD_API_URL: httpUrl("https://api.alldebrid.com"),
    AD_RATE_LIMIT: positiveInt(600),
    AD_RATE_WINDOW_MS: positiveInt(60_000),
    AD_TIMEOUT_MS: positiveInt(30_000),
    /** Retries of one request after 5xx, timeouts, dropped connections and 429s. */
    AD_MAX_RETRIES: nonNegativeInt(6),
  }),
  settings: (env) => ({
    apiKey: env.AD_API_KEY,
    apiUrl: env.AD_API_URL as string,
    rateLimit: env.AD_RATE_LIMIT,
    rateWindowMs: env.AD_RATE_WINDOW_MS,
    timeoutMs: env.AD_TIMEOUT_MS,
    maxRetries: env.AD_MAX_RETRIES,
  }),
  credentialField: "apiKey",
  credentialVariable: "AD_API_KEY",
  aliases: { AD_API_KEY: ["ALLDEBRID_API_KEY"] },
  capabilities: {
    fileSelection: false,
    cacheCheck: false,
    // magnet/upload answers `ready: true` when AllDebrid already has the content.
    instantAvailability: true,
    webdavUrl: "https://webdav.debrid.it/",
  },
  errorWords: AD_ERROR_WORDS,
  // The client is loaded when the provider is configured: most servers use one or two of them.
  create: (settings, context) =>
    new (require("./client.ts") as { AllDebridProvider: typeof AllDebridProvider }).AllDebridProvider({
      ...settings,
      apiKey: settings.apiKey as string,
      ...context,
    }),
});
