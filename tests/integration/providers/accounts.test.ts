import { describe, expect, test } from "bun:test";
import { ConfigError, loadConfig, redactConfig } from "../../../src/config/index.ts";
import { getTorrent } from "../../../src/db/repo/downloads.ts";
import { contentSha256 } from "../../../src/fake-debrid/content.ts";
import { type FakeDebridServer, startFakeDebrid } from "../../../src/fake-debrid/index.ts";
import { PROVIDERS } from "../../../src/providers/list.ts";
import { ProviderError } from "../../../src/providers/types.ts";
import { addTorrents } from "../../../src/services/downloads/add.ts";
import { cli } from "../../helpers/cli.ts";
import { makeTestDeps } from "../../helpers/deps.ts";
import { randomHash, startPipeline, waitFor } from "../../helpers/downloads.ts";
import { ManualClock } from "../../helpers/manual-clock.ts";

/** Two Real-Debrid accounts: each its own fake server (own library, own token). */
function twoAccounts(first: FakeDebridServer, second: FakeDebridServer, extra: Record<string, string> = {}) {
  return {
    RD_API_TOKEN: "token-of-account-one",
    RD_API_URL: first.rdApiUrl,
    RD_API_TOKEN_2: "token-of-account-two",
    RD_API_URL_2: second.rdApiUrl,
    ...extra,
  };
}

