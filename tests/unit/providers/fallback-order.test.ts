import { describe, expect, test } from "bun:test";
import { ConfigError, loadConfig } from "../../../src/config/index.ts";
import { inFallbackOrder, parseProviderOrder } from "../../../src/providers/fallback-order.ts";
import { providerOrder } from "../../../src/services/providers/choose.ts";

const KINDS = ["realdebrid", "alldebrid", "debridlink", "premiumize", "torbox"];

describe("DOWNLOAD_PROVIDER_ORDER", () => {
  test("parses names in order, case and spaces forgiven; unknown or repeated names are refused", () => {
    expect(parseProviderOrder(" TorBox, realdebrid ,", KINDS)).toEqual(["torbox", "realdebrid"]);
    expect(parseProviderOrder("", KINDS)).toEqual([]);
    expect(parseProviderOrder("torbox,offcloud", KINDS)).toBeNull();
    expect(parseProviderOrder("torbox,torbox", KINDS)).toBeNull();
  });

  test("config: the order lands in downloads.providerOrder; a bad one is one clear line", () => {
    expect(loadConfig({ DOWNLOAD_PROVIDER_ORDER: "premiumize,torbox" }).downloads.providerOrder).toEqual([
      "premiumize",
      "torbox",
    ]);
    expect(loadConfig({}).downloads.providerOrder).toEqual([]);
    const error = (() => {
      try {
        loadConfig({ DOWNLOAD_PROVIDER_ORDER: "torbox,offcloud" });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.join("\n")).toContain(
      "DOWNLOAD_PROVIDER_ORDER: expected provider names separated by commas, each once, among realdebrid",
    );
  });

  test("the chosen provider first, then the listed ones in order, then the others as configured", () => {
    expect(inFallbackOrder(KINDS, ["torbox", "debridlink"])).toEqual([
      "torbox",
      "debridlink",
      "realdebrid",
      "alldebrid",
      "premiumize",
    ]);
    const routes = {
      defaultProvider: "realdebrid",
      byCategory: { radarr: "premiumize" },
      fallbackOrder: ["torbox", "premiumize"],
    };
    expect(providerOrder(routes, "radarr", KINDS)).toEqual([
      "premiumize",
      "torbox",
      "realdebrid",
      "alldebrid",
      "debridlink",
    ]);
    expect(providerOrder(routes, null, ["alldebrid", "realdebrid"])).toEqual(["realdebrid", "alldebrid"]);
  });
});
