import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { systemClock } from "../../../src/lib/clock.ts";
import { createLogger } from "../../../src/logger.ts";
import {
  ArrClient,
  detectArrServices,
  getArrConnection,
  rescanPathsEverywhere,
  saveArrConnection,
  testArrConnection,
} from "../../../src/services/arr/index.ts";
import { matchItemForPath } from "../../../src/services/arr/match.ts";
import { type FakeArr, startFakeArr } from "../../fakes/arr-server.ts";
import { makeTestDeps } from "../../helpers/deps.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const log = createLogger({ level: "silent" });
let sonarr: FakeArr;
let radarr: FakeArr;

beforeAll(() => {
  sonarr = startFakeArr({
    kind: "sonarr",
    items: [
      { id: 1, title: "Show One", path: "/tv/Show One" },
      { id: 2, title: "Show Two", path: "/tv/Show Two" },
    ],
  });
  radarr = startFakeArr({
    kind: "radarr",
    items: [{ id: 7, title: "A Movie (2020)", path: "/movies/A Movie (2020)" }],
  });
});
afterAll(async () => {
  await sonarr.stop();
  await radarr.stop();
});

function client(fake: FakeArr, extra: Partial<ConstructorParameters<typeof ArrClient>[0]> = {}) {
  return new ArrClient({
    kind: fake.kind,
    url: fake.url,
    apiKey: fake.apiKey,
    clock: systemClock,
    log,
    ...extra,
  });
}

describe("matchItemForPath", () => {
  const items = [
    { id: 1, title: "Show", path: "/tv/Show" },
    { id: 2, title: "Show Extra", path: "/tv/Show Extra" },
    { id: 3, title: "Nested", path: "/tv/Show/Nested" },
  ];
  test("longest folder prefix wins, never a mere string prefix", () => {
    expect(matchItemForPath(items, "/tv/Show Extra/S01/e1.mkv")?.id).toBe(2);
    expect(matchItemForPath(items, "/tv/Show/S01/e1.mkv")?.id).toBe(1);
    expect(matchItemForPath(items, "/tv/Show/Nested/e1.mkv")?.id).toBe(3);
  });
  test("falls back to the folder name when the app sees another root", () => {
    expect(matchItemForPath(items, "/mnt/media/tv/Show Extra/Season 1/e1.mkv")?.id).toBe(2);
    expect(matchItemForPath(items, "/mnt/media/tv/Other/e1.mkv")).toBeUndefined();
    // the file name itself is not a folder
    expect(matchItemForPath(items, "/mnt/x/Show")).toBeUndefined();
  });
});

describe("ArrClient against a fake Sonarr/Radarr", () => {
  test("testConnection reports app and version, and a wrong key in words", async () => {
    expect(await client(sonarr).testConnection()).toEqual({
      ok: true,
      kind: "sonarr",
      appName: "Sonarr",
      version: "3.0.10.1567",
    });
    const bad = await client(sonarr, { apiKey: "wrong-key-xyz" }).testConnection();
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toContain("API key was refused");
    expect(!bad.ok && bad.error).not.toContain("wrong-key-xyz");
  });

  test("a Radarr URL configured as Sonarr is refused", async () => {
    const wrong = new ArrClient({
      kind: "sonarr",
      url: radarr.url,
      apiKey: radarr.apiKey,
      clock: systemClock,
      log,
    });
    const result = await wrong.testConnection();
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain("answers as Radarr");
  });

  test("unreachable server gives a readable error", async () => {
    const result = await new ArrClient({
      kind: "radarr",
      url: "http://127.0.0.1:9",
      apiKey: "k",
      clock: systemClock,
      log,
      timeoutMs: 500,
    }).testConnection();
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain("cannot reach");
  });

  test("rescanPaths sends one RescanSeries per distinct series", async () => {
    sonarr.commands.length = 0;
    const report = await client(sonarr).rescanPaths([
      "/media/tv/Show One/S01/e1.mkv",
      "/media/tv/Show One/S01/e2.mkv",
      "/media/tv/Show Two/S02/e1.mkv",
      "/media/tv/Unknown/e1.mkv",
    ]);
    expect(report.commands).toBe(2);
    expect(report.unmatched).toEqual(["/media/tv/Unknown/e1.mkv"]);
    expect(sonarr.commands.map((c) => c.body)).toEqual([
      { name: "RescanSeries", seriesId: 1 },
      { name: "RescanSeries", seriesId: 2 },
    ]);
  });

  test("above the threshold one library-wide rescan is sent", async () => {
    radarr.commands.length = 0;
    const result = await client(radarr, { fullRescanThreshold: 2 }).rescan([1, 2, 3]);
    expect(result).toEqual({ commands: 1, fullRescan: true });
    expect(radarr.commands.map((c) => c.body)).toEqual([{ name: "RescanMovie" }]);
  });

  test("commands are rate limited per minute", async () => {
    sonarr.commands.length = 0;
    const c = client(sonarr, { commandsPerMinute: 2 });
    const controller = new AbortController();
    const pending = c.rescan([1, 2, 3], controller.signal);
    for (let i = 0; i < 200 && sonarr.commands.length < 2; i++) await Bun.sleep(5);
    expect(sonarr.commands.length).toBe(2);
    controller.abort(new Error("stop"));
    await expect(pending).rejects.toThrow("stop");
    expect(sonarr.commands.length).toBe(2);
  });

  test("never-search refuses searches; otherwise Radarr batches ids", async () => {
    radarr.commands.length = 0;
    expect(await client(radarr, { neverSearch: true }).search([7])).toEqual({ commands: 0, refused: true });
    expect(radarr.commands).toEqual([]);
    expect(await client(radarr).search([7, 7, 8])).toEqual({ commands: 1, refused: false });
    expect(radarr.commands[0]?.body).toEqual({ name: "MoviesSearch", movieIds: [7, 8] });
  });
});

