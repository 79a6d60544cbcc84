import { describe, expect, test } from "bun:test";
import { ProviderError } from "../../../src/providers/types.ts";
import {
  classify,
  FAILURE_POLICY,
  failureForStatus,
  RepairFailure,
} from "../../../src/services/repair/policy.ts";

const rd = (kind: ProviderError["kind"], code: number, httpStatus: number) =>
  new ProviderError({ provider: "realdebrid", kind, message: `rd ${code}`, providerCode: code, httpStatus });

describe("per-failure policy table", () => {
  test("matches the issue: infringing and virus are permanent, rate limits and bad torrents retry", () => {
    expect(FAILURE_POLICY.infringing).toMatchObject({
      permanent: true,
      retry: false,
      cleanupLinks: true,
      deleteTorrent: true,
    });
    expect(FAILURE_POLICY.virus).toMatchObject({
      permanent: true,
      retry: false,
      deleteTorrent: true,
      cleanupLinks: false,
    });
    for (const f of ["rate_limited", "fair_usage", "too_many_active"] as const) {
      expect(FAILURE_POLICY[f]).toMatchObject({ retry: true, permanent: false, haltRun: true });
    }
    for (const f of ["magnet_error", "error", "dead", "timeout"] as const) {
      expect(FAILURE_POLICY[f]).toMatchObject({ retry: true, permanent: false, haltRun: false });
    }
  });

  test("Real-Debrid errors are classified by code", () => {
    expect(classify(rd("infringing", 35, 451))).toMatchObject({ failure: "infringing", code: "35" });
    expect(classify(rd("rate_limited", 34, 429)).failure).toBe("rate_limited");
    expect(classify(rd("fair_usage", 36, 503)).failure).toBe("fair_usage");
    expect(classify(rd("too_many_active", 21, 509)).failure).toBe("too_many_active");
    expect(classify(rd("auth", 8, 401)).failure).toBe("auth");
    expect(classify(rd("bad_request", 2, 400)).failure).toBe("rejected");
    expect(classify(rd("unavailable", 25, 503)).failure).toBe("unavailable");
    expect(classify(new Error("socket hang up")).failure).toBe("unavailable");
    const own = new RepairFailure("timeout", "slow");
    expect(classify(own)).toBe(own);
  });

  test("failed torrent statuses map onto their own class", () => {
    expect(failureForStatus("magnet_error")).toBe("magnet_error");
    expect(failureForStatus("dead")).toBe("dead");
    expect(failureForStatus("virus")).toBe("virus");
    expect(failureForStatus("downloading")).toBeNull();
  });
});
