import { afterEach, describe, expect, test } from "bun:test";
import { loadConfig } from "../../../src/config/index.ts";
import { arrForCategory, arrRoutesReport } from "../../../src/services/arr/index.ts";
import { qbitDownloadClient } from "../../fakes/arr-imports.ts";
import { type FakeArr, startFakeArr } from "../../fakes/arr-server.ts";
import { makeTestDeps } from "../../helpers/deps.ts";
import { ManualClock } from "../../helpers/manual-clock.ts";

/**
 * Which *arr grabbed a category: read from each fake instance's GET /api/v3/downloadclient over
 * real HTTP, the entries on Redriva's port only, ARR_CATEGORIES first.
 */
const PORT = 6500;
const fakes: FakeArr[] = [];
afterEach(async () => {
  for (const fake of fakes.splice(0)) await fake.stop();
});

function arr(kind: "sonarr" | "radarr", clients: ReturnType<typeof qbitDownloadClient>[]) {
  const fake = startFakeArr({ kind, downloadClients: clients });
  fakes.push(fake);
  return fake;
}

/** Three instances: Sonarr (tv-sonarr), Sonarr 4K (tv-4k), Radarr (radarr, imported → radarr-done). */
function threeInstances(clock = new ManualClock()) {
  const sonarr = arr("sonarr", [
    qbitDownloadClient("sonarr", { port: PORT, category: "tv-sonarr" }),
    // A real qBittorrent beside Redriva: its category is not ours.
    qbitDownloadClient("sonarr", {
      id: 2,
      name: "qBittorrent",
      host: "nas",
      port: 8080,
      category: "tv-local",
    }),
  ]);
  const sonarr4k = arr("sonarr", [qbitDownloadClient("sonarr", { port: PORT, category: "tv-4k" })]);
  const radarr = arr("radarr", [
    qbitDownloadClient("radarr", { port: PORT, category: "radarr", importedCategory: "radarr-done" }),
  ]);
  const deps = makeTestDeps(
    {
      PORT: String(PORT),
      SONARR_URL: sonarr.url,
      SONARR_API_KEY: sonarr.apiKey,
      SONARR_URL_2: sonarr4k.url,
      SONARR_API_KEY_2: sonarr4k.apiKey,
      SONARR_NAME_2: "Sonarr 4K",
      RADARR_URL: radarr.url,
      RADARR_API_KEY: radarr.apiKey,
    },
    undefined,
    { clock },
  );
  return { sonarr, sonarr4k, radarr, deps, clock };
}

const reads = (fake: FakeArr) => fake.requests.filter((r) => r === "GET /api/v3/downloadclient").length;

