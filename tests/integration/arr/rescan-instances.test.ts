import { afterAll, describe, expect, test } from "bun:test";
import { rescanPathsEverywhere } from "../../../src/services/arr/index.ts";
import { tellArr } from "../../../src/services/repair/aftermath.ts";
import { confirmDeletion, deletionPlan, runScan } from "../../../src/services/symlinks/index.ts";
import { type FakeArr, startFakeArr } from "../../fakes/arr-server.ts";
import { makeTestDeps } from "../../helpers/deps.ts";
import { startSymlinkEnv } from "../symlinks/helpers.ts";

/**
 * Rescans go to the Sonarr/Radarr instance whose root folders hold the path (GET
 * /api/v3/rootfolder), not to the first instance of the kind; paths no root folder holds go to
 * every instance. Two Sonarr instances own a series of the same name: only the root folder can
 * tell them apart.
 */
const servers: FakeArr[] = [];
const fake = (kind: "sonarr" | "radarr", items: Array<{ id: number; title: string; path: string }>) => {
  const server = startFakeArr({ kind, items });
  servers.push(server);
  return server;
};
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

const sonarr = fake("sonarr", [{ id: 1, title: "Show One", path: "/tv/Show One" }]);
const sonarr4k = fake("sonarr", [{ id: 5, title: "Show One", path: "/tv4k/Show One" }]);
const radarr = fake("radarr", [{ id: 9, title: "A Movie", path: "/movies/A Movie (2020)" }]);
const env = {
  SONARR_URL: sonarr.url,
  SONARR_API_KEY: sonarr.apiKey,
  SONARR_URL_2: sonarr4k.url,
  SONARR_API_KEY_2: sonarr4k.apiKey,
  SONARR_NAME_2: "Sonarr 4K",
  RADARR_URL: radarr.url,
  RADARR_API_KEY: radarr.apiKey,
};
const bodies = (server: FakeArr) => server.commands.map((c) => c.body);
const itemReads = (server: FakeArr) =>
  server.requests.filter((r) => r === "GET /api/v3/series" || r === "GET /api/v3/movie").length;
function reset() {
  for (const server of servers) {
    server.commands.length = 0;
    server.requests.length = 0;
    server.failWith = null;
  }
}

describe("rescans reach the instance that owns the path", () => {
  test("a path under one instance's root folder goes to that instance only, whatever the mount prefix", async () => {
    using deps = makeTestDeps(env);
    reset();
    // Redriva sees the library under another prefix than the *arrs (Docker): /srv/media/tv4k/...
    const summary = await rescanPathsEverywhere(deps, ["/srv/media/tv4k/Show One/Season 01/e1.mkv"]);
    expect(summary.errors).toEqual([]);
    expect(bodies(sonarr4k)).toEqual([{ name: "RescanSeries", seriesId: 5 }]);
    expect(bodies(sonarr)).toEqual([]);
    expect(bodies(radarr)).toEqual([]);
    // The others were only asked for their root folders.
    expect(itemReads(sonarr) + itemReads(radarr)).toBe(0);
    expect(summary.reports.map((r) => r.instance.name)).toEqual(["Sonarr 4K"]);

    reset();
    await rescanPathsEverywhere(deps, ["/tv/Show One/e1.mkv", "/srv/media/movies/A Movie (2020)/m.mkv"]);
    expect(bodies(sonarr)).toEqual([{ name: "RescanSeries", seriesId: 1 }]);
    expect(bodies(sonarr4k)).toEqual([]);
    expect(bodies(radarr)).toEqual([{ name: "RescanMovie", movieId: 9 }]);
  });

  test("a path no root folder holds goes to every instance; an instance down is reported by name", async () => {
    using deps = makeTestDeps(env);
    reset();
    const summary = await rescanPathsEverywhere(deps, ["/srv/anime/Show One/e1.mkv"]);
    expect(bodies(sonarr)).toEqual([{ name: "RescanSeries", seriesId: 1 }]);
    expect(bodies(sonarr4k)).toEqual([{ name: "RescanSeries", seriesId: 5 }]);
    expect(bodies(radarr)).toEqual([]);
    expect(itemReads(radarr)).toBe(1);
    expect(summary.commands).toBe(2);

    reset();
    sonarr4k.failWith = 503;
    const down = await rescanPathsEverywhere(deps, ["/srv/anime/Show One/e1.mkv"]);
    expect(down.errors.map((e) => e.name)).toEqual(["Sonarr 4K"]);
    expect(bodies(sonarr)).toEqual([{ name: "RescanSeries", seriesId: 1 }]);
    reset();
  });

  test("repair: the instance owning the series rescans and searches it", async () => {
    using deps = makeTestDeps({ ...env, REPAIR_DELETE_ONLY: "false" });
    reset();
    const told = await tellArr(deps, ["/srv/media/tv4k/Show One/Season 01/e1.mkv"]);
    expect(told).toMatchObject({ rescans: 1, searches: 1, items: ["sonarr2:5"], errors: [] });
    expect(bodies(sonarr4k)).toEqual([
      { name: "RescanSeries", seriesId: 5 },
      { name: "SeriesSearch", seriesId: 5 },
    ]);
    expect(bodies(sonarr)).toEqual([]);
  });

  test("symlink checker: deleted links are rescanned by the second Sonarr, whose root folder holds them", async () => {
    // The first Sonarr keeps its series elsewhere (/tv-old); the second one's root is /tv.
    const elsewhere = fake("sonarr", [
      { id: 11, title: "Show One", path: "/tv-old/Show One" },
      { id: 12, title: "Show Two", path: "/tv-old/Show Two" },
    ]);
    const owner = fake("sonarr", [
      { id: 31, title: "Show One", path: "/tv/Show One" },
      { id: 32, title: "Show Two", path: "/tv/Show Two" },
    ]);
    await using symlinks = await startSymlinkEnv({
      SONARR_URL: elsewhere.url,
      SONARR_API_KEY: elsewhere.apiKey,
      SONARR_URL_3: owner.url,
      SONARR_API_KEY_3: owner.apiKey,
    });
    const { deps, tree } = symlinks;
    const scan = await runScan(deps, { mode: "real", depth: "basic", paths: ["tv"] });
    const plan = deletionPlan(deps, scan.scanId, ["broken"]);
    const tvBroken = tree.expected.broken.filter((p) => p.startsWith("tv/"));
    expect(tvBroken.length).toBeGreaterThan(0);
    expect(plan.items.map((p) => p.path).sort()).toEqual(tvBroken.sort());
    const final = await confirmDeletion(deps, scan.scanId, { token: plan.token, types: ["broken"] }).done;
    expect(final).toMatchObject({ status: "completed", error: null });
    expect(bodies(elsewhere)).toEqual([]);
    const expected = [...new Set(tvBroken.map((p) => (p.startsWith("tv/Show One/") ? 31 : 32)))].sort();
    expect(owner.commands.map((c) => c.body.seriesId).sort()).toEqual(expected);
    expect(final.rescans).toBe(expected.length);
  });
});
