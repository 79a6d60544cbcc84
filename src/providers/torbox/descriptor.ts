import { z } from "zod";
import { httpUrl, nonNegativeInt, positiveInt, secret } from "../../config/fields.ts";
import { defineProvider } from "../descriptor.ts";
import type { TorBoxProvider } from "./client.ts";
import { TB_ERROR_WORDS } from "./errors.ts";

/** TorBox: API v1, one API key (Bearer header; `token` query parameter for requestdl). */
export const torBox = defineProvider({
  kind: "torbox",
  label: "TorBox",
  env: z.object({
    TORBOX_API_KEY: secret(),
    /** Without the version: paths add /v1/api. */
    TORBOX_API_URL: httpUrl("https://api.torbox.app"),
    /** Documented: 300 requests per minute per API key, on every endpoint. */
    TORBOX_RATE_LIMIT: positiveInt(300),
    TORBOX_RATE_WINDOW_MS: positiveInt(60_000),
    /** Documented: createtorrent 60 per hour (and 10 per minute at the edge). */
    TORBOX_CREATE_LIMIT: positiveInt(60),
    TORBOX_CREATE_WINDOW_MS: positiveInt(3_600_000),
    TORBOX_CREATE_BURST_LIMIT: positiveInt(10),
    TORBOX_TIMEOUT_MS: positiveInt(30_000),
    /** Retries of one request after 5xx, timeouts, dropped connections and 429s. */
    TORBOX_MAX_RETRIES: nonNegativeInt(6),
  }),
  settings: (env) => ({
    apiKey: env.TORBOX_API_KEY,
    apiUrl: env.TORBOX_API_URL as string,
    rateLimit: env.TORBOX_RATE_LIMIT,
    rateWindowMs: env.TORBOX_RATE_WINDOW_MS,
    createLimit: env.TORBOX_CREATE_LIMIT,
    createWindowMs: env.TORBOX_CREATE_WINDOW_MS,
    createBurstLimit: env.TORBOX_CREATE_BURST_LIMIT,
    timeoutMs: env.TORBOX_TIMEOUT_MS,
    maxRetries: env.TORBOX_MAX_RETRIES,
  }),
  credentialField: "apiKey",
  credentialVariable: "TORBOX_API_KEY",
  aliases: { TORBOX_API_KEY: ["TB_API_KEY"] },
  capabilities: {
    // TorBox downloads every file of a torrent; files are picked when fetching, not at add time.
    fileSelection: false,
    // GET /torrents/checkcached answers per hash before anything is added.
    cacheCheck: true,
    instantAvailability: false,
    webdavUrl: "https://webdav.torbox.app/",
  },
  errorWords: TB_ERROR_WORDS,
  // The client is loaded when the provider is configured: most servers use one or two of them.
  create: (settings, context) =>
    new (require("./client.ts") as { TorBoxProvider: typeof TorBoxProvider }).TorBoxProvider({
      ...settings,
      apiKey: settings.apiKey as string,
      ...context,
    }),
});
