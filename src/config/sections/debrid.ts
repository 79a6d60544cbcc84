import { z } from "zod";
import { httpUrl, nonNegativeInt, oneOf, positiveInt, secret } from "../fields.ts";

/** Debrid accounts and how hard we may call them. */
export const debridSchema = z.object({
  RD_API_TOKEN: secret(),
  RD_API_URL: httpUrl("https://api.real-debrid.com/rest/1.0"),
  RD_RATE_LIMIT: positiveInt(250),
  /** Length of the rate-limit window; only tests and benchmarks shorten it (with a scaled limit). */
  RD_RATE_WINDOW_MS: positiveInt(60_000),
  RD_TIMEOUT_MS: positiveInt(30_000),
  /** Retries of one request after 5xx, timeouts, dropped connections and 429s. */
  RD_MAX_RETRIES: nonNegativeInt(6),
  AD_API_KEY: secret(),
  AD_API_URL: httpUrl("https://api.alldebrid.com"),
  AD_RATE_LIMIT: positiveInt(600),
  AD_RATE_WINDOW_MS: positiveInt(60_000),
  DEFAULT_PROVIDER: oneOf(["realdebrid", "alldebrid"], "realdebrid"),
});

export function buildDebrid(env: z.infer<typeof debridSchema>) {
  return {
    realDebrid: {
      token: env.RD_API_TOKEN,
      apiUrl: env.RD_API_URL as string,
      rateLimit: env.RD_RATE_LIMIT,
      rateWindowMs: env.RD_RATE_WINDOW_MS,
      timeoutMs: env.RD_TIMEOUT_MS,
      maxRetries: env.RD_MAX_RETRIES,
    },
    allDebrid: {
      apiKey: env.AD_API_KEY,
      apiUrl: env.AD_API_URL as string,
      rateLimit: env.AD_RATE_LIMIT,
      rateWindowMs: env.AD_RATE_WINDOW_MS,
      timeoutMs: env.RD_TIMEOUT_MS,
    },
    defaultProvider: env.DEFAULT_PROVIDER,
  };
}
