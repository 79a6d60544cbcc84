import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CSRF_COOKIE, SESSION_COOKIE } from "../../../src/http/middleware/web-auth.ts";
import { cookieFrom, csrfFrom, startUiFixture, type UiFixture } from "../../helpers/ui-fixture.ts";

const LOGIN = { REDRIVA_USERNAME: "alice", REDRIVA_PASSWORD: "correct horse battery" };
const BASE = "http://localhost";

let fx: UiFixture;
beforeAll(async () => {
  fx = await startUiFixture({ size: 30, env: LOGIN, sync: "torrents" });
});
afterAll(() => fx.close());

/** A browser-like session: keeps cookies between requests. */
function browser(app = fx.app) {
  const jar = new Map<string, string>();
  return {
    jar,
    async request(path: string, init: RequestInit = {}) {
      const headers = new Headers(init.headers);
      if (jar.size > 0) headers.set("cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "));
      const res = await app.request(`${BASE}${path}`, { ...init, headers, redirect: "manual" });
      for (const header of res.headers.getSetCookie()) {
        const [pair] = header.split(";");
        const [key, ...rest] = (pair ?? "").split("=");
        const value = rest.join("=");
        if (key && (value === "" || /Max-Age=0/i.test(header))) jar.delete(key.trim());
        else if (key) jar.set(key.trim(), value);
      }
      return res;
    },
  };
}

const form = (fields: Record<string, string>) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString(),
});

async function logIn(b = browser()) {
  const page = await (await b.request("/login?next=%2Ftorrents")).text();
  const res = await b.request(
    "/login",
    form({
      ...{ username: LOGIN.REDRIVA_USERNAME, password: LOGIN.REDRIVA_PASSWORD },
      next: "/torrents",
      _csrf: csrfFrom(page),
    }),
  );
  return { b, res };
}

