import { z } from "zod";
import { httpUrl, nonNegativeInt, positiveInt, secret } from "../../config/fields.ts";
import { defineProvider } from "../descriptor.ts";
import type { DebridLinkProvider } from "./client.ts";
import { DL_ERROR_WORDS } from "./errors.ts";

/** Debrid-Link: API v2, one API key (https://debrid-link.com/webapp/apikey). */
export const debridLink = defineProvider({
  kind: "debridlink",
  label: "Debrid-Link",
  env: z.object({
    DEBRIDLINK_API_KEY: secret(),
    /** With the version. */
    DEBRIDLINK_API_URL: httpUrl("https://debrid-link.com/api/v2"),
    // Debrid-Link publishes no figure (only `floodDetected` past it): a careful default.
    DEBRIDLINK_RATE_LIMIT: positiveInt(120),
    DEBRIDLINK_RATE_WINDOW_MS: positiveInt(60_000),
    DEBRIDLINK_TIMEOUT_MS: positiveInt(30_000),
    /** Retries of one request after 5xx, timeouts, dropped connections and floodDetected. */
    DEBRIDLINK_MAX_RETRIES: nonNegativeInt(5),
  }),
  settings: (env) => ({
    apiKey: env.DEBRIDLINK_API_KEY,
    apiUrl: env.DEBRIDLINK_API_URL as string,
    rateLimit: env.DEBRIDLINK_RATE_LIMIT,
    rateWindowMs: env.DEBRIDLINK_RATE_WINDOW_MS,
    timeoutMs: env.DEBRIDLINK_TIMEOUT_MS,
    maxRetries: env.DEBRIDLINK_MAX_RETRIES,
  }),
  credentialField: "apiKey",
  credentialVariable: "DEBRIDLINK_API_KEY",
  aliases: { DEBRIDLINK_API_KEY: ["DEBRID_LINK_API_KEY", "DL_API_KEY"] },
  capabilities: {
    fileSelection: false,
    // seedbox/cached was removed from the API.
    cacheCheck: false,
    // The seedbox/add answer is complete (downloadPercent 100) when Debrid-Link has it cached.
    instantAvailability: true,
    webdavUrl: null,
  },
  errorWords: DL_ERROR_WORDS,
  // The client is loaded when the provider is configured: most servers use one or two of them.
  create: (settings, context) =>
    new (require("./client.ts") as { DebridLinkProvider: typeof DebridLinkProvider }).DebridLinkProvider({
      ...settings,
      apiKey: settings.apiKey as string,
      ...context,
    }),
});
