import type { ProviderErrorKind } from "./types.ts";

/**
 * Plain words for a provider's error, shown on pages, in logs and by the CLI. Each provider's
 * descriptor carries its own table (`errorWords`, its documented codes); a code without words
 * (or a provider without codes, like Premiumize) falls back on the words of its kind.
 */
export type ErrorWords = Readonly<Record<string, string>>;

export const KIND_WORDS: Readonly<Record<ProviderErrorKind, string>> = {
  auth: "the key or token was refused",
  rate_limited: "too many requests",
  fair_usage: "the fair-use limit is reached",
  too_many_active: "too many active downloads",
  infringing: "the file was taken down (infringing)",
  not_found: "the provider no longer has this torrent or file",
  unavailable: "the provider or host is unavailable",
  bad_request: "the provider refused the request",
  traffic_exhausted: "the account's traffic is used up",
  disabled_endpoint: "this endpoint is disabled",
  network: "the provider could not be reached",
  bad_response: "the provider gave an answer it should not",
  unknown: "the provider failed",
};

/** The words for `code` in `words`, else those of `kind`. */
export function wordsFor(words: ErrorWords, code: string | number | null, kind: ProviderErrorKind): string {
  const own = code === null ? undefined : words[String(code)];
  return own ?? KIND_WORDS[kind];
}
