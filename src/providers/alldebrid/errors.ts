import { type ErrorWords, wordsFor } from "../error-words.ts";
import type { HttpResponse } from "../http/http-client.ts";
import { ProviderError, type ProviderErrorKind } from "../types.ts";

/**
 * Every AllDebrid error code documented in "All errors" (https://docs.alldebrid.com/#all-errors),
 * with the kind of failure it is for us. The codes come back in `{status:"error", error:{code}}`,
 * usually with HTTP 200 (HTTP 400/401 were removed on 14/11/2023).
 */
export const AD_ERROR_CODES: Record<string, ProviderErrorKind> = {
  // Generic
  GENERIC: "unknown",
  "404": "disabled_endpoint", // "Endpoint doesn't exist"
  MAINTENANCE: "unavailable",
  // Authentication: stop at once
  AUTH_MISSING_APIKEY: "auth",
  AUTH_BAD_APIKEY: "auth",
  AUTH_BLOCKED: "auth",
  AUTH_USER_BANNED: "auth",
  ACCOUNT_INVALID: "auth",
  // Misc
  ALREADY_SENT: "bad_request",
  NO_SERVER: "unavailable", // servers/VPNs not allowed to use the service
  MUST_BE_PREMIUM: "bad_request",
  FREE_TRIAL_LIMIT_REACHED: "traffic_exhausted",
  // Links
  LINK_IS_MISSING: "bad_request",
  BAD_LINK: "bad_request",
  LINK_HOST_NOT_SUPPORTED: "bad_request",
  LINK_NOT_SUPPORTED: "bad_request",
  LINK_PASS_PROTECTED: "bad_request",
  LINK_DOWN: "not_found", // the file is gone: re-add the torrent
  LINK_ERROR: "unavailable",
  LINK_HOST_UNAVAILABLE: "unavailable",
  LINK_TEMPORARY_UNAVAILABLE: "unavailable",
  LINK_TOO_MANY_DOWNLOADS: "too_many_active",
  LINK_HOST_FULL: "unavailable",
  LINK_HOST_LIMIT_REACHED: "traffic_exhausted",
  REDIRECTOR_NOT_SUPPORTED: "bad_request",
  REDIRECTOR_ERROR: "unavailable",
  STREAM_INVALID_GEN_ID: "bad_request",
  STREAM_INVALID_STREAM_ID: "bad_request",
  DELAYED_INVALID_ID: "not_found",
  DOWNLOAD_FAILED: "unavailable",
  // Magnets
  MAGNET_NO_URI: "bad_request",
  MAGNET_INVALID_URI: "bad_request",
  MAGNET_INVALID_FILE: "bad_request",
  MAGNET_FILE_UPLOAD_FAILED: "unavailable",
  MAGNET_MUST_BE_PREMIUM: "bad_request",
  MAGNET_NO_SERVER: "unavailable",
  MAGNET_TOO_MANY_ACTIVE: "too_many_active", // 30 active at most
  MAGNET_TOO_MANY: "too_many_active", // 1,000 magnets across all tabs: clean up, or use another provider
  MAGNET_TOO_LARGE: "bad_request", // over 1 TB
  MAGNET_INVALID_ID: "not_found",
  MAGNET_PROCESSING: "bad_request", // restart of a magnet still processing or ready
  // Mirrors of the error statusCodes 5-12 (magnet/restart, magnet/files)
  MAGNET_UPLOAD_FAILED: "unavailable",
  MAGNET_INTERNAL_ERROR: "unavailable",
  MAGNET_CANT_BOOTSTRAP: "unavailable",
  MAGNET_MAGNET_TOO_BIG: "bad_request",
  MAGNET_TOOK_TOO_LONG: "unavailable",
  MAGNET_LINKS_REMOVED: "not_found",
  MAGNET_PROCESSING_FAILED: "unavailable",
  // Pin flow, vouchers, misc (not used by Redriva; mapped so nothing is "unknown")
  PIN_ALREADY_AUTHED: "bad_request",
  PIN_EXPIRED: "bad_request",
  PIN_INVALID: "bad_request",
  USER_LINK_MISSING: "bad_request",
  USER_LINK_INVALID: "bad_request",
  MISSING_NOTIF_ENDPOINT: "bad_request",
  VOUCHER_DURATION_INVALID: "bad_request",
  VOUCHER_NB_INVALID: "bad_request",
  NO_MORE_VOUCHER: "bad_request",
  INSUFFICIENT_BALANCE: "bad_request",
  NO_JSON_PARAM: "bad_request",
  JSON_INVALID: "bad_request",
  FREEDAYS_INVALID_COUNTRY: "bad_request",
  FREEDAYS_INVALID_PHONE: "bad_request",
  FREEDAYS_INVALID_PROVIDER: "bad_request",
};

