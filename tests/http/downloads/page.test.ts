import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { getTorrent } from "../../../src/db/repo/downloads.ts";
import { buildMagnet } from "../../../src/domain/magnet.ts";
import { HOSTILE_NAMES } from "../../../src/fake-debrid/library.ts";
import { createApp } from "../../../src/http/app.ts";
import { addTorrents } from "../../../src/services/downloads/add.ts";
import { makeTestDeps } from "../../helpers/deps.ts";
import { randomHash } from "../../helpers/downloads.ts";
import { htmlProblems } from "../../helpers/html-check.ts";
import { tempDir } from "../../helpers/temp-dir.ts";
import { cookieFrom, csrfFrom } from "../../helpers/ui-fixture.ts";

function setup(env: Record<string, string> = {}) {
  const dir = tempDir("redriva-dlpage-");
  const deps = makeTestDeps({ DOWNLOAD_DIR: join(dir.path, "downloads"), PORT: "6500", ...env });
  const app = createApp(deps);
  return {
    deps,
    app,
    [Symbol.dispose]() {
      deps[Symbol.dispose]();
      dir[Symbol.dispose]();
    },
  };
}

/** A browser session on a Redriva without login: the anonymous CSRF cookie and its token. */
async function browser(app: ReturnType<typeof createApp>) {
  const page = await app.request("http://localhost/downloads");
  const cookie = `redriva_csrf=${cookieFrom(page, "redriva_csrf")}`;
  const token = csrfFrom(await page.text());
  return {
    get: (path: string, headers: Record<string, string> = {}) =>
      app.request(`http://localhost${path}`, { headers: { Cookie: cookie, ...headers } }),
    post: (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
      app.request(`http://localhost${path}`, {
        method: "POST",
        headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded", ...headers },
        body: new URLSearchParams(fields).toString(),
        redirect: "manual",
      }),
    token,
  };
}

describe("/downloads", () => {
  test("lists the queue with names shown as text, valid HTML, storage and the setup box", async () => {
    using s = setup();
    const hashes: string[] = [];
    for (const name of HOSTILE_NAMES) {
      const hash = randomHash();
      hashes.push(hash);
      await addTorrents(s.deps, { urls: [buildMagnet(hash, name)], files: [], category: "tv-sonarr" });
    }
    const b = await browser(s.app);
    const res = await b.get("/downloads");
    expect(res.status).toBe(200);
    const html = await res.text();
    // Well-formed; the only scripts are the layout's own two (htmx and app.js).
    expect(htmlProblems(html).filter((p) => p !== "contains a <script>")).toEqual([]);
    expect(html.match(/<script/g)?.length).toBe(2);
    expect(html).not.toContain("<img src=x");
    expect(html).not.toContain("<script>alert");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;.mkv");
    for (const hash of hashes) expect(html).toContain(`id="dl-${hash}"`);
    expect(html).toContain("Sonarr / Radarr setup");
    expect(html).toContain("<code>6500</code>");
    expect(html).toContain("Free space");
    // Something is waiting at the provider: rows refresh themselves.
    expect(html).toContain('hx-get="/downloads/rows" hx-trigger="every 2s"');
  });

  test("symlink mode: the mode per category in the storage card, the setup box and each row", async () => {
    using s = setup({
      DOWNLOAD_MODE: "download",
      DOWNLOAD_CATEGORY_MODES: "tv-sonarr=symlink",
      SYMLINK_MOUNT_PATH: "/mnt/debrid",
    });
    await addTorrents(s.deps, {
      urls: [buildMagnet(randomHash(), "Linked.S01E01")],
      files: [],
      category: "tv-sonarr",
    });
    await addTorrents(s.deps, {
      urls: [buildMagnet(randomHash(), "Fetched.2020")],
      files: [],
      category: "radarr",
    });
    const html = await (await (await browser(s.app)).get("/downloads")).text();
    expect(html).toContain("<strong>download</strong> · <code>tv-sonarr</code>: symlink");
    expect(html).toContain("<code>tv-sonarr</code>: symlinks");
    expect(html).toContain("SYMLINK_PATH_MAPPINGS");
    expect(html).toMatch(/tv-sonarr · symlink/);
    expect(html).not.toMatch(/radarr · symlink/);
  });

  test("nothing in flight: no polling", async () => {
    using s = setup();
    const b = await browser(s.app);
    const html = await (await b.get("/downloads")).text();
    expect(html).toContain("Nothing downloading");
    expect(html).not.toContain("hx-trigger=");
  });

  test("pause, resume, priority and cancel are POST forms with the CSRF token", async () => {
    using s = setup();
    const a = randomHash();
    const z = randomHash();
    await addTorrents(s.deps, { urls: [buildMagnet(a, "first"), buildMagnet(z, "second")], files: [] });
    const b = await browser(s.app);
    const html = await (await b.get("/downloads")).text();
    expect(html).toContain(`action="/downloads/${a}/pause"`);
    expect(html).toContain(`name="_csrf" value="${b.token}"`);

    const forged = await b.post(`/downloads/${a}/pause`, {});
    expect(forged.status).toBe(403);
    expect(getTorrent(s.deps.dbh.db, a)?.paused).toBe(false);

    const paused = await b.post(`/downloads/${a}/pause`, { _csrf: b.token });
    expect(paused.status).toBe(303);
    expect(getTorrent(s.deps.dbh.db, a)?.paused).toBe(true);
    const rows = await (await b.get("/downloads/rows", { "HX-Request": "true" })).text();
    expect(rows).toContain(`action="/downloads/${a}/resume"`);

    await b.post(`/downloads/${a}/resume`, { _csrf: b.token });
    expect(getTorrent(s.deps.dbh.db, a)?.paused).toBe(false);

    const top = await b.post(`/downloads/${z}/top`, { _csrf: b.token }, { "HX-Request": "true" });
    expect(top.status).toBe(200);
    const fragment = await top.text();
    expect(fragment.indexOf(`dl-${z}`)).toBeLessThan(fragment.indexOf(`dl-${a}`));

    await b.post(`/downloads/${a}/delete`, { _csrf: b.token, deleteFiles: "true" });
    expect(getTorrent(s.deps.dbh.db, a)?.stage).toBe("deleted");
    expect(await (await b.get("/downloads")).text()).not.toContain(`dl-${a}`);

    expect((await b.post("/downloads/not-a-hash/pause", { _csrf: b.token })).status).toBe(400);
    expect((await b.post(`/downloads/${z}/explode`, { _csrf: b.token })).status).toBe(400);
  });

  test("with a login: the page needs it; the setup box shows the username, never the password", async () => {
    using s = setup({ REDRIVA_USERNAME: "alice", REDRIVA_PASSWORD: "hunter2-secret" });
    const anonymous = await s.app.request("http://redriva.lan/downloads", { redirect: "manual" });
    expect(anonymous.status).toBe(302);
    const loginPage = await s.app.request("http://redriva.lan/login");
    const csrf = cookieFrom(loginPage, "redriva_csrf");
    const token = csrfFrom(await loginPage.text());
    const login = await s.app.request("http://redriva.lan/login", {
      method: "POST",
      headers: { Cookie: `redriva_csrf=${csrf}`, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username: "alice", password: "hunter2-secret", _csrf: token }).toString(),
      redirect: "manual",
    });
    const session = login.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const html = await (
      await s.app.request("http://redriva.lan:6500/downloads", { headers: { Cookie: session } })
    ).text();
    expect(html).toContain("<code>alice</code>");
    expect(html).toContain("<code>redriva.lan</code>");
    expect(html).not.toContain("hunter2-secret");
  });
});
