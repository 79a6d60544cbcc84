import { type ErrorWords, wordsFor } from "../error-words.ts";
import type { HttpResponse } from "../http/http-client.ts";
import { ProviderError, type ProviderErrorKind } from "../types.ts";

/**
 * Debrid-Link's error codes (`{success: false, error: "<code>"}`), from its API v2 "Errors"
 * page, with the kind of failure each is for us. The page does not tie codes to HTTP statuses,
 * so the code decides and the status is only a fallback.
 */
export const DL_ERROR_CODES: Record<string, ProviderErrorKind> = {
  // Token and account: stop at once
  badToken: "auth",
  badSign: "auth",
  hidedToken: "auth",
  expired_token: "auth",
  access_denied: "auth",
  unauthorized_client: "auth",
  invalid_client: "auth",
  accountLocked: "auth",
  maxAttempts: "auth",
  captchaRequired: "auth",
  // Requests
  unknowR: "disabled_endpoint",
  badArguments: "bad_request",
  invalid_request: "bad_request",
  badId: "not_found",
  floodDetected: "rate_limited",
  internalError: "unavailable",
  server_error: "unavailable",
  serverNotAllowed: "unavailable", // servers/VPNs refused
  freeServerOverload: "unavailable",
  // Seedbox
  notAddTorrent: "bad_request", // the torrent or magnet could not be added
  torrentTooBig: "bad_request",
  maxTorrent: "too_many_active", // the seedbox holds as many torrents as the plan allows
  // Downloader (hosters)
  notDebrid: "bad_request",
  hostNotValid: "bad_request",
  notFreeHost: "bad_request",
  fileNotFound: "not_found",
  fileNotAvailable: "not_found",
  badFileUrl: "not_found",
  badFilePassword: "bad_request",
  maintenanceHost: "unavailable",
  noServerHost: "unavailable",
  disabledServerHost: "unavailable",
  maxLink: "traffic_exhausted",
  maxLinkHost: "traffic_exhausted",
  maxData: "traffic_exhausted",
  maxDataHost: "traffic_exhausted",
};

/** Debrid-Link's documented codes in plain words (the descriptor's `errorWords`). */
export const DL_ERROR_WORDS: ErrorWords = {
  badToken: "the API key is invalid or expired",
  badSign: "the request signature is wrong",
  hidedToken: "the API key is hidden (revoked)",
  expired_token: "the API key expired",
  access_denied: "access was denied",
  unauthorized_client: "this app is not allowed",
  invalid_client: "this app is not valid",
  accountLocked: "the account is locked",
  maxAttempts: "too many sign-in attempts",
  captchaRequired: "a captcha must be solved on the website",
  unknowR: "this API endpoint does not exist",
  badArguments: "a parameter is missing or wrong",
  invalid_request: "the request is not valid",
  badId: "Debrid-Link no longer knows this torrent",
  floodDetected: "too many requests (flood detected)",
  internalError: "Debrid-Link failed on its side",
  server_error: "Debrid-Link failed on its side",
  serverNotAllowed: "servers and VPNs may not use Debrid-Link",
  freeServerOverload: "the free servers are overloaded",
  notAddTorrent: "the torrent or magnet could not be added",
  torrentTooBig: "the torrent is too big",
  maxTorrent: "the seedbox holds as many torrents as the plan allows",
  notDebrid: "this link cannot be debrided",
  hostNotValid: "this host is not supported",
  notFreeHost: "this host is not free for this account",
  fileNotFound: "the host no longer has this file",
  fileNotAvailable: "the file is unavailable",
  badFileUrl: "the file link is not valid",
  badFilePassword: "the file's password is wrong",
  maintenanceHost: "the host is in maintenance",
  noServerHost: "no server is free for this host",
  disabledServerHost: "this host's servers are disabled",
  maxLink: "the daily link limit is reached",
  maxLinkHost: "the daily link limit for this host is reached",
  maxData: "the daily traffic limit is reached",
  maxDataHost: "the daily traffic limit for this host is reached",
};

/** Codes that say "try again": a 5xx carrying anything else is Debrid-Link's definitive answer. */
const TRANSIENT_CODES = new Set(["internalError", "server_error"]);

function kindFromStatus(status: number): ProviderErrorKind {
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "not_found";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "unavailable";
  if (status >= 400) return "bad_request";
  return "unknown";
}

/** The `{error, error_description}` of a Debrid-Link failure body, or null. */
export function readDlError(data: unknown): { code: string; description: string } | null {
  if (!data || typeof data !== "object") return null;
  const body = data as { success?: unknown; error?: unknown; error_description?: unknown };
  if (body.success !== false || typeof body.error !== "string" || body.error === "") return null;
  return {
    code: body.error,
    description: typeof body.error_description === "string" ? body.error_description : "",
  };
}

/** A ProviderError for one Debrid-Link code. */
export function dlError(
  code: string,
  description: string,
  httpStatus: number | null,
  fallbackKind: ProviderErrorKind = "unknown",
): ProviderError {
  const kind = DL_ERROR_CODES[code] ?? fallbackKind;
  const detail = description ? ` (${description})` : "";
  const message =
    kind === "auth"
      ? `Debrid-Link refused the API key (${code}${detail}). Check DEBRIDLINK_API_KEY: https://debrid-link.com/webapp/apikey`
      : `Debrid-Link: ${wordsFor(DL_ERROR_WORDS, code, kind)} (${code}${description ? `: ${description}` : ""}${httpStatus !== null ? `, HTTP ${httpStatus}` : ""})`;
  return new ProviderError({
    provider: "debridlink",
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

/** Maps a non-2xx Debrid-Link answer (its error body, or a proxy's page) to a ProviderError. */
export function mapDebridLinkError(response: HttpResponse): ProviderError {
  const error = readDlError(parse(response.text));
  const statusKind = kindFromStatus(response.status);
  if (error && response.status !== 429)
    return dlError(error.code, error.description, response.status, statusKind);
  return new ProviderError({
    provider: "debridlink",
    kind: statusKind,
    message:
      statusKind === "auth"
        ? `Debrid-Link refused the API key (HTTP ${response.status}). Check DEBRIDLINK_API_KEY`
        : `Debrid-Link: ${wordsFor(DL_ERROR_WORDS, error?.code ?? null, statusKind)} (${error?.code ? `${error.code}, ` : ""}HTTP ${response.status})`,
    httpStatus: response.status,
    providerCode: error?.code ?? null,
    providerError: error?.code ?? null,
  });
}

/** A 2xx answer is a success only with `success: true`; anything else is an error. */
export function debridLinkBodyError(response: HttpResponse): ProviderError | null {
  const data = response.data as { success?: unknown } | null;
  if (data && typeof data === "object" && data.success === true) return null;
  const error = readDlError(data);
  if (error) return dlError(error.code, error.description, response.status);
  return new ProviderError({
    provider: "debridlink",
    kind: "bad_response",
    message: `Debrid-Link: unexpected answer without success (HTTP ${response.status})`,
    httpStatus: response.status,
  });
}

/** A Debrid-Link code in a 5xx body is its word (maintenance, refused server), except internal errors. */
export function isDefinitiveDebridLinkError(error: ProviderError): boolean {
  return typeof error.providerCode === "string" && !TRANSIENT_CODES.has(error.providerCode);
}
