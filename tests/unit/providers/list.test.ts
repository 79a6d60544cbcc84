import { describe, expect, test } from "bun:test";
import { allDebrid } from "../../../src/providers/alldebrid/descriptor.ts";
import { debridLink } from "../../../src/providers/debridlink/descriptor.ts";
import { checkProviders, PROVIDERS, providerSecretPaths } from "../../../src/providers/list.ts";
import { premiumize } from "../../../src/providers/premiumize/descriptor.ts";
import { realDebrid } from "../../../src/providers/realdebrid/descriptor.ts";
import { torBox } from "../../../src/providers/torbox/descriptor.ts";

describe("the list of providers", () => {
  test("built-in: Real-Debrid, AllDebrid, Debrid-Link, Premiumize, TorBox, their secrets where the config keeps them", () => {
    expect(PROVIDERS.map((p) => p.kind)).toEqual([
      "realdebrid",
      "alldebrid",
      "debridlink",
      "premiumize",
      "torbox",
    ]);
    expect(providerSecretPaths(PROVIDERS)).toEqual([
      "config.providers.realdebrid.token",
      "config.providers.alldebrid.apiKey",
      "config.providers.debridlink.apiKey",
      "config.providers.premiumize.apiKey",
      "config.providers.torbox.apiKey",
    ]);
    expect(realDebrid.secretVariables).toEqual(["RD_API_TOKEN", "RD_TOKEN"]);
    expect(allDebrid.secretVariables).toEqual(["AD_API_KEY", "ALLDEBRID_API_KEY"]);
    expect(debridLink.secretVariables).toEqual(["DEBRIDLINK_API_KEY", "DEBRID_LINK_API_KEY", "DL_API_KEY"]);
    expect(premiumize.secretVariables).toEqual(["PREMIUMIZE_API_KEY", "PM_API_KEY"]);
    expect(torBox.secretVariables).toEqual(["TORBOX_API_KEY", "TB_API_KEY"]);
  });

  test("refuses a kind listed twice, a variable claimed twice, a kind unsafe in paths", () => {
    expect(() => checkProviders([realDebrid, realDebrid])).toThrow(
      'provider kind "realdebrid" is listed twice',
    );
    expect(() => checkProviders([realDebrid, { ...allDebrid, kind: "other", env: realDebrid.env }])).toThrow(
      "RD_API_TOKEN is claimed by both realdebrid and other",
    );
    expect(() => checkProviders([{ ...allDebrid, kind: "../ad" }])).toThrow(
      'provider kind "../ad" must be lowercase letters and digits',
    );
  });
});