describe("several accounts of one provider (RD_API_TOKEN_2...)", () => {
  test("account 2 is a provider of its own: settings, routing name, validation, secrets masked", () => {
    const config = loadConfig({
      RD_API_TOKEN: "first-secret-token",
      RD_API_TOKEN_2: "second-secret-token",
      RD_RATE_LIMIT_2: "100",
      DEFAULT_PROVIDER: "realdebrid2",
      DOWNLOAD_CATEGORY_PROVIDERS: "radarr=realdebrid2,tv-sonarr=realdebrid",
    });
    // Account 2 right after its provider, the others unchanged.
    const expected = PROVIDERS.flatMap((d) =>
      d.kind === "realdebrid" ? ["realdebrid", "realdebrid2"] : [d.kind],
    );
    expect(Object.keys(config.providers)).toEqual(expected);
    expect(config.providers.realdebrid2).toMatchObject({ token: "second-secret-token", rateLimit: 100 });
    expect(config.providers.realdebrid).toMatchObject({ token: "first-secret-token", rateLimit: 250 });
    expect(config.defaultProvider).toBe("realdebrid2");
    const shown = JSON.stringify(redactConfig(config));
    expect(shown).not.toContain("second-secret-token");
    expect(shown).not.toContain("first-secret-token");
    // Without its credential there is no account 2, and its name routes nowhere.
    expect(() => loadConfig({ RD_API_TOKEN: "x", DEFAULT_PROVIDER: "realdebrid2" })).toThrow(ConfigError);
    let problems: string[] = [];
    try {
      loadConfig({ RD_API_TOKEN_2: "second-secret-token", RD_RATE_LIMIT_2: "abc" });
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual(['RD_RATE_LIMIT_2: expected a positive integer, got "abc"']);
    // The aliases of account 1 work for account N too (rdt-client's RD_TOKEN).
    expect(loadConfig({ RD_TOKEN_2: "alias-token" }).providers.realdebrid2).toMatchObject({
      token: "alias-token",
    });
  });

  test("sync (CLI) mirrors both libraries, each under its own account", async () => {
    await using one = await startFakeDebrid({
      token: "token-of-account-one",
      library: { size: 40, seed: 1 },
    });
    await using two = await startFakeDebrid({
      token: "token-of-account-two",
      library: { size: 25, seed: 2 },
    });
    using deps = makeTestDeps();
    const run = await cli(["sync", "full"], { DATA_DIR: deps.dataDir, ...twoAccounts(one, two) });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Sync full of realdebrid: SUCCEEDED");
    expect(run.stdout).toContain("Sync full of realdebrid2: SUCCEEDED");
    const ids = (provider: string) =>
      deps.dbh.sqlite
        .query<{ id: string }, [string]>("SELECT id FROM torrents WHERE provider = ? ORDER BY id")
        .all(provider)
        .map((r) => r.id);
    expect(ids("realdebrid")).toEqual([...one.state.library.torrents.keys()].sort());
    expect(ids("realdebrid2")).toEqual([...two.state.library.torrents.keys()].sort());
    const details = deps.dbh.sqlite
      .query<{ provider: string; n: number }, []>(
        "SELECT provider, COUNT(*) AS n FROM torrent_details GROUP BY provider ORDER BY provider",
      )
      .all();
    expect(details).toEqual([
      { provider: "realdebrid", n: 40 },
      { provider: "realdebrid2", n: 25 },
    ]);
    // Each server saw only its own account's requests.
    expect(one.stats.byRoute["GET /rest/1.0/torrents/info/:id"]).toBe(40);
    expect(two.stats.byRoute["GET /rest/1.0/torrents/info/:id"]).toBe(25);
  });

  test("each account has its own limiter, and its own name in errors", async () => {
    await using one = await startFakeDebrid({ token: "token-of-account-one", library: { size: 3, seed: 4 } });
    await using two = await startFakeDebrid({ token: "token-of-account-two", library: { size: 6, seed: 6 } });
    // Account 1 may send 2 requests a minute; account 2, 250. Time moves only when told.
    const clock = new ManualClock();
    using deps = makeTestDeps(
      twoAccounts(one, two, { RD_RATE_LIMIT: "2", RD_RATE_WINDOW_MS: "60000" }),
      PROVIDERS,
      { clock },
    );
    const first = deps.providers.require("realdebrid");
    const second = deps.providers.require("realdebrid2");
    await first.getTorrent(one.state.library.sorted()[0]?.id as string);
    await first.getTorrent(one.state.library.sorted()[1]?.id as string);
    // Account 1's window is full: its third call waits for the clock...
    const waiting = first.getTorrent("ABCDEFGHIJKLM").catch((e: unknown) => e);
    // ...while account 2 answers, its window untouched.
    for (const t of two.state.library.sorted().slice(0, 5))
      expect((await second.getTorrent(t.id)).id).toBe(t.id);
    expect(second.stats().requests).toBe(5);
    expect(first.stats().requests).toBe(2);
    expect(one.stats.requests).toBe(2);
    await clock.advance(61_000);
    expect(((await waiting) as ProviderError).kind).toBe("not_found");
    expect(one.stats.requests).toBe(3);
    expect(second.kind).toBe("realdebrid2");

    using wrong = makeTestDeps({ RD_API_TOKEN_2: "not-the-token", RD_API_URL_2: two.rdApiUrl });
    const error = await wrong.providers
      .require("realdebrid2")
      .getAccount()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe("auth");
    expect((error as ProviderError).provider).toBe("realdebrid2");
    expect((error as ProviderError).message).toContain("RD_API_TOKEN_2");
    expect((error as ProviderError).message).not.toContain("not-the-token");
  });

  test(
    "a category routed to account 2 downloads from account 2's server",
    async () => {
      await using two = await startFakeDebrid({ token: "token-of-account-two", instantAvailability: true });
      await using p = await startPipeline({
        env: (one) => ({
          ...twoAccounts(one, two),
          RD_API_TOKEN: one.state.options.token,
          DOWNLOAD_CATEGORY_PROVIDERS: "radarr=realdebrid2",
        }),
      });
      const movie = randomHash();
      two.state.scripts.set(movie, { files: [{ path: "/Movie.Two.2024.mkv", bytes: 400_001 }] });
      const show = p.magnet("Show.One.S01E01", [{ path: "/Show.One.S01E01.mkv", bytes: 300_000 }]);
      await addTorrents(p.deps, {
        urls: [`magnet:?xt=urn:btih:${movie}&dn=Movie.Two.2024`],
        files: [],
        category: "radarr",
      });
      await addTorrents(p.deps, { urls: [show.magnet], files: [], category: "tv-sonarr" });
      const finished = (hash: string) =>
        waitFor(
          () => {
            const t = getTorrent(p.deps.dbh.db, hash);
            return t?.stage === "done" || t?.stage === "error" ? t : null;
          },
          { timeoutMs: 20_000 },
        );
      const movieDone = await finished(movie);
      expect(movieDone).toMatchObject({ stage: "done", provider: "realdebrid2" });
      expect(two.state.byHash(movie)).toBeDefined();
      expect(p.fake.state.byHash(movie)).toBeUndefined();
      const bytes = await Bun.file(movieDone.content_path as string).arrayBuffer();
      expect(new Bun.CryptoHasher("sha256").update(bytes).digest("hex")).toBe(
        contentSha256(`${movie}:1`, 400_001),
      );
      expect((await finished(show.hash)).provider).toBe("realdebrid");
    },
    { timeout: 30_000 },
  );
});
