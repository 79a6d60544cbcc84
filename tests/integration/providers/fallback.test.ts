import { describe, expect, test } from "bun:test";
import { loadConfig } from "../../../src/config/index.ts";
import { getTorrent } from "../../../src/db/repo/downloads.ts";
import { buildTorrentFile } from "../../../src/domain/torrent-file.ts";
import { allDebridAccount } from "../../../src/fake-debrid/alldebrid/account.ts";
import { debridLinkAccount } from "../../../src/fake-debrid/debridlink/account.ts";
import { type FakeDebridServer, startFakeDebrid } from "../../../src/fake-debrid/index.ts";
import { premiumizeAccount } from "../../../src/fake-debrid/premiumize/account.ts";
import { FAKE_PROVIDERS } from "../../../src/fake-debrid/providers.ts";
import { torBoxAccount } from "../../../src/fake-debrid/torbox/account.ts";
import { systemClock } from "../../../src/lib/clock.ts";
import { createLogger } from "../../../src/logger.ts";
import { ProviderRegistry } from "../../../src/providers/registry.ts";
import { addTorrents } from "../../../src/services/downloads/add.ts";
import {
  addWithFallback,
  NoProviderAcceptedError,
  type ProviderRoutes,
} from "../../../src/services/providers/choose.ts";
import { startPipeline, waitFor } from "../../helpers/downloads.ts";

const log = createLogger({ level: "silent" });

/** Real deps for the helper: a registry from config, both providers on one fake server. */
function depsFor(fake: FakeDebridServer, which: { rd?: boolean; ad?: boolean } = { rd: true, ad: true }) {
  const config = loadConfig({
    LOG_LEVEL: "silent",
    RD_API_TOKEN: which.rd ? fake.state.options.token : undefined,
    RD_API_URL: fake.rdApiUrl,
    AD_API_KEY: which.ad ? fake.adApiKey : undefined,
    AD_API_URL: fake.adApiUrl,
  });
  return { providers: new ProviderRegistry(config, systemClock, log), log };
}

const routes: ProviderRoutes = { defaultProvider: "realdebrid", byCategory: { radarr: "alldebrid" } };
const hashOf = (n: number) => n.toString(16).padStart(40, "b");
const magnet = (n: number) => `magnet:?xt=urn:btih:${hashOf(n)}`;
const adCount = (fake: FakeDebridServer) => allDebridAccount(fake.state).library.torrents.size;

async function failure(promise: Promise<unknown>): Promise<NoProviderAcceptedError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NoProviderAcceptedError);
  return error as NoProviderAcceptedError;
}

