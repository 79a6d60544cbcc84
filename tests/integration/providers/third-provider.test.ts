import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, loadConfig, redactConfig } from "../../../src/config/index.ts";
import { getTorrent } from "../../../src/db/repo/downloads.ts";
import { contentSlice } from "../../../src/fake-debrid/content.ts";
import { startFakeDebrid } from "../../../src/fake-debrid/index.ts";
import { FAKE_PROVIDERS } from "../../../src/fake-debrid/providers.ts";
import { createApp } from "../../../src/http/app.ts";
import { CSRF_COOKIE } from "../../../src/http/middleware/web-auth.ts";
import { createLogger } from "../../../src/logger.ts";
import { checkProviders, PROVIDERS, providerSecretPaths } from "../../../src/providers/list.ts";
import { addTorrents } from "../../../src/services/downloads/add.ts";
import { describeContractFor } from "../../contracts/provider-subject.ts";
import { example } from "../../fixtures/providers/example/descriptor.ts";
import { EXAMPLE_CODE, exampleFake } from "../../fixtures/providers/example/fake.ts";
import { makeTestDeps } from "../../helpers/deps.ts";
import { startPipeline, waitFor } from "../../helpers/downloads.ts";
import { cookieFrom, csrfFrom } from "../../helpers/ui-fixture.ts";

// A third provider that lives only in tests/fixtures: one folder, one list entry, one fake.
// Everything below comes from the lists; no source file knows "example".
const LIST = checkProviders([...PROVIDERS, example]);
const FAKES = [...FAKE_PROVIDERS, exampleFake];

describeContractFor("example", LIST, FAKES);

