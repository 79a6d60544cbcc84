import { describe, expect, test } from "bun:test";
import { chosenProvider, FALLBACK_ON, providerOrder } from "../../../../src/services/providers/choose.ts";

const routes = { defaultProvider: "realdebrid" as const, byCategory: { radarr: "alldebrid" as const } };

describe("provider order", () => {
  test("the category's provider first, the default for other categories", () => {
    expect(chosenProvider(routes, "radarr")).toBe("alldebrid");
    expect(chosenProvider(routes, "tv-sonarr")).toBe("realdebrid");
    expect(chosenProvider(routes, null)).toBe("realdebrid");
    expect(providerOrder(routes, "radarr", ["realdebrid", "alldebrid"])).toEqual(["alldebrid", "realdebrid"]);
    expect(providerOrder(routes, "tv", ["realdebrid", "alldebrid"])).toEqual(["realdebrid", "alldebrid"]);
  });

  test("only configured providers are tried", () => {
    expect(providerOrder(routes, "radarr", ["realdebrid"])).toEqual(["realdebrid"]);
    expect(providerOrder(routes, "tv", ["alldebrid"])).toEqual(["alldebrid"]);
    expect(providerOrder(routes, "tv", [])).toEqual([]);
  });

  test("a bad magnet or an infringing file does not move to the other provider by default", () => {
    expect(FALLBACK_ON.has("too_many_active")).toBe(true);
    expect(FALLBACK_ON.has("unavailable")).toBe(true);
    expect(FALLBACK_ON.has("bad_request")).toBe(false);
    expect(FALLBACK_ON.has("infringing")).toBe(false);
  });
});