describe("addWithFallback", () => {
  test("the category's provider takes it when it accepts", async () => {
    await using fake = await startFakeDebrid();
    const result = await addWithFallback(depsFor(fake), {
      source: { magnet: magnet(1) },
      category: "radarr",
      routes,
    });
    expect(result).toMatchObject({ provider: "alldebrid", fellBack: false, cached: false });
    expect(result.attempts).toEqual([{ provider: "alldebrid", outcome: "added", reason: "added" }]);
    expect(adCount(fake)).toBe(1);
  });

  test("Real-Debrid refuses (too many active): AllDebrid gets it, and the record says why", async () => {
    await using fake = await startFakeDebrid();
    fake.state.scripts.set(hashOf(2), { addError: "too_many_active_downloads" });
    allDebridAccount(fake.state).scripts.set(hashOf(2), {}); // AllDebrid has room
    const result = await addWithFallback(depsFor(fake), {
      source: { magnet: magnet(2) },
      category: "tv",
      routes,
    });
    expect(result.provider).toBe("alldebrid");
    expect(result.fellBack).toBe(true);
    expect(result.attempts.map((a) => [a.provider, a.outcome, a.errorKind])).toEqual([
      ["realdebrid", "refused", "too_many_active"],
      ["alldebrid", "added", undefined],
    ]);
    expect(result.attempts[0]?.reason).toContain("too_many_active_downloads");
    expect((await depsFor(fake).providers.require("alldebrid").getTorrent(result.id)).hash).toBe(hashOf(2));
  });

  test("AllDebrid down (MAINTENANCE, 503): Real-Debrid gets it", async () => {
    await using fake = await startFakeDebrid();
    allDebridAccount(fake.state).scripts.set(hashOf(3), { addError: "MAINTENANCE", addErrorHttp: 503 });
    const result = await addWithFallback(depsFor(fake), {
      source: { magnet: magnet(3) },
      category: "radarr",
      routes,
    });
    expect(result.provider).toBe("realdebrid");
    expect(result.attempts[0]).toMatchObject({
      provider: "alldebrid",
      outcome: "refused",
      errorKind: "unavailable",
    });
    expect(fake.state.byHash(hashOf(3))).toBeDefined();
  });

  test("require cache: an uncached AllDebrid add is removed again and Real-Debrid is tried", async () => {
    await using fake = await startFakeDebrid();
    const result = await addWithFallback(depsFor(fake), {
      source: { magnet: magnet(4) },
      category: "radarr",
      routes,
      requireCached: true,
    });
    expect(result.provider).toBe("realdebrid");
    expect(result.attempts.map((a) => a.outcome)).toEqual(["not_cached", "added"]);
    expect(result.attempts[0]?.reason).toBe("not cached; removed again");
    expect(result.attempts[1]?.reason).toBe("added (cache state unknown at add time)");
    expect(adCount(fake)).toBe(0);
  });

  test("require cache: a cached AllDebrid add stays", async () => {
    await using fake = await startFakeDebrid();
    allDebridAccount(fake.state).cached.add(hashOf(5));
    const result = await addWithFallback(depsFor(fake), {
      source: { magnet: magnet(5) },
      category: "radarr",
      routes,
      requireCached: true,
    });
    expect(result).toMatchObject({ provider: "alldebrid", cached: true, fellBack: false });
  });

  test("an infringing file is an honest error: no fallback, not retryable", async () => {
    await using fake = await startFakeDebrid();
    fake.state.scripts.set(hashOf(6), { addError: "infringing_file" });
    const error = await failure(addWithFallback(depsFor(fake), { source: { magnet: magnet(6) }, routes }));
    expect(error.lastError?.kind).toBe("infringing");
    expect(error.retryable).toBe(false);
    expect(error.attempts.length).toBe(1);
    expect(error.message).toContain("infringing_file");
    expect(adCount(fake)).toBe(0);
  });

  test("both refuse: one error with both reasons, retryable", async () => {
    await using fake = await startFakeDebrid();
    fake.state.scripts.set(hashOf(7), { addError: "too_many_active_downloads" });
    const error = await failure(addWithFallback(depsFor(fake), { source: { magnet: magnet(7) }, routes }));
    expect(error.attempts.map((a) => [a.provider, a.errorKind])).toEqual([
      ["realdebrid", "too_many_active"],
      ["alldebrid", "too_many_active"],
    ]);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("realdebrid:");
    expect(error.message).toContain("alldebrid:");
  });

  test("the chosen provider is not configured: the other one takes it, and the record says so", async () => {
    await using fake = await startFakeDebrid();
    const result = await addWithFallback(depsFor(fake, { rd: true }), {
      source: { magnet: magnet(8) },
      category: "radarr",
      routes,
    });
    expect(result.provider).toBe("realdebrid");
    expect(result.fellBack).toBe(true);
    expect(result.attempts[0]).toEqual({
      provider: "alldebrid",
      outcome: "not_configured",
      reason: "not configured",
    });
  });

  test("a .torrent goes through the same path", async () => {
    await using fake = await startFakeDebrid();
    const torrentFile = buildTorrentFile("Fallback.Movie", [{ path: "Fallback.Movie.mkv", length: 4242 }]);
    const result = await addWithFallback(depsFor(fake), {
      source: { torrentFile },
      category: "radarr",
      routes,
    });
    expect(result.provider).toBe("alldebrid");
    expect(adCount(fake)).toBe(1);
  });
});