/** AllDebrid's documented codes in plain words (the descriptor's `errorWords`). */
export const AD_ERROR_WORDS: ErrorWords = {
  GENERIC: "AllDebrid failed without saying why",
  "404": "this API endpoint does not exist",
  MAINTENANCE: "AllDebrid is in maintenance",
  AUTH_MISSING_APIKEY: "no API key was sent",
  AUTH_BAD_APIKEY: "the API key is invalid",
  AUTH_BLOCKED: "the API key is blocked (a new location must be confirmed by email)",
  AUTH_USER_BANNED: "the account is banned",
  ACCOUNT_INVALID: "the account is not valid",
  ALREADY_SENT: "this was already sent",
  NO_SERVER: "servers and VPNs may not use AllDebrid",
  MUST_BE_PREMIUM: "a premium account is needed",
  FREE_TRIAL_LIMIT_REACHED: "the free trial's limit is reached",
  LINK_IS_MISSING: "no link was sent",
  BAD_LINK: "the link is not valid",
  LINK_HOST_NOT_SUPPORTED: "this host is not supported",
  LINK_NOT_SUPPORTED: "this link is not supported",
  LINK_PASS_PROTECTED: "the link is password protected",
  LINK_DOWN: "the host no longer has this file",
  LINK_ERROR: "the link could not be unlocked",
  LINK_HOST_UNAVAILABLE: "the host is unavailable",
  LINK_TEMPORARY_UNAVAILABLE: "the file is unavailable for now",
  LINK_TOO_MANY_DOWNLOADS: "too many downloads at once on this host",
  LINK_HOST_FULL: "the host's servers are full",
  LINK_HOST_LIMIT_REACHED: "the host's download limit is reached",
  REDIRECTOR_NOT_SUPPORTED: "this link redirector is not supported",
  REDIRECTOR_ERROR: "the link redirector failed",
  STREAM_INVALID_GEN_ID: "the stream id is invalid",
  STREAM_INVALID_STREAM_ID: "the stream id is invalid",
  DELAYED_INVALID_ID: "the delayed link id is invalid",
  DOWNLOAD_FAILED: "the download failed at AllDebrid",
  MAGNET_NO_URI: "no magnet was sent",
  MAGNET_INVALID_URI: "the magnet is not valid",
  MAGNET_INVALID_FILE: "the file is not a valid torrent",
  MAGNET_FILE_UPLOAD_FAILED: "the torrent file upload failed",
  MAGNET_MUST_BE_PREMIUM: "magnets need a premium account",
  MAGNET_NO_SERVER: "servers and VPNs may not add magnets",
  MAGNET_TOO_MANY_ACTIVE: "too many active magnets (30 at most)",
  MAGNET_TOO_MANY: "too many magnets in the account (delete some)",
  MAGNET_TOO_LARGE: "the torrent is too big (over 1 TB)",
  MAGNET_INVALID_ID: "AllDebrid no longer knows this magnet",
  MAGNET_PROCESSING: "the magnet is still processing or already ready",
  MAGNET_UPLOAD_FAILED: "the magnet upload failed",
  MAGNET_INTERNAL_ERROR: "AllDebrid failed while unpacking the magnet",
  MAGNET_CANT_BOOTSTRAP: "the magnet could not start (no peers in 20 min)",
  MAGNET_MAGNET_TOO_BIG: "the torrent is too big",
  MAGNET_TOOK_TOO_LONG: "the download took more than 72 h",
  MAGNET_LINKS_REMOVED: "the files were deleted at the host",
  MAGNET_PROCESSING_FAILED: "AllDebrid failed processing the magnet",
  PIN_ALREADY_AUTHED: "the PIN is already used",
  PIN_EXPIRED: "the PIN expired",
  PIN_INVALID: "the PIN is invalid",
  USER_LINK_MISSING: "no saved link was sent",
  USER_LINK_INVALID: "the saved link is invalid",
  MISSING_NOTIF_ENDPOINT: "no notification endpoint was sent",
  VOUCHER_DURATION_INVALID: "the voucher duration is invalid",
  VOUCHER_NB_INVALID: "the voucher count is invalid",
  NO_MORE_VOUCHER: "no vouchers left",
  INSUFFICIENT_BALANCE: "the balance is too low",
  NO_JSON_PARAM: "a JSON parameter is missing",
  JSON_INVALID: "a JSON parameter is invalid",
  FREEDAYS_INVALID_COUNTRY: "free days are not offered in this country",
  FREEDAYS_INVALID_PHONE: "the phone number is invalid",
  FREEDAYS_INVALID_PROVIDER: "the phone provider is invalid",
};