describe("arr settings and helpers over deps", () => {
  test("saved connection overrides env, key is kept when left empty, rescans reach both apps", async () => {
    using deps = makeTestDeps({ SONARR_URL: "http://127.0.0.1:1", SONARR_API_KEY: "envkey" });
    expect(getArrConnection(deps, "sonarr")).toEqual({
      enabled: true,
      url: "http://127.0.0.1:1",
      apiKey: "envkey",
    });
    saveArrConnection(deps, "sonarr", { enabled: true, url: sonarr.url, apiKey: sonarr.apiKey });
    saveArrConnection(deps, "sonarr", { enabled: true, url: `${sonarr.url}/`, apiKey: "" });
    expect(getArrConnection(deps, "sonarr")).toEqual({
      enabled: true,
      url: sonarr.url,
      apiKey: sonarr.apiKey,
    });
    expect(() => saveArrConnection(deps, "radarr", { enabled: true, url: "ftp://x" })).toThrow("http(s) URL");
    expect(() => saveArrConnection(deps, "radarr", { enabled: true, url: radarr.url })).toThrow("API key");
    saveArrConnection(deps, "radarr", { enabled: true, url: radarr.url, apiKey: radarr.apiKey });

    expect((await testArrConnection(deps, "radarr")).ok).toBe(true);
    expect((await testArrConnection(deps, "radarr", { apiKey: "nope" })).ok).toBe(false);

    sonarr.commands.length = 0;
    radarr.commands.length = 0;
    const summary = await rescanPathsEverywhere(deps, [
      "/x/tv/Show Two/a.mkv",
      "/x/movies/A Movie (2020)/m.mkv",
    ]);
    expect(summary.errors).toEqual([]);
    expect(summary.commands).toBe(2);
    expect(sonarr.commands.map((c) => c.body)).toEqual([{ name: "RescanSeries", seriesId: 2 }]);
    expect(radarr.commands.map((c) => c.body)).toEqual([{ name: "RescanMovie", movieId: 7 }]);

    // a failing instance is reported, not thrown
    radarr.failWith = 500;
    try {
      const failed = await rescanPathsEverywhere(deps, ["/x/movies/A Movie (2020)/m.mkv"]);
      expect(failed.errors.map((e) => e.kind)).toEqual(["radarr"]);
    } finally {
      radarr.failWith = null;
    }
  });

  test("detection finds apps on given ports and through a docker CLI; absent docker is fine", async () => {
    using deps = makeTestDeps();
    using dir = tempDir();
    const none = await detectArrServices(deps, {
      ports: { sonarr: [sonarr.port], radarr: [9] },
      dockerBin: join(dir.path, "no-such-docker"),
    });
    expect(none.docker.available).toBe(false);
    expect(none.services.map((s) => [s.kind, s.url, s.needsApiKey])).toEqual([["sonarr", sonarr.url, true]]);

    // A docker CLI stand-in printing `docker ps` JSON lines with a published Radarr port.
    const fakeDocker = join(dir.path, "docker");
    const psLine = JSON.stringify({
      Names: "radarr",
      Image: "lscr.io/linuxserver/radarr",
      Ports: `0.0.0.0:${radarr.port}->7878/tcp`,
    });
    writeFileSync(
      fakeDocker,
      `#!/bin/sh\nif [ "$1" = ps ]; then echo '${psLine}'; echo '{"Names":"db","Image":"postgres"}'; else exit 1; fi\n`,
    );
    chmodSync(fakeDocker, 0o755);
    saveArrConnection(deps, "radarr", { enabled: false, url: radarr.url, apiKey: radarr.apiKey });
    const found = await detectArrServices(deps, {
      ports: { sonarr: [9], radarr: [9] },
      dockerBin: fakeDocker,
    });
    expect(found.docker).toEqual({ available: true, containers: 2, error: undefined });
    const viaDocker = found.services.find((s) => s.source === "docker");
    expect(viaDocker).toMatchObject({
      kind: "radarr",
      url: radarr.url,
      container: "radarr",
      confirmed: true,
    });
  });
});
