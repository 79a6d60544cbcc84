import type { ErrorWords } from "../error-words.ts";
import type { HttpResponse } from "../http/http-client.ts";
import { ProviderError, type ProviderErrorKind } from "../types.ts";

/**
 * Every documented Real-Debrid error code, with the kind of failure it is.
 * Source: https://api.real-debrid.com/ ("Error codes").
 */
export const RD_ERROR_CODES: Record<number, { name: string; kind: ProviderErrorKind }> = {
  [-1]: { name: "internal_error", kind: "unavailable" },
  1: { name: "missing_parameter", kind: "bad_request" },
  2: { name: "bad_parameter_value", kind: "bad_request" },
  3: { name: "unknown_method", kind: "bad_request" },
  4: { name: "method_not_allowed", kind: "bad_request" },
  5: { name: "slow_down", kind: "rate_limited" },
  6: { name: "ressource_unreachable", kind: "unavailable" },
  7: { name: "unknown_ressource", kind: "not_found" },
  8: { name: "bad_token", kind: "auth" },
  9: { name: "permission_denied", kind: "auth" },
  10: { name: "two_factor_authentication_needed", kind: "auth" },
  11: { name: "two_factor_authentication_pending", kind: "auth" },
  12: { name: "invalid_login", kind: "auth" },
  13: { name: "invalid_password", kind: "auth" },
  14: { name: "account_locked", kind: "auth" },
  15: { name: "account_not_activated", kind: "auth" },
  16: { name: "unsupported_hoster", kind: "bad_request" },
  17: { name: "hoster_in_maintenance", kind: "unavailable" },
  18: { name: "hoster_limit_reached", kind: "unavailable" },
  19: { name: "hoster_unavailable", kind: "unavailable" },
  20: { name: "hoster_not_free", kind: "bad_request" },
  21: { name: "too_many_active_downloads", kind: "too_many_active" },
  22: { name: "ip_not_allowed", kind: "auth" },
  23: { name: "traffic_exhausted", kind: "traffic_exhausted" },
  24: { name: "file_unavailable", kind: "unavailable" },
  25: { name: "service_unavailable", kind: "unavailable" },
  26: { name: "upload_too_big", kind: "bad_request" },
  27: { name: "upload_error", kind: "bad_request" },
  28: { name: "file_not_allowed", kind: "bad_request" },
  29: { name: "torrent_too_big", kind: "bad_request" },
  30: { name: "torrent_file_invalid", kind: "bad_request" },
  31: { name: "action_already_done", kind: "unknown" },
  32: { name: "image_resolution_error", kind: "bad_request" },
  33: { name: "torrent_already_active", kind: "bad_request" },
  34: { name: "too_many_requests", kind: "rate_limited" },
  35: { name: "infringing_file", kind: "infringing" },
  36: { name: "fair_usage_limit", kind: "fair_usage" },
  37: { name: "disabled_endpoint", kind: "disabled_endpoint" },
};

function kindFromStatus(status: number): ProviderErrorKind {
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "not_found";
  if (status === 429) return "rate_limited";
  if (status === 451) return "infringing";
  if (status === 509) return "too_many_active";
  if (status >= 500) return "unavailable";
  if (status >= 400) return "bad_request";
  return "unknown";
}

/**
 * What the codes people meet most mean, in words (pages, logs and the CLI say these): the
 * descriptor's `errorWords`; other codes fall back on the words of their kind.
 */
export const RD_ERROR_WORDS: ErrorWords = {
  5: "Real-Debrid asks to slow down",
  6: "Real-Debrid could not reach the file",
  7: "Real-Debrid no longer knows this torrent or link",
  16: "this host is not supported",
  17: "the host is in maintenance",
  18: "the host's daily limit is reached",
  19: "the host is unavailable",
  20: "the host is not free for this account",
  21: "too many active downloads",
  23: "the account's traffic is used up",
  24: "the host no longer has this file",
  25: "Real-Debrid is unavailable",
  29: "the torrent is too big",
  30: "the torrent file is invalid",
  34: "too many requests",
  35: "the file was taken down (infringing)",
  36: "the fair-usage limit is reached",
  37: "this endpoint is disabled",
};

/** Maps a Real-Debrid error answer (`{error, error_code}` with a 4xx/5xx) to a ProviderError. */
export function mapRealDebridError(response: HttpResponse): ProviderError {
  let body: { error?: unknown; error_code?: unknown } = {};
  try {
    body = response.text ? JSON.parse(response.text) : {};
  } catch {
    body = {};
  }
  const code = typeof body.error_code === "number" ? body.error_code : null;
  const known = code !== null ? RD_ERROR_CODES[code] : undefined;
  const name = typeof body.error === "string" ? body.error : (known?.name ?? null);
  let kind = known?.kind ?? kindFromStatus(response.status);
  // 403 is both "permission denied" and "disabled endpoint" (37); only the code tells.
  if (response.status === 403 && code === 37) kind = "disabled_endpoint";
  const label = name ?? `HTTP ${response.status}`;
  const message =
    kind === "auth"
      ? `Real-Debrid refused the API token (${label}). Check RD_API_TOKEN: https://real-debrid.com/apitoken`
      : code !== null && RD_ERROR_WORDS[code]
        ? `Real-Debrid: ${RD_ERROR_WORDS[code]} (${label}, code ${code}, HTTP ${response.status})`
        : `Real-Debrid error: ${label}${code !== null ? ` (code ${code})` : ""}, HTTP ${response.status}`;
  return new ProviderError({
    provider: "realdebrid",
    kind,
    message,
    httpStatus: response.status,
    providerCode: code,
    providerError: name,
  });
}

/** Real-Debrid's 5xx answers that asking again will not change (a dead file, a hoster down). */
const DEFINITIVE_CODES: ReadonlySet<number> = new Set([17, 18, 19, 24]);

export function isDefinitiveRealDebridError(error: ProviderError): boolean {
  return typeof error.providerCode === "number" && DEFINITIVE_CODES.has(error.providerCode);
}