function problems(env: Record<string, string>, list = LIST): string[] {
  try {
    loadConfig(env, list);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("a provider added to the list gets everything else with no other edit", () => {
  test("config parsing: its variables, their defaults and their errors", () => {
    const config = loadConfig({ EXAMPLE_ACCESS_CODE: EXAMPLE_CODE, EXAMPLE_RATE_LIMIT: "42" }, LIST);
    expect(config.providers.example).toEqual({
      accessCode: EXAMPLE_CODE,
      apiUrl: "https://api.example.invalid",
      rateLimit: 42,
    });
    expect(problems({ EXAMPLE_RATE_LIMIT: "lots" })).toEqual([
      'EXAMPLE_RATE_LIMIT: expected a positive integer, got "lots"',
    ]);
    // Its credential is a secret: a bad value is never printed.
    expect(problems({ EXAMPLE_ACCESS_CODE: "sh0rt" })).toEqual([
      "EXAMPLE_ACCESS_CODE: expected at least 8 characters, got a value (hidden)",
    ]);
  });

  test("routing: DEFAULT_PROVIDER and DOWNLOAD_CATEGORY_PROVIDERS accept it only when listed", () => {
    const env = { DEFAULT_PROVIDER: "example", DOWNLOAD_CATEGORY_PROVIDERS: "radarr=example" };
    const config = loadConfig(env, LIST);
    expect(config.defaultProvider).toBe("example");
    expect(config.downloads.categoryProviders).toEqual({ radarr: "example" });
    const refused = problems(env, PROVIDERS);
    expect(refused.some((p) => p.startsWith("DEFAULT_PROVIDER: expected one of realdebrid, alldebrid"))).toBe(
      true,
    );
    expect(refused.some((p) => p.startsWith("DOWNLOAD_CATEGORY_PROVIDERS:"))).toBe(true);
  });

  test("redaction: redactConfig and the logger hide its secret, whose name no generic rule knows", () => {
    const config = loadConfig({ EXAMPLE_ACCESS_CODE: EXAMPLE_CODE }, LIST);
    expect(JSON.stringify(redactConfig(config, LIST))).not.toContain(EXAMPLE_CODE);
    // Without the list, nothing would hide it: the descriptor is what does.
    expect(JSON.stringify(redactConfig(config, PROVIDERS))).toContain(EXAMPLE_CODE);
    const lines: string[] = [];
    const destination = { write: (line: string) => lines.push(line) };
    createLogger({ destination, redact: providerSecretPaths(LIST) }).info({ config }, "configuration");
    createLogger({ destination }).info({ config }, "configuration");
    expect(lines).toHaveLength(2);
    expect(lines[0]).not.toContain(EXAMPLE_CODE);
    expect(lines[1]).toContain(EXAMPLE_CODE);
  });

  test("not configured: the registry and /settings name its variable", async () => {
    using deps = makeTestDeps({}, LIST);
    expect(deps.providers.configured()).toEqual([]);
    expect(() => deps.providers.require("example")).toThrow(
      "example is not configured: set EXAMPLE_ACCESS_CODE (in the environment or .env)",
    );
    const app = createApp(deps);
    const page = await (await app.request("http://localhost/settings")).text();
    expect(page).toContain("Example Debrid");
    expect(page).toContain("<code>EXAMPLE_ACCESS_CODE</code>");
  });

  test("nothing configured: a grab fails naming every listed credential", async () => {
    await using p = await startPipeline({ noRealDebrid: true, providers: LIST, fake: { providers: FAKES } });
    const { hash, magnet } = p.magnet("Nowhere.2024", [{ path: "/Nowhere.2024.mkv", bytes: 1000 }]);
    await addTorrents(p.deps, { urls: [magnet], files: [], category: "radarr" });
    const failed = await waitFor(() => {
      const t = getTorrent(p.deps.dbh.db, hash);
      return t?.stage === "error" ? t : null;
    });
    // Every listed credential, the example's last: "set RD_API_TOKEN, AD_API_KEY, … or EXAMPLE_ACCESS_CODE".
    const others = PROVIDERS.map((d) => d.credentialVariable).join(", ");
    expect(failed.error).toBe(`no debrid provider configured: set ${others} or EXAMPLE_ACCESS_CODE`);
  });

  test("/settings: its label and capabilities, its secret masked, test connection", async () => {
    await using fake = await startFakeDebrid({ providers: FAKES });
    using deps = makeTestDeps(exampleFake.env(fake), LIST);
    const app = createApp(deps);
    const res = await app.request("http://localhost/settings");
    const page = await res.text();
    expect(page).toContain("Example Debrid");
    expect(page).toContain("file selection");
    expect(page).toContain("<td>example.accessCode</td><td>••••••</td>");
    expect(page).not.toContain(EXAMPLE_CODE);
    const result = await app.request("http://localhost/settings/test/example", {
      method: "POST",
      headers: {
        "x-csrf-token": csrfFrom(page),
        cookie: `${CSRF_COOKIE}=${cookieFrom(res, CSRF_COOKIE)}`,
        "HX-Request": "true",
      },
    });
    expect(result.status).toBe(200);
    expect(await result.text()).toContain("example-user");
  });

  test(
    "category routing: a radarr grab goes to it and lands the right bytes, the rest stays on the default",
    async () => {
      await using p = await startPipeline({
        providers: LIST,
        fake: { providers: FAKES },
        env: (fake) => ({ ...exampleFake.env(fake), DOWNLOAD_CATEGORY_PROVIDERS: "radarr=example" }),
      });
      const movie = p.magnet("Movie.2024", [{ path: "/Movie.2024.mkv", bytes: 300_000 }]);
      const show = p.magnet("Show.S01E01", [{ path: "/Show.S01E01.mkv", bytes: 200_000 }]);
      await addTorrents(p.deps, { urls: [movie.magnet], files: [], category: "radarr" });
      await addTorrents(p.deps, { urls: [show.magnet], files: [], category: "tv-sonarr" });
      const finished = (hash: string) =>
        waitFor(
          () => {
            const t = getTorrent(p.deps.dbh.db, hash);
            return t?.stage === "done" || t?.stage === "error" ? t : null;
          },
          { timeoutMs: 20_000 },
        );
      const done = await finished(movie.hash);
      expect(done.error).toBeNull();
      expect(done.provider).toBe("example");
      const bytes = readFileSync(join(p.downloadDir, "radarr", "Movie.2024.mkv"));
      expect(bytes.equals(Buffer.from(contentSlice(`${movie.hash}:1`, 0, 300_000)))).toBe(true);
      expect((await finished(show.hash)).provider).toBe("realdebrid");
    },
    { timeout: 30_000 },
  );
});