describe("DOWNLOAD_PROVIDER_ORDER: the fallback order is the user's", () => {
  /** Every provider configured against its fake, with the given order. */
  function allProviders(fake: FakeDebridServer, order?: string) {
    const config = loadConfig({
      LOG_LEVEL: "silent",
      ...Object.assign({}, ...FAKE_PROVIDERS.map((f) => f.env(fake))),
      ...(order ? { DOWNLOAD_PROVIDER_ORDER: order } : {}),
    });
    const deps = { providers: new ProviderRegistry(config, systemClock, log), log };
    const routes: ProviderRoutes = {
      defaultProvider: "realdebrid",
      fallbackOrder: config.downloads.providerOrder,
    };
    return { deps, routes };
  }

  /** Real-Debrid (the default) and TorBox are full (too many active); every other provider has room. */
  function busy(fake: FakeDebridServer, n: number): string {
    fake.state.scripts.set(hashOf(n), { addError: "too_many_active_downloads" });
    torBoxAccount(fake.state).scripts.set(hashOf(n), { addError: "ACTIVE_LIMIT" });
    allDebridAccount(fake.state).scripts.set(hashOf(n), {});
    debridLinkAccount(fake.state).scripts.set(hashOf(n), {});
    premiumizeAccount(fake.state).scripts.set(hashOf(n), {});
    return magnet(n);
  }

  test("Real-Debrid refuses (too many active): TorBox, then Premiumize, as ordered", async () => {
    await using fake = await startFakeDebrid();
    const { deps, routes } = allProviders(fake, "torbox,premiumize");
    const result = await addWithFallback(deps, { source: { magnet: busy(fake, 21) }, routes });
    expect(result.attempts.map((a) => [a.provider, a.outcome, a.errorKind])).toEqual([
      ["realdebrid", "refused", "too_many_active"],
      ["torbox", "refused", "too_many_active"],
      ["premiumize", "added", undefined],
    ]);
    expect(premiumizeAccount(fake.state).byHash(hashOf(21))).toBeDefined();
    expect(adCount(fake)).toBe(0);
  });

  test("without an order the configured list's next one takes it (AllDebrid)", async () => {
    await using fake = await startFakeDebrid();
    const { deps, routes } = allProviders(fake);
    const result = await addWithFallback(deps, { source: { magnet: busy(fake, 22) }, routes });
    expect(result.attempts.map((a) => [a.provider, a.outcome])).toEqual([
      ["realdebrid", "refused"],
      ["alldebrid", "added"],
    ]);
  });

  test(
    "through the download client: a grab refused by Real-Debrid lands from the first provider of the order",
    async () => {
      await using p = await startPipeline({
        env: (fake) => ({
          ...Object.assign({}, ...FAKE_PROVIDERS.map((f) => f.env(fake))),
          DEFAULT_PROVIDER: "realdebrid",
          DOWNLOAD_PROVIDER_ORDER: "debridlink,torbox",
        }),
      });
      const { hash, magnet: link } = p.magnet("Ordered.Movie.2024", [
        { path: "/Ordered.Movie.2024.mkv", bytes: 300_003 },
      ]);
      p.fake.state.scripts.set(hash, {
        addError: "too_many_active_downloads",
        files: [{ path: "/Ordered.Movie.2024.mkv", bytes: 300_003 }],
      });
      // Every other provider has room (AllDebrid, next in the list, included): the order decides.
      const room = { files: [{ path: "/Ordered.Movie.2024.mkv", bytes: 300_003 }] };
      allDebridAccount(p.fake.state).scripts.set(hash, room);
      debridLinkAccount(p.fake.state).scripts.set(hash, room);
      premiumizeAccount(p.fake.state).scripts.set(hash, room);
      torBoxAccount(p.fake.state).scripts.set(hash, room);
      await addTorrents(p.deps, { urls: [link], files: [], category: "radarr" });
      const done = await waitFor(
        () => {
          const t = getTorrent(p.deps.dbh.db, hash);
          return t?.stage === "done" || t?.stage === "error" ? t : null;
        },
        { timeoutMs: 30_000 },
      );
      expect({ stage: done.stage, provider: done.provider, error: done.error }).toEqual({
        stage: "done",
        provider: "debridlink",
        error: null,
      });
      expect(done.message ?? "").not.toContain("alldebrid");
    },
    { timeout: 60_000 },
  );
});