describe("without a session", () => {
  test("pages redirect to the login page, keeping where the user was going", async () => {
    const res = await fx.app.request(`${BASE}/torrents?status=failed`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?next=%2Ftorrents%3Fstatus%3Dfailed");
  });

  test.each(["/api/stats", "/api/torrents", "/api/torrents/ABC"])("%s answers 401 JSON", async (path) => {
    const res = await fx.app.request(`${BASE}${path}`);
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe("unauthorized");
  });

  test("htmx requests get 401 with HX-Redirect to the login page", async () => {
    const res = await fx.app.request(`${BASE}/torrents?page=2`, { headers: { "HX-Request": "true" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("HX-Redirect")).toBe("/login?next=%2Ftorrents%3Fpage%3D2");
  });

  test("routes of other features are protected too", async () => {
    for (const path of [
      "/jobs",
      "/repair",
      "/symlinks",
      "/downloads",
      "/settings",
      "/stats",
      "/sync/events",
    ]) {
      const res = await fx.app.request(`${BASE}${path}`, { redirect: "manual" });
      expect([302, 401]).toContain(res.status);
    }
  });

  test("health, static files and the login page stay reachable", async () => {
    expect((await fx.app.request(`${BASE}/health`)).status).toBe(200);
    expect((await fx.app.request(`${BASE}/public/css/app.css`)).status).toBe(200);
    const login = await fx.app.request(`${BASE}/login`);
    expect(login.status).toBe(200);
    expect(await login.text()).toContain('name="password"');
  });

  test("a state change without a session is refused before anything runs", async () => {
    const res = await fx.app.request(`${BASE}/sync/smart`, { method: "POST" });
    expect(res.status).toBe(401);
  });
});

describe("logging in", () => {
  test("wrong credentials: 401 with a message, no session", async () => {
    const b = browser();
    const page = await (await b.request("/login")).text();
    const res = await b.request(
      "/login",
      form({ username: "alice", password: "nope", _csrf: csrfFrom(page) }),
    );
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("Wrong username or password.");
    expect(b.jar.has(SESSION_COOKIE)).toBe(false);
  });

  test("the login form itself is CSRF-protected", async () => {
    const b = browser();
    await b.request("/login");
    const res = await b.request(
      "/login",
      form({ ...{ username: "alice", password: LOGIN.REDRIVA_PASSWORD } }),
    );
    expect(res.status).toBe(403);
    expect(b.jar.has(SESSION_COOKIE)).toBe(false);
  });

  test("right credentials: an HttpOnly SameSite=Lax cookie and a redirect to where the user was going", async () => {
    const { b, res } = await logIn();
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/torrents");
    const header = res.headers.getSetCookie().find((h) => h.startsWith(`${SESSION_COOKIE}=`)) ?? "";
    expect(header).toContain("HttpOnly");
    expect(header).toContain("SameSite=Lax");
    expect(header).not.toContain("Secure");
    const page = await b.request("/");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Log out (alice)");
    expect(html).not.toContain("No login is configured");
  });

  test("the next parameter cannot send the user to another site", async () => {
    for (const next of ["//evil.example/", "https://evil.example/", "/\\evil.example"]) {
      const b = browser();
      const page = await (await b.request("/login")).text();
      const res = await b.request(
        "/login",
        form({ username: "alice", password: LOGIN.REDRIVA_PASSWORD, next, _csrf: csrfFrom(page) }),
      );
      expect(res.headers.get("location")).toBe("/");
    }
  });

  test("behind a TLS proxy (TRUST_PROXY) the cookie is Secure; without trust the header is ignored", async () => {
    const proxied = await startUiFixture({ size: 5, env: { ...LOGIN, TRUST_PROXY: "true" }, sync: "none" });
    try {
      const b = browser(proxied.app);
      const page = await (await b.request("/login")).text();
      const res = await b.request("/login", {
        ...form({ username: "alice", password: LOGIN.REDRIVA_PASSWORD, _csrf: csrfFrom(page) }),
        headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-proto": "https" },
      });
      expect(res.headers.getSetCookie().find((h) => h.startsWith(`${SESSION_COOKIE}=`))).toContain("Secure");
    } finally {
      await proxied.close();
    }
    const b = browser();
    const page = await (await b.request("/login")).text();
    const res = await b.request("/login", {
      ...form({ username: "alice", password: LOGIN.REDRIVA_PASSWORD, _csrf: csrfFrom(page) }),
      headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-proto": "https" },
    });
    expect(res.headers.getSetCookie().find((h) => h.startsWith(`${SESSION_COOKIE}=`))).not.toContain(
      "Secure",
    );
  });

  test("after 10 failures from one client, further attempts are refused for a while", async () => {
    // Its own server: the lockout would otherwise hold for the rest of this file.
    const own = await startUiFixture({ size: 1, env: LOGIN, sync: "none" });
    try {
      const b = browser(own.app);
      const page = await (await b.request("/login")).text();
      const attempt = () =>
        b.request("/login", form({ username: "alice", password: "guess", _csrf: csrfFrom(page) }));
      for (let i = 0; i < 10; i++) expect((await attempt()).status).toBe(401);
      const blocked = await attempt();
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
      const right = await b.request(
        "/login",
        form({ username: "alice", password: LOGIN.REDRIVA_PASSWORD, _csrf: csrfFrom(page) }),
      );
      expect(right.status).toBe(429);
    } finally {
      await own.close();
    }
  });

  test("scripts may use HTTP Basic for GET, never for a state change", async () => {
    const auth = `Basic ${btoa(`${LOGIN.REDRIVA_USERNAME}:${LOGIN.REDRIVA_PASSWORD}`)}`;
    const ok = await fx.app.request(`${BASE}/api/stats`, { headers: { authorization: auth } });
    expect(ok.status).toBe(200);
    expect((await ok.json()).overview.torrents).toBe(30);
    const bad = await fx.app.request(`${BASE}/api/stats`, {
      headers: { authorization: `Basic ${btoa("alice:wrong")}` },
    });
    expect(bad.status).toBe(401);
    const post = await fx.app.request(`${BASE}/sync/smart`, {
      method: "POST",
      headers: { authorization: auth },
    });
    expect(post.status).toBe(401);
  });
});

describe("with a session", () => {
  test("every state change needs the session's CSRF token, from the header or the form", async () => {
    const { b } = await logIn();
    const token = csrfFrom(await (await b.request("/")).text());
    expect((await b.request("/sync/stop", { method: "POST" })).status).toBe(403);
    expect(
      (await b.request("/sync/stop", { method: "POST", headers: { "x-csrf-token": "wrong" } })).status,
    ).toBe(403);
    // The anonymous token (login form) is not the session's.
    const anonymous = b.jar.get(CSRF_COOKIE) ?? "";
    expect(
      (await b.request("/sync/stop", { method: "POST", headers: { "x-csrf-token": anonymous } })).status,
    ).toBe(403);
    const denied = await b.request("/torrents/bulk", form({ action: "refresh", ids: "X", _csrf: "nope" }));
    expect(denied.status).toBe(403);
    expect(await denied.text()).toContain("security token");
    const viaHeader = await b.request("/sync/stop", {
      method: "POST",
      headers: { "x-csrf-token": token, "HX-Request": "true" },
    });
    expect(viaHeader.status).toBe(204);
    const viaForm = await b.request("/sync/stop", form({ _csrf: token }));
    expect(viaForm.status).toBe(303);
  });

  test("JSON state changes get JSON errors", async () => {
    const { b } = await logIn();
    const res = await b.request("/api/torrents", { method: "POST", headers: { accept: "application/json" } });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("forbidden");
  });

  test("logout ends the session on the server, not only in the browser", async () => {
    const { b } = await logIn();
    const stolen = b.jar.get(SESSION_COOKIE) as string;
    const token = csrfFrom(await (await b.request("/")).text());
    const out = await b.request("/logout", form({ _csrf: token }));
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/login");
    const replay = await fx.app.request(`${BASE}/api/stats`, {
      headers: { cookie: `${SESSION_COOKIE}=${stolen}` },
    });
    expect(replay.status).toBe(401);
  });

  test("a session made for another username stops working when the credentials change", async () => {
    const { b } = await logIn();
    const cookie = `${SESSION_COOKIE}=${b.jar.get(SESSION_COOKIE)}`;
    const other = await startUiFixture({
      size: 1,
      env: { REDRIVA_USERNAME: "bob", REDRIVA_PASSWORD: "x" },
      sync: "none",
    });
    try {
      // Same database rows copied over would still carry "alice": bob's server must refuse them.
      other.deps.dbh.sqlite.exec(
        `ATTACH '${fx.deps.dbh.path}' AS a; INSERT INTO web_sessions SELECT * FROM a.web_sessions; DETACH a;`,
      );
      const res = await other.app.request(`${BASE}/api/stats`, { headers: { cookie } });
      expect(res.status).toBe(401);
    } finally {
      await other.close();
    }
  });
});

describe("without credentials configured", () => {
  let open: UiFixture;
  beforeAll(async () => {
    open = await startUiFixture({ size: 5, sync: "none" });
  });
  afterAll(() => open.close());

  test("pages work without a login, say so, and carry a CSRF token from a cookie", async () => {
    const res = await open.app.request(`${BASE}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(
      "No login is configured: Redriva listens on this machine only (127.0.0.1)",
    );
    expect(cookieFrom(res, CSRF_COOKIE)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test("state changes still need the token (a web page cannot post to localhost)", async () => {
    const b = browser(open.app);
    const html = await (await b.request("/")).text();
    expect((await b.request("/sync/stop", { method: "POST" })).status).toBe(403);
    const ok = await b.request("/sync/stop", {
      method: "POST",
      headers: { "x-csrf-token": csrfFrom(html), "HX-Request": "true" },
    });
    expect(ok.status).toBe(204);
  });

  test("requests for another host name are refused (DNS rebinding)", async () => {
    const res = await open.app.request("http://evil.example/api/stats", {
      headers: { host: "evil.example" },
    });
    expect(res.status).toBe(403);
    for (const host of ["localhost:6500", "127.0.0.1:6500", "[::1]:6500"]) {
      const ok = await open.app.request("http://localhost/api/stats", { headers: { host } });
      expect(ok.status).toBe(200);
    }
  });

  test("/login has nothing to do and sends the user home", async () => {
    const res = await open.app.request(`${BASE}/login`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/");
  });
});