describe("which *arr grabbed a category", () => {
  test("each category goes to the instance whose download client uses it, among several", async () => {
    const { sonarr, sonarr4k, radarr, deps } = threeInstances();
    using _ = deps;
    expect((await arrForCategory(deps, "tv-sonarr"))?.instance.id).toBe("sonarr");
    const fourK = await arrForCategory(deps, "tv-4k");
    expect(fourK?.instance).toMatchObject({ id: "sonarr2", kind: "sonarr", name: "Sonarr 4K" });
    expect(fourK?.client.url).toBe(sonarr4k.url);
    expect(fourK?.source).toBe("detected");
    expect((await arrForCategory(deps, "radarr"))?.instance.id).toBe("radarr");
    // The category Radarr sets after importing is Radarr's too.
    expect((await arrForCategory(deps, "radarr-done"))?.instance.id).toBe("radarr");
    // A real qBittorrent's category (another port) is nobody's here.
    expect(await arrForCategory(deps, "tv-local")).toBeUndefined();
    // One read per instance for all of these questions, not one per question.
    expect([reads(sonarr), reads(sonarr4k), reads(radarr)]).toEqual([1, 1, 1]);
  });

  test("read again after ARR_ROUTES_REFRESH_MS, and at most once a minute for an unknown category", async () => {
    const { sonarr, deps, clock } = threeInstances();
    using _ = deps;
    expect(await arrForCategory(deps, "tv-new")).toBeUndefined();
    expect(reads(sonarr)).toBe(1);
    sonarr.downloadClients.push(qbitDownloadClient("sonarr", { id: 3, port: PORT, category: "tv-new" }));
    // Within the minute: no new read, still unknown.
    await clock.advance(30_000);
    expect(await arrForCategory(deps, "tv-new")).toBeUndefined();
    expect(reads(sonarr)).toBe(1);
    await clock.advance(31_000);
    // Background rounds (import watch) never read on a miss: they wait for the periodic read.
    expect(await arrForCategory(deps, "tv-new", { readOnMiss: false })).toBeUndefined();
    expect(reads(sonarr)).toBe(1);
    expect((await arrForCategory(deps, "tv-new"))?.instance.id).toBe("sonarr");
    expect(reads(sonarr)).toBe(2);
    // Known categories use the cache until the refresh period (10 min by default) is over.
    await clock.advance(5 * 60_000);
    await arrForCategory(deps, "tv-sonarr");
    expect(reads(sonarr)).toBe(2);
    await clock.advance(6 * 60_000);
    await arrForCategory(deps, "tv-sonarr");
    expect(reads(sonarr)).toBe(3);
  });

  test("an *arr that stops answering keeps its last categories; the report says why", async () => {
    const { sonarr, deps, clock } = threeInstances();
    using _ = deps;
    expect((await arrForCategory(deps, "tv-sonarr"))?.instance.id).toBe("sonarr");
    sonarr.failWith = 503;
    await clock.advance(11 * 60_000);
    expect((await arrForCategory(deps, "tv-sonarr"))?.instance.id).toBe("sonarr");
    const report = await arrRoutesReport(deps);
    const entry = report.instances.find((i) => i.id === "sonarr");
    expect(entry?.categories).toContain("tv-sonarr");
    expect(entry?.error).toContain("HTTP 503");
    expect(report.port).toBe(PORT);
  });

  test("a category two instances claim is nobody's until ARR_CATEGORIES settles it", async () => {
    const first = arr("sonarr", [qbitDownloadClient("sonarr", { port: PORT, category: "tv" })]);
    const second = arr("sonarr", [qbitDownloadClient("sonarr", { port: PORT, category: "tv" })]);
    const env = {
      PORT: String(PORT),
      SONARR_URL: first.url,
      SONARR_API_KEY: first.apiKey,
      SONARR_URL_3: second.url,
      SONARR_API_KEY_3: second.apiKey,
    };
    {
      using deps = makeTestDeps(env);
      expect(await arrForCategory(deps, "tv")).toBeUndefined();
      expect((await arrRoutesReport(deps)).ambiguous).toEqual(["tv"]);
    }
    using deps = makeTestDeps({ ...env, ARR_CATEGORIES: "tv=sonarr3, anime = sonarr" });
    const route = await arrForCategory(deps, "tv");
    expect(route?.instance.id).toBe("sonarr3");
    expect(route?.source).toBe("override");
    // An override needs no download client entry at all.
    expect((await arrForCategory(deps, "anime"))?.instance.id).toBe("sonarr");
    expect((await arrRoutesReport(deps)).ambiguous).toEqual([]);
  });

  test("ARR_DOWNLOAD_CLIENT_PORT: the port the *arr reaches Redriva on, behind a Docker port mapping", async () => {
    const sonarr = arr("sonarr", [qbitDownloadClient("sonarr", { port: 16500, category: "tv-sonarr" })]);
    const env = { PORT: String(PORT), SONARR_URL: sonarr.url, SONARR_API_KEY: sonarr.apiKey };
    {
      using deps = makeTestDeps(env);
      expect(await arrForCategory(deps, "tv-sonarr")).toBeUndefined();
      const entry = (await arrRoutesReport(deps)).instances[0];
      expect(entry).toMatchObject({ qbitClients: 1, redrivaClients: 0, categories: [] });
    }
    using deps = makeTestDeps({ ...env, ARR_DOWNLOAD_CLIENT_PORT: "16500" });
    expect((await arrForCategory(deps, "tv-sonarr"))?.instance.id).toBe("sonarr");
  });

  test("configuration errors are clear", () => {
    expect(() => loadConfig({ ARR_CATEGORIES: "tv=lidarr" })).toThrow(
      /ARR_CATEGORIES: expected category=instance/,
    );
    expect(() => loadConfig({ ARR_CATEGORIES: "tv=sonarr4" })).toThrow(
      /ARR_CATEGORIES: names sonarr4, which no SONARR_URL_N/,
    );
    expect(() => loadConfig({ SONARR_URL_2: "nope" })).toThrow(/SONARR_URL_2: expected an http\(s\) URL/);
    expect(() => loadConfig({ SONARR_API_KEY_2: "s3cret-key" })).not.toThrow();
    let message = "";
    try {
      loadConfig({ SONARR_API_KEY_2: "s3cret-key", ARR_ROUTES_REFRESH_MS: "5" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("ARR_ROUTES_REFRESH_MS");
    expect(message).not.toContain("s3cret-key");
  });
});
