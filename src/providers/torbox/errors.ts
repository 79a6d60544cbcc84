import { type ErrorWords, wordsFor } from "../error-words.ts";
import type { HttpResponse } from "../http/http-client.ts";
import { ProviderError, type ProviderErrorKind } from "../types.ts";

/**
 * TorBox's documented error codes (the "Errors Table" of https://api-docs.torbox.app/), with the
 * kind of failure each is for us. "If the code ends in ERROR, the error is the server's fault":
 * those are `unavailable` (retried); the others are the client's and are not retried.
 */
export const TB_ERROR_CODES: Record<string, ProviderErrorKind> = {
  // The server's fault
  DATABASE_ERROR: "unavailable",
  UNKNOWN_ERROR: "unavailable",
  REDIRECT_ERROR: "unavailable",
  NO_SERVERS_AVAILABLE_ERROR: "unavailable",
  DOWNLOAD_SERVER_ERROR: "unavailable",
  SEARCH_ERROR: "unavailable",
  OAUTH_VERIFICATION_ERROR: "auth",
  // Authentication: stop at once
  NO_AUTH: "auth",
  BAD_TOKEN: "auth",
  AUTH_ERROR: "auth",
  INVALID_DEVICE: "auth",
  // Not there
  ENDPOINT_NOT_FOUND: "disabled_endpoint",
  ITEM_NOT_FOUND: "not_found",
  LINK_OFFLINE: "not_found",
  // Account limits
  ACTIVE_LIMIT: "too_many_active", // all active slots used: retry later or another provider
  COOLDOWN_LIMIT: "fair_usage", // "user is on download cooldown"
  MONTHLY_LIMIT: "traffic_exhausted",
  PLAN_RESTRICTED_FEATURE: "bad_request",
  DOWNLOAD_TOO_LARGE: "bad_request", // too large for the plan: permanent for this torrent
  // Bad input
  INVALID_OPTION: "bad_request",
  MISSING_REQUIRED_OPTION: "bad_request",
  TOO_MANY_OPTIONS: "bad_request",
  TOO_MUCH_DATA: "bad_request",
  BOZO_TORRENT: "bad_request",
  BOZO_NZB: "bad_request",
  BOZO_RSS_FEED: "bad_request",
  BOZO_REGEX: "bad_request",
  BOZO_FILE: "bad_request",
  DUPLICATE_ITEM: "bad_request",
  DIFF_ISSUE: "bad_request",
  BAD_CONFIRMATION: "bad_request",
  CONFIRMATION_EXPIRED: "bad_request",
  INVALID_HASH: "bad_request",
  NOT_OWNER: "bad_request",
  UNSUPPORTED_SITE: "bad_request",
  VENDOR_DISABLED: "unavailable",
  TEMPORARILY_DISABLED: "unavailable",
  SELLIX_ERROR: "unavailable",
};

/** TorBox's documented codes in plain words (the descriptor's `errorWords`). */
export const TB_ERROR_WORDS: ErrorWords = {
  DATABASE_ERROR: "TorBox's database failed",
  UNKNOWN_ERROR: "TorBox failed without saying why",
  REDIRECT_ERROR: "TorBox could not redirect to the file",
  NO_SERVERS_AVAILABLE_ERROR: "TorBox has no server free right now",
  DOWNLOAD_SERVER_ERROR: "TorBox's download server failed",
  SEARCH_ERROR: "TorBox's search failed",
  OAUTH_VERIFICATION_ERROR: "the sign-in could not be verified",
  NO_AUTH: "no API key was sent",
  BAD_TOKEN: "the API key is invalid",
  AUTH_ERROR: "the API key was refused",
  INVALID_DEVICE: "this device is not allowed",
  ENDPOINT_NOT_FOUND: "this API endpoint does not exist",
  ITEM_NOT_FOUND: "TorBox no longer has this torrent or file",
  LINK_OFFLINE: "the file is offline",
  ACTIVE_LIMIT: "every active download slot of the plan is used",
  COOLDOWN_LIMIT: "the account is on download cooldown",
  MONTHLY_LIMIT: "the plan's monthly limit is reached",
  PLAN_RESTRICTED_FEATURE: "the plan does not include this",
  DOWNLOAD_TOO_LARGE: "the torrent is too big for the plan",
  INVALID_OPTION: "an option is invalid",
  MISSING_REQUIRED_OPTION: "a required option is missing",
  TOO_MANY_OPTIONS: "too many options were sent",
  TOO_MUCH_DATA: "too much data was sent",
  BOZO_TORRENT: "the torrent is broken",
  BOZO_NZB: "the NZB is broken",
  BOZO_RSS_FEED: "the RSS feed is broken",
  BOZO_REGEX: "the filter is broken",
  BOZO_FILE: "the file is broken",
  DUPLICATE_ITEM: "TorBox already has this item",
  DIFF_ISSUE: "the request does not match what TorBox has",
  BAD_CONFIRMATION: "the confirmation is wrong",
  CONFIRMATION_EXPIRED: "the confirmation expired",
  INVALID_HASH: "the info-hash is not valid",
  NOT_OWNER: "this item belongs to another account",
  UNSUPPORTED_SITE: "this site is not supported",
  VENDOR_DISABLED: "this TorBox service is disabled",
  TEMPORARILY_DISABLED: "this is disabled for now",
  SELLIX_ERROR: "TorBox's payment service failed",
};

