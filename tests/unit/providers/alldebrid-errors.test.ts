import { describe, expect, test } from "bun:test";
import {
  AD_ERROR_CODES,
  adError,
  allDebridBodyError,
  mapAllDebridError,
} from "../../../src/providers/alldebrid/errors.ts";
import type { HttpResponse } from "../../../src/providers/http/http-client.ts";

function response(status: number, body: unknown, raw?: string): HttpResponse {
  const text = raw ?? (body === undefined ? "" : JSON.stringify(body));
  return { status, headers: new Headers(), text, data: body, elapsedMs: 1 };
}
const adBody = (code: string, message = "m") => ({ status: "error", error: { code, message } });

describe("AllDebrid error codes", () => {
  test("each documented family maps to the kind callers act on", () => {
    const expected: Record<string, string> = {
      AUTH_MISSING_APIKEY: "auth",
      AUTH_BAD_APIKEY: "auth",
      AUTH_BLOCKED: "auth",
      AUTH_USER_BANNED: "auth",
      MAGNET_TOO_MANY_ACTIVE: "too_many_active",
      LINK_TOO_MANY_DOWNLOADS: "too_many_active",
      MAGNET_INVALID_URI: "bad_request",
      MAGNET_INVALID_FILE: "bad_request",
      MAGNET_MUST_BE_PREMIUM: "bad_request",
      MAGNET_NO_URI: "bad_request",
      LINK_DOWN: "not_found",
      MAGNET_INVALID_ID: "not_found",
      MAINTENANCE: "unavailable",
      LINK_HOST_UNAVAILABLE: "unavailable",
      LINK_TEMPORARY_UNAVAILABLE: "unavailable",
      "404": "disabled_endpoint",
    };
    for (const [code, kind] of Object.entries(expected)) {
      expect(`${code}=${adError(code, "", 200).kind}`).toBe(`${code}=${kind}`);
    }
  });

  test("every code of the table has a real kind (nothing documented falls to unknown but GENERIC)", () => {
    const unknown = Object.entries(AD_ERROR_CODES)
      .filter(([, kind]) => kind === "unknown")
      .map(([c]) => c);
    expect(unknown).toEqual(["GENERIC"]);
    expect(Object.keys(AD_ERROR_CODES).length).toBeGreaterThan(60);
  });

  test("retry later vs permanent", () => {
    expect(adError("MAGNET_TOO_MANY_ACTIVE", "", 200).retryable).toBe(true);
    expect(adError("MAINTENANCE", "", 200).retryable).toBe(true);
    expect(adError("MAGNET_INVALID_URI", "", 200).retryable).toBe(false);
    expect(adError("AUTH_BAD_APIKEY", "", 200).retryable).toBe(false);
  });

  test("auth errors point to AD_API_KEY; others carry the code and the HTTP status", () => {
    const auth = adError("AUTH_BAD_APIKEY", "The auth apikey is invalid", 200);
    expect(auth.message).toContain("AD_API_KEY");
    expect(auth.code).toBe("upstream_auth");
    const other = adError("LINK_DOWN", "gone", 200);
    expect(other).toMatchObject({ provider: "alldebrid", providerCode: "LINK_DOWN", httpStatus: 200 });
    expect(other.message).toContain("LINK_DOWN");
    expect(adError("SOMETHING_NEW", "", 200).kind).toBe("unknown");
  });
});

describe("HTTP-level errors", () => {
  test("429 is rate_limited whatever the body", () => {
    expect(mapAllDebridError(response(429, undefined, "slow down")).kind).toBe("rate_limited");
    expect(mapAllDebridError(response(429, adBody("TOO_MANY_REQUESTS"))).kind).toBe("rate_limited");
  });

  test("a bare 5xx is unavailable without a code (the client retries it); MAINTENANCE keeps its code", () => {
    const bare = mapAllDebridError(response(503, undefined, "<html>Bad gateway</html>"));
    expect(bare).toMatchObject({ kind: "unavailable", providerCode: null, httpStatus: 503 });
    const maintenance = mapAllDebridError(response(503, adBody("MAINTENANCE")));
    expect(maintenance).toMatchObject({ kind: "unavailable", providerCode: "MAINTENANCE" });
  });

  test("an unknown endpoint is a disabled endpoint; a 401 is auth", () => {
    expect(mapAllDebridError(response(404, adBody("404", "Endpoint doesn't exist"))).kind).toBe(
      "disabled_endpoint",
    );
    expect(mapAllDebridError(response(401, undefined, "")).kind).toBe("auth");
  });
});

describe("errors inside HTTP 200 answers", () => {
  test("success passes, status:error is typed, JSON without status is a failed request", () => {
    expect(allDebridBodyError(response(200, { status: "success", data: {} }))).toBeNull();
    expect(allDebridBodyError(response(200, adBody("MAGNET_INVALID_ID")))).toMatchObject({
      kind: "not_found",
      httpStatus: 200,
    });
    expect(allDebridBodyError(response(200, { data: {} }))?.kind).toBe("bad_response");
    expect(allDebridBodyError(response(200, [1, 2]))?.kind).toBe("bad_response");
  });
});
