import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { HOSTILE_NAMES } from "../../../src/fake-debrid/library.ts";
import { createViews } from "../../../src/http/render.ts";
import { startUiFixture, type UiFixture } from "../../helpers/ui-fixture.ts";

// No login configured: every page is reachable from localhost (auth has its own file).
let fx: UiFixture;
/** The escaping the templates use (Eta autoEscape). */
const escapeHtml = (text: string) => createViews({ reloadViews: false }).config.escapeFunction(text);
beforeAll(async () => {
  fx = await startUiFixture({ size: 180 });
});
afterAll(() => fx.close());

const get = (path: string, headers: Record<string, string> = {}) =>
  fx.app.request(`http://localhost${path}`, { headers });
const htmx = { "HX-Request": "true" };

describe("pages answer with full HTML, fragments on HX-Request", () => {
  test("dashboard shows the stat cards, sync actions, console and last runs", async () => {
    const res = await get("/");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<!doctype html>");
    expect(html).toMatch(/data-card="torrents"><div class="label">Torrents<\/div><div class="value">180</);
    for (const action of ["smart", "full", "torrents", "errors"])
      expect(html).toContain(`hx-post="/sync/${action}"`);
    expect(html).toContain('id="activity"');
    // The runs are the one job run history (the fixture's own sync was no job run).
    expect(html).toContain('<div id="jobs-history">');
    expect(html).toContain("No run yet. Start with “List only”");
    expect(html).toContain("No login is configured");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
  });

  test("torrent list: full page, then only the table for htmx with the canonical URL pushed", async () => {
    const full = await get("/torrents?status=all&per_page=50&sort=added&dir=desc");
    expect(full.status).toBe(200);
    const page = await full.text();
    expect(page).toContain("<!doctype html>");
    expect(page).toContain('id="filters"');
    expect(page.match(/<tr(?: class="removed")?>\s*<td class="sel">/g)?.length).toBe(50);

    const frag = await get("/torrents?status=all&per_page=50&sort=added&dir=desc&page=2", htmx);
    expect(frag.status).toBe(200);
    const part = await frag.text();
    expect(part).not.toContain("<!doctype html>");
    expect(part).not.toContain('id="filters"');
    expect(part).toContain("51–100 of 180");
    expect(frag.headers.get("HX-Push-Url")).toBe("/torrents?page=2");
    expect(frag.headers.get("Vary")).toContain("HX-Request");
  });

  test("a history restore gets the whole page even with HX-Request", async () => {
    const res = await get("/torrents?page=2", { ...htmx, "HX-History-Restore-Request": "true" });
    expect(await res.text()).toContain("<!doctype html>");
  });

  test("status filters count and select", async () => {
    const all = await (await fx.app.request("http://localhost/api/torrents?per_page=200")).json();
    const failed = all.torrents.filter((t: { status: string }) =>
      ["magnet_error", "error", "virus", "dead"].includes(t.status),
    );
    const res = await get("/torrents?status=failed&per_page=200", htmx);
    const html = await res.text();
    expect(html).toMatch(
      new RegExp(`class="chip tone-failed on"[^>]*>Failed <span class="n">${failed.length}<`),
    );
    const badges = [...html.matchAll(/<span class="badge badge-(\w+)">/g)].map((m) => m[1]);
    expect(badges.length).toBe(failed.length);
    expect(new Set(badges)).toEqual(new Set(failed.length ? ["failed"] : []));
  });

  test("sorting by size orders the rows", async () => {
    const json = await (await get("/api/torrents?sort=size&dir=asc&per_page=200")).json();
    const sizes = json.torrents.map((t: { bytes: number }) => t.bytes);
    expect(sizes).toEqual([...sizes].sort((a: number, b: number) => a - b));
    expect(json.total).toBe(180);
  });

  test("search covers names and file paths, any case, by word prefix", async () => {
    const json = await (await get("/api/torrents?q=SEVER&per_page=200")).json();
    expect(json.total).toBeGreaterThan(0);
    for (const t of json.torrents) expect(t.name.toLowerCase()).toContain("sever");
    const html = await (await get("/torrents?q=zzzznotathing", htmx)).text();
    expect(html).toContain("Nothing matches “zzzznotathing”");
  });

  test("search syntax from users is text, not FTS5 syntax or SQL", async () => {
    for (const q of ['"', "NEAR(a b)", "name:foo OR", "'; DROP TABLE torrents; --", "*", "a AND", "(", "^"]) {
      const res = await get(`/api/torrents?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
    }
    const json = await (
      await get(`/api/torrents?q=${encodeURIComponent("'; DROP TABLE torrents; --")}`)
    ).json();
    expect(json.torrents.map((t: { name: string }) => t.name)).toContain("'; DROP TABLE torrents; --.mkv");
    expect((await (await get("/api/torrents")).json()).total).toBe(180);
  });

  test("torrent detail shows every stored field, the files and the links", async () => {
    const list = await (await get("/api/torrents?status=downloaded&per_page=25")).json();
    const id = list.torrents[0].id as string;
    const torrent = fx.fake.state.library.torrents.get(id);
    const res = await get(`/torrents/realdebrid/${id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(id);
    expect(html).toContain(torrent?.hash ?? "no hash");
    expect(html).toContain("Unrestrict");
    for (const f of torrent?.files ?? []) expect(html).toContain(escapeHtml(f.path));
    const frag = await (await get(`/torrents/realdebrid/${id}`, htmx)).text();
    expect(frag).not.toContain("<!doctype html>");
    expect(frag).toContain("Refresh from provider");
  });

  test("statistics page draws SVG charts; /api/stats has the same report", async () => {
    const html = await (await get("/stats")).text();
    expect(html).toContain('aria-label="Torrents by status"');
    expect(html).toMatch(/<path class="line-a" d="M[\d.]+,[\d.]+/);
    expect(html).toContain("Biggest torrents");
    const stats = await (await get("/api/stats")).json();
    expect(stats.overview.torrents).toBe(180);
    expect(stats.byStatus.reduce((n: number, s: { count: number }) => n + s.count, 0)).toBe(180);
  });

  test("settings show the configuration with secrets masked", async () => {
    const html = await (await get("/settings")).text();
    expect(html).toContain("Effective configuration");
    expect(html).toContain("Debrid accounts");
    expect(html).not.toContain(fx.fake.state.options.token);
    expect(html).toContain("••••••");
  });

  test("/health answers without anything else", async () => {
    expect(await (await get("/health")).json()).toEqual({ status: "ok" });
  });
});

describe("names from strangers render as text", () => {
  test.each(["/torrents?per_page=200", "/stats", "/torrents?q=onerror", "/torrents?q=script"])(
    "%s",
    async (path) => {
      const body = await (await get(path)).text();
      expect(body.includes("<img src=x")).toBe(false);
      expect(body.includes("<script>alert")).toBe(false);
    },
  );

  test("JSON keeps names as data, served as JSON that browsers do not sniff into HTML", async () => {
    const res = await get("/api/torrents?q=onerror");
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect((await res.json()).torrents[0].name).toBe(HOSTILE_NAMES[0]);
  });

  test("each hostile name appears escaped in the list and on its page", async () => {
    const html = await (await get("/torrents?per_page=200")).text();
    const json = await (await get("/api/torrents?per_page=200")).json();
    for (const name of HOSTILE_NAMES) {
      expect(html.includes(escapeHtml(name))).toBe(true);
      const row = json.torrents.find((t: { name: string }) => t.name === name);
      expect(row).toBeDefined();
      const detail = await (await get(`/torrents/realdebrid/${row.id}`)).text();
      expect(detail.includes(`<h1>${escapeHtml(name)}</h1>`)).toBe(true);
      if (name.includes("<")) expect(detail.includes(name)).toBe(false);
    }
  });
});

describe("bad input is a 400 with a message, never a stack trace", () => {
  test.each([
    ["page=0", "page must be between 1"],
    ["page=abc", "page must be a whole number"],
    ["page=99999999", "page must be a whole number"],
    ["per_page=7", "per_page must be one of 25, 50, 100, 200"],
    ["sort=filename;drop", "sort must be one of added, size, name, status, progress"],
    ["dir=up", "dir must be asc or desc"],
    ["status=%3Cscript%3E", "status must be a status name"],
    [`q=${"x".repeat(201)}`, "q must be at most 200 characters"],
  ])("/torrents?%s", async (query, message) => {
    const page = await get(`/torrents?${query}`);
    expect(page.status).toBe(400);
    const html = await page.text();
    expect(html).toContain(escapeHtml(message));
    expect(html).not.toContain("    at ");
    const api = await get(`/api/torrents?${query}`);
    expect(api.status).toBe(400);
    const body = await api.json();
    expect(body.error.code).toBe("validation");
    expect(body.error.message).toContain(message);
  });

  test("unknown torrent: a 404 page, JSON under /api/", async () => {
    const page = await get("/torrents/NOSUCHTORRENT");
    expect(page.status).toBe(404);
    expect(await page.text()).toContain("torrent NOSUCHTORRENT not found");
    const api = await get("/api/torrents/NOSUCHTORRENT");
    expect(api.status).toBe(404);
    expect((await api.json()).error.code).toBe("not_found");
    expect((await get("/torrents/bad%20id!")).status).toBe(400);
  });

  test("a page past the end says so", async () => {
    const html = await (await get("/torrents?page=500")).text();
    expect(html).toContain("Page 500 is past the end");
  });

  test("unknown paths: 404 page, JSON under /api/", async () => {
    const page = await get("/no/such/page");
    expect(page.status).toBe(404);
    expect(await page.text()).toContain("Page not found");
    const api = await get("/api/nothing-here");
    expect(api.status).toBe(404);
    expect((await api.json()).error.code).toBe("not_found");
  });
});