const HINT = "Check TORBOX_API_KEY: https://torbox.app/settings";

function kindFromStatus(status: number): ProviderErrorKind {
  // "403 means authentication error" (documented); 401 for good measure.
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "not_found";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "unavailable";
  if (status >= 400) return "bad_request";
  return "unknown";
}

/** The `{error, detail}` of a TorBox envelope, or null when there is none. */
export function readTbError(data: unknown): { code: string | null; detail: string } | null {
  if (!data || typeof data !== "object") return null;
  const body = data as { success?: unknown; error?: unknown; detail?: unknown };
  if (typeof body.success !== "boolean") return null;
  return {
    code: typeof body.error === "string" && body.error !== "" ? body.error : null,
    detail: typeof body.detail === "string" ? body.detail : "",
  };
}

/** A ProviderError for one TorBox code; the kind falls back on the HTTP status. */
export function tbError(
  code: string | null,
  detail: string,
  httpStatus: number | null,
  fallbackKind: ProviderErrorKind = "unknown",
): ProviderError {
  const kind = (code && TB_ERROR_CODES[code]) || fallbackKind;
  const what = [code, detail].filter(Boolean).join(": ");
  const message =
    kind === "auth"
      ? `TorBox refused the API key (${what || `HTTP ${httpStatus}`}). ${HINT}`
      : `TorBox: ${wordsFor(TB_ERROR_WORDS, code, kind)} (${what || "no detail"}${httpStatus !== null ? `, HTTP ${httpStatus}` : ""})`;
  return new ProviderError({
    provider: "torbox",
    kind,
    message,
    httpStatus,
    providerCode: code,
    providerError: code,
  });
}

function parse(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/** Maps a non-2xx answer (documented: 400 client, 403 auth, 404, 429, 500 server). */
export function mapTorBoxError(response: HttpResponse): ProviderError {
  const error = readTbError(parse(response.text));
  const statusKind = kindFromStatus(response.status);
  // A 429 is a rate limit whatever its body says (the edge answers it, not the API).
  if (!error || response.status === 429) {
    return tbError(error?.code ?? null, error?.detail ?? "", response.status, statusKind);
  }
  return tbError(error.code, error.detail, response.status, statusKind);
}

/** A 2xx answer with `success: false` (or without an envelope) is an error; null for success. */
export function torBoxBodyError(response: HttpResponse): ProviderError | null {
  const error = readTbError(response.data);
  if (error && (response.data as { success: boolean }).success) return null;
  if (error) return tbError(error.code, error.detail, response.status);
  return new ProviderError({
    provider: "torbox",
    kind: "bad_response",
    message: `TorBox: unexpected answer without a success flag (HTTP ${response.status})`,
    httpStatus: response.status,
  });
}

/** A 5xx carrying a client-side code (not `…ERROR`) is TorBox's final word: do not retry it. */
export function isDefinitiveTorBoxError(error: ProviderError): boolean {
  const code = error.providerCode;
  return typeof code === "string" && !code.endsWith("ERROR");
}
