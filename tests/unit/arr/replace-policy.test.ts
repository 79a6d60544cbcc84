import { describe, expect, test } from "bun:test";
import { ConfigError, loadConfig } from "../../../src/config/index.ts";
import { ProviderError } from "../../../src/providers/types.ts";
import { pollFailureReason, submitFailureReason } from "../../../src/services/downloads/failure-reason.ts";
import { NoProviderAcceptedError } from "../../../src/services/providers/choose.ts";

const refusal = (kind: ProviderError["kind"]) =>
  new ProviderError({ provider: "realdebrid", kind, message: `refused: ${kind}` });

describe("ARR_REPLACE_* configuration", () => {
  test("defaults: replace a bad release, wait on the disk or the provider; dry run follows DRY_RUN; 6 h stall", () => {
    const config = loadConfig({ DATA_DIR: "/tmp/redriva-policy" }).arrReplace;
    expect(config).toMatchObject({
      enabled: true,
      dryRun: true,
      maxReplacements: 3,
      stalledAfterMs: 6 * 3_600_000,
    });
    expect(config.policy).toEqual({
      infringing: "replace",
      dead: "replace",
      not_cached: "replace",
      stalled: "replace",
      errors: "replace",
      provider_outage: "wait",
      disk_full: "wait",
      other: "wait",
    });
    expect(loadConfig({ DATA_DIR: "/tmp/x", DRY_RUN: "false" }).arrReplace.dryRun).toBe(false);
    expect(
      loadConfig({ DATA_DIR: "/tmp/x", DRY_RUN: "false", ARR_REPLACE_DRY_RUN: "true" }).arrReplace.dryRun,
    ).toBe(true);
  });

  test("overrides change only the reasons they name; off disables the stall", () => {
    const config = loadConfig({
      DATA_DIR: "/tmp/x",
      ARR_REPLACE_POLICY: " provider_outage=replace , DEAD=wait",
      DOWNLOAD_STALLED_AFTER: "off",
      ARR_MAX_REPLACEMENTS: "5",
    }).arrReplace;
    expect(config.policy).toMatchObject({ provider_outage: "replace", dead: "wait", infringing: "replace" });
    expect(config.stalledAfterMs).toBeNull();
    expect(config.maxReplacements).toBe(5);
    expect(loadConfig({ DATA_DIR: "/tmp/x", DOWNLOAD_STALLED_AFTER: "90m" }).arrReplace.stalledAfterMs).toBe(
      90 * 60_000,
    );
  });

  test("bad values are clear configuration errors", () => {
    for (const [key, value, words] of [
      ["ARR_REPLACE_POLICY", "dead=maybe", "reason=replace|wait"],
      ["ARR_REPLACE_POLICY", "lost=replace", "reasons among infringing"],
      ["DOWNLOAD_STALLED_AFTER", "soon", "a duration such as 6h"],
      ["ARR_MAX_REPLACEMENTS", "0", "positive integer"],
    ] as const) {
      let error: unknown;
      try {
        loadConfig({ DATA_DIR: "/tmp/x", [key]: value });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.join("\n")).toContain(`${key}: expected`);
      expect((error as ConfigError).problems.join("\n")).toContain(words);
    }
  });
});

describe("why a grab failed", () => {
  test("at the add: infringing, not cached, an outage, or plain errors", () => {
    expect(submitFailureReason(new NoProviderAcceptedError([], refusal("infringing")))).toBe("errors");
    const attempts = (kinds: Array<ProviderError["kind"] | "not_cached">) =>
      new NoProviderAcceptedError(
        kinds.map((k) =>
          k === "not_cached"
            ? { provider: "realdebrid" as const, outcome: "not_cached" as const, reason: "not cached" }
            : { provider: "realdebrid" as const, outcome: "refused" as const, reason: k, errorKind: k },
        ),
        null,
      );
    expect(submitFailureReason(attempts(["unavailable", "infringing"]))).toBe("infringing");
    expect(submitFailureReason(attempts(["not_cached", "not_cached"]))).toBe("not_cached");
    expect(submitFailureReason(attempts(["unavailable", "too_many_active", "not_cached"]))).toBe(
      "provider_outage",
    );
    expect(submitFailureReason(attempts(["unavailable", "bad_request"]))).toBe("errors");
    expect(submitFailureReason(refusal("infringing"))).toBe("infringing");
    expect(submitFailureReason(new Error("boom"))).toBe("errors");
  });

  test("while polling: a provider that keeps failing is an outage, anything else errors", () => {
    expect(pollFailureReason(refusal("network"))).toBe("provider_outage");
    expect(pollFailureReason(refusal("bad_request"))).toBe("errors");
    expect(pollFailureReason(new Error("boom"))).toBe("errors");
  });
});
