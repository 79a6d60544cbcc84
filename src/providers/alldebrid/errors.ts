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
      : `AllDebrid error: ${code}${message ? ` (${message})` : ""}${httpStatus !== null ? `, HTTP ${httpStatus}` : ""}`;
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
          : `AllDebrid error: HTTP ${response.status}`,
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
