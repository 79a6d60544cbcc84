import { type ErrorWords, wordsFor } from "../error-words.ts";
import type { HttpResponse } from "../http/http-client.ts";
import { ProviderError, type ProviderErrorKind } from "../types.ts";

/**
 * Premiumize documents no error codes: its words are the sentence it sends, classified by kind
 * below, and shown after the words of that kind (error-words.ts). A code it may add is kept.
 */
export const PM_ERROR_WORDS: ErrorWords = {};

/**
 * Premiumize has no documented table of error codes: an error is `{status: "error", message}`,
 * usually with HTTP 200 (a bad key included). Newer answers may add a `code`; we read it when it is
 * there but classify by the message, from the words the API is known to use. Anything we cannot
 * place is "unknown" (not retried, shown to the user as Premiumize said it).
 */
const MESSAGE_KINDS: ReadonlyArray<[RegExp, ProviderErrorKind]> = [
  [/not logged in|customer_id and pin|api ?key|unauthori[sz]ed|auth/i, "auth"],
  [/too many requests|rate limit|slow down/i, "rate_limited"],
  [/fair ?use|out of points|booster points|limit reached/i, "fair_usage"],
  [
    /too many (active|running|transfers)|active transfers|transfer limit|max(imum)? (number of )?transfers/i,
    "too_many_active",
  ],
  [/banned|dmca|copyright|infring/i, "infringing"],
  [
    /not found|does ?n[o']t exist|unknown (transfer|item|folder|file)|invalid (item|folder|file|transfer)? ?id/i,
    "not_found",
  ],
  [/invalid|no src|not a valid|bad (magnet|link|src)|could not (parse|read)|unsupported/i, "bad_request"],
  [/premium/i, "bad_request"],
  [/maintenance|temporar|try again|unavailable|internal/i, "unavailable"],
];

export function kindFromMessage(message: string): ProviderErrorKind {
  for (const [pattern, kind] of MESSAGE_KINDS) if (pattern.test(message)) return kind;
  return "unknown";
}

function kindFromStatus(status: number): ProviderErrorKind {
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "disabled_endpoint";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "unavailable";
  if (status >= 400) return "bad_request";
  return "unknown";
}

/** The `{message, code}` of an error body, or null. */
export function readPmError(data: unknown): { message: string; code: string | null } | null {
  if (!data || typeof data !== "object") return null;
  const body = data as { status?: unknown; message?: unknown; code?: unknown };
  if (body.status !== "error") return null;
  return {
    message: typeof body.message === "string" ? body.message.trim() : "",
    code: body.code === undefined || body.code === null ? null : String(body.code),
  };
}

/** One ProviderError for a Premiumize error message (auth errors name the variable to fix). */
export function pmError(
  message: string,
  code: string | null,
  httpStatus: number | null,
  fallbackKind: ProviderErrorKind = "unknown",
): ProviderError {
  const byMessage = message ? kindFromMessage(message) : "unknown";
  const kind = byMessage === "unknown" ? fallbackKind : byMessage;
  const said = message || (code ?? "no message");
  const text =
    kind === "auth"
      ? `Premiumize refused the API key (${said}). Check PREMIUMIZE_API_KEY: https://www.premiumize.me/account`
      : `Premiumize: ${wordsFor(PM_ERROR_WORDS, code, kind)} (${said}${httpStatus !== null && httpStatus !== 200 ? `, HTTP ${httpStatus}` : ""})`;
  return new ProviderError({
    provider: "premiumize",
    kind,
    message: text,
    httpStatus,
    providerCode: code,
    providerError: code ?? (message ? message.slice(0, 120) : null),
  });
}

/** A non-2xx answer (429, 5xx, a proxy's HTML page, 401 from the Bearer check) → ProviderError. */
export function mapPremiumizeError(response: HttpResponse): ProviderError {
  let body: unknown = null;
  try {
    body = response.text ? JSON.parse(response.text) : null;
  } catch {
    body = null;
  }
  const error = readPmError(body);
  const statusKind = kindFromStatus(response.status);
  // The HTTP status wins for 401/403/429/5xx: the message is only a hint for a 4xx.
  if (
    error &&
    response.status >= 400 &&
    response.status < 500 &&
    response.status !== 429 &&
    statusKind !== "auth"
  ) {
    return pmError(error.message, error.code, response.status, statusKind);
  }
  return new ProviderError({
    provider: "premiumize",
    kind: statusKind,
    message:
      statusKind === "auth"
        ? `Premiumize refused the API key (HTTP ${response.status}). Check PREMIUMIZE_API_KEY: https://www.premiumize.me/account`
        : `Premiumize: ${wordsFor(PM_ERROR_WORDS, error?.code ?? null, statusKind)} (HTTP ${response.status}${error?.message ? `: ${error.message}` : ""})`,
    httpStatus: response.status,
    providerCode: error?.code ?? null,
    providerError: error?.code ?? null,
  });
}

/** Errors in 2xx answers: `status: "error"`, or JSON without a status at all. Null for a success. */
export function premiumizeBodyError(response: HttpResponse): ProviderError | null {
  const data = response.data as { status?: unknown } | null;
  if (data && typeof data === "object" && data.status === "success") return null;
  const error = readPmError(data);
  if (error) return pmError(error.message, error.code, response.status);
  return new ProviderError({
    provider: "premiumize",
    kind: "bad_response",
    message: `Premiumize: unexpected answer without a success status (HTTP ${response.status})`,
    httpStatus: response.status,
  });
}