function kindFromStatus(status: number): ProviderErrorKind {
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "disabled_endpoint";
  // "Any request in excess of those limits will return a 429 or 503 errors."
  if (status === 429) return "rate_limited";
  if (status >= 500) return "unavailable";
  if (status >= 400) return "bad_request";
  return "unknown";
}

/** The `{code, message}` of an AllDebrid error body, or null. */
export function readAdError(data: unknown): { code: string; message: string } | null {
  if (!data || typeof data !== "object") return null;
  const body = data as { status?: unknown; error?: unknown };
  const error = body.error;
  if (!error || typeof error !== "object") return null;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code === undefined || code === null) return null;
  return { code: String(code), message: typeof message === "string" ? message : "" };
}

/** A ProviderError for one AllDebrid error code (also used for per-item errors of a batch). */
export function adError(
  code: string,
  message: string,
  httpStatus: number | null,
  fallbackKind: ProviderErrorKind = "unknown",
): ProviderError {
  const kind = AD_ERROR_CODES[code] ?? fallbackKind;
  const text =
    kind === "auth"
      ? `AllDebrid refused the API key (${code}${message ? `: ${message}` : ""}). Check AD_API_KEY: https://alldebrid.com/apikeys`
      : `AllDebrid: ${wordsFor(AD_ERROR_WORDS, code, kind)} (${code}${message ? `: ${message}` : ""}${httpStatus !== null ? `, HTTP ${httpStatus}` : ""})`;
  return new ProviderError({
    provider: "alldebrid",
    kind,
    message: text,
    httpStatus,
    providerCode: code,
    providerError: code,
  });
}

/** Maps a non-2xx AllDebrid answer (429, 5xx, an unknown endpoint) to a ProviderError. */
export function mapAllDebridError(response: HttpResponse): ProviderError {
  let body: unknown = null;
  try {
    body = response.text ? JSON.parse(response.text) : null;
  } catch {
    body = null;
  }
  const error = readAdError(body);
  const statusKind = kindFromStatus(response.status);
  if (!error || response.status === 429) {
    return new ProviderError({
      provider: "alldebrid",
      kind: statusKind,
      message:
        statusKind === "auth"
          ? `AllDebrid refused the API key (HTTP ${response.status}). Check AD_API_KEY: https://alldebrid.com/apikeys`
          : `AllDebrid: ${wordsFor(AD_ERROR_WORDS, error?.code ?? null, statusKind)} (HTTP ${response.status})`,
      httpStatus: response.status,
      providerCode: error?.code ?? null,
      providerError: error?.code ?? null,
    });
  }
  return adError(error.code, error.message, response.status, statusKind);
}

/**
 * Errors carried by 2xx answers: `status: "error"`, or JSON without a `status` attribute ("you can
 * consider that this request failed", says the documentation). Null for a success.
 */
export function allDebridBodyError(response: HttpResponse): ProviderError | null {
  const data = response.data as { status?: unknown } | null;
  if (data && typeof data === "object" && data.status === "success") return null;
  const error = readAdError(data);
  if (data && typeof data === "object" && data.status === "error" && error) {
    return adError(error.code, error.message, response.status);
  }
  return new ProviderError({
    provider: "alldebrid",
    kind: "bad_response",
    message: `AllDebrid: unexpected answer without a success status (HTTP ${response.status})`,
    httpStatus: response.status,
  });
}

/** An AllDebrid error code in a 5xx body (MAINTENANCE…) is its definitive answer: fall back at once. */
export function isDefinitiveAllDebridError(error: ProviderError): boolean {
  return error.providerCode !== null;
}
