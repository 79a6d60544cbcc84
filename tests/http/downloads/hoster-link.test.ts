import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { getTorrent } from "../../../src/db/repo/downloads.ts";
import { addHosterFile } from "../../../src/fake-debrid/hoster.ts";
import { startFakeDebrid } from "../../../src/fake-debrid/index.ts";
import { createApp } from "../../../src/http/app.ts";
import { hosterLinkHash } from "../../../src/services/downloads/hoster-link.ts";
import { makeTestDeps } from "../../helpers/deps.ts";
import { ArrQbitClient } from "../../helpers/qbit-client.ts";
import { tempDir } from "../../helpers/temp-dir.ts";
import { cookieFrom, csrfFrom } from "../../helpers/ui-fixture.ts";

/**
 * File host links over HTTP (issue 13 §7): the Add box answers a link no provider supports with
 * the provider's words, not a .torrent parse error; the qBittorrent API takes the same links.
 */
const CREDS = { username: "admin", password: "correct horse battery" };

async function setup() {
  const fake = await startFakeDebrid();
  const dir = tempDir("redriva-hoster-");
  const deps = makeTestDeps({
    RD_API_TOKEN: "fake-token",
    RD_API_URL: fake.rdApiUrl,
    DOWNLOAD_DIR: join(dir.path, "downloads"),
    REDRIVA_USERNAME: CREDS.username,
    REDRIVA_PASSWORD: CREDS.password,
  });
  const app = createApp(deps);
  return {
    fake,
    deps,
    app,
    async [Symbol.asyncDispose]() {
      deps[Symbol.dispose]();
      dir[Symbol.dispose]();
      await fake.close();
    },
  };
}

/** Logs in through the form and posts the Add box like the page does (session cookie + CSRF token). */
async function addBoxPost(app: ReturnType<typeof createApp>, urls: string): Promise<Response> {
  const login = await app.request("http://localhost/login");
  const preCsrf = cookieFrom(login, "redriva_csrf");
  const loggedIn = await app.request("http://localhost/login", {
    method: "POST",
    headers: {
      Cookie: `redriva_csrf=${preCsrf}`,
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: "http://localhost",
    },
    body: new URLSearchParams({ ...CREDS, _csrf: csrfFrom(await login.text()) }).toString(),
    redirect: "manual",
  });
  const session = cookieFrom(loggedIn, "redriva_session");
  if (!session) throw new Error(`login failed: HTTP ${loggedIn.status}`);
  const cookie = `redriva_session=${session}; redriva_csrf=${preCsrf}`;
  const page = await app.request("http://localhost/downloads", { headers: { Cookie: cookie } });
  const csrf = cookieFrom(page, "redriva_csrf");
  const cookies = csrf ? `redriva_session=${session}; redriva_csrf=${csrf}` : cookie;
  return app.request("http://localhost/downloads/add", {
    method: "POST",
    headers: {
      Cookie: cookies,
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: "http://localhost",
      "HX-Request": "true",
    },
    body: new URLSearchParams({ urls, _csrf: csrfFrom(await page.text()) }).toString(),
  });
}

describe("file host links over HTTP", () => {
  test("the Add box refuses a link no provider supports in the provider's words, not a parse error", async () => {
    await using s = await setup();
    const unsupported = `${s.fake.url}/elsewhere/files/Film.2024.mkv`;
    const res = await addBoxPost(s.app, unsupported);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("1 not added");
    expect(html).toContain("Real-Debrid: this host is not supported (hoster_unsupported, code 16, HTTP 503)");
    expect(html).not.toContain("not a usable .torrent file");
    expect(getTorrent(s.deps.dbh.db, hosterLinkHash(unsupported))).toBeUndefined();
  });

  test("the qBittorrent API: a hoster link is Ok. and listed without a magnet, an unsupported one Fails.", async () => {
    await using s = await setup();
    const qbit = new ArrQbitClient((r) => s.app.request(r), "http://localhost:6500", CREDS);
    const file = addHosterFile(s.fake.state, "Api.Film.2024.mkv", 4_321);
    const ok = await qbit.call("POST", "torrents/add", { form: { urls: file.link, category: "radarr" } });
    expect(await ok.text()).toBe("Ok.");
    const hash = hosterLinkHash(file.link);
    const [listed] = (await (
      await qbit.call("GET", "torrents/info", { query: { hashes: hash } })
    ).json()) as Array<{
      name: string;
      magnet_uri: string;
      category: string;
    }>;
    expect(listed).toMatchObject({ name: "Api.Film.2024.mkv", magnet_uri: "", category: "radarr" });
    const refused = await qbit.call("POST", "torrents/add", {
      form: { urls: `${s.fake.url}/elsewhere/Other.mkv` },
    });
    expect(await refused.text()).toBe("Fails.");
  });
});
