import { afterEach, describe, expect, test } from "bun:test";
import { createApp } from "../../../src/http/app.ts";
import { makeTestDeps, type TestDeps } from "../../helpers/deps.ts";
import { form } from "../../helpers/qbit-client.ts";
import { csrfFrom } from "../../helpers/ui-fixture.ts";

/**
 * Issue 12 §2-3: one throttle for every way of presenting credentials, keyed by the client as the
 * server (or the trusted proxy) sees it. A real server on 127.0.0.1, so the client address is real.
 */
const LOGIN = { REDRIVA_USERNAME: "admin", REDRIVA_PASSWORD: "throttle test pass" };
const basic = (password: string) => `Basic ${btoa(`${LOGIN.REDRIVA_USERNAME}:${password}`)}`;
const RIGHT = basic(LOGIN.REDRIVA_PASSWORD);
const WRONG = basic("guess");
const LIMIT = 10;

let open: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of open) await close();
  open = [];
});

function start(env: Record<string, string> = {}): { deps: TestDeps; base: string } {
  const deps = makeTestDeps({ ...LOGIN, ...env });
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: createApp(deps).fetch });
  open.push(async () => {
    await server.stop(true);
    deps[Symbol.dispose]();
  });
  return { deps, base: `http://127.0.0.1:${server.port}` };
}

async function webLogin(base: string, password: string, headers: Record<string, string> = {}) {
  const page = await fetch(`${base}/login`, { headers });
  const cookie = (page.headers.getSetCookie()[0] ?? "").split(";")[0] ?? "";
  return fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { ...headers, cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      username: LOGIN.REDRIVA_USERNAME,
      password,
      _csrf: csrfFrom(await page.text()),
    }),
  });
}

const qbitLogin = (base: string, password: string) =>
  fetch(`${base}/api/v2/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: form({ username: LOGIN.REDRIVA_USERNAME, password }),
  });

describe("one throttle for every way in", () => {
  test("wrong Basic on /api/* locks the client out: 429 + Retry-After, the right password too", async () => {
    const { base } = start();
    for (let i = 0; i < LIMIT; i++) {
      const res = await fetch(`${base}/api/stats`, { headers: { Authorization: WRONG } });
      expect(res.status).toBe(401);
    }
    const locked = await fetch(`${base}/api/stats`, { headers: { Authorization: RIGHT } });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    // The same lockout holds for the login form and the qBittorrent API.
    expect((await webLogin(base, LOGIN.REDRIVA_PASSWORD)).status).toBe(429);
    expect((await qbitLogin(base, LOGIN.REDRIVA_PASSWORD)).status).toBe(429);
    const qbit = await fetch(`${base}/api/v2/app/webapiVersion`, { headers: { Authorization: RIGHT } });
    expect(qbit.status).toBe(429);
  });

  test("wrong Basic on the qBittorrent API counts too, and locks /api/* and /login", async () => {
    const { base } = start();
    for (let i = 0; i < LIMIT; i++) {
      const res = await fetch(`${base}/api/v2/torrents/info`, { headers: { Authorization: WRONG } });
      expect(res.status).toBe(403);
    }
    const qbit = await fetch(`${base}/api/v2/torrents/info`, { headers: { Authorization: RIGHT } });
    expect(qbit.status).toBe(429);
    expect(Number(qbit.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await fetch(`${base}/api/stats`, { headers: { Authorization: RIGHT } })).status).toBe(429);
    expect((await webLogin(base, LOGIN.REDRIVA_PASSWORD)).status).toBe(429);
  });

  test("failures of the login form lock out Basic on /api/* and the qBit API's auth/login", async () => {
    const { base } = start();
    for (let i = 0; i < LIMIT; i++) expect((await webLogin(base, "guess")).status).toBe(401);
    expect((await fetch(`${base}/api/stats`, { headers: { Authorization: RIGHT } })).status).toBe(429);
    const qbit = await qbitLogin(base, LOGIN.REDRIVA_PASSWORD);
    expect(qbit.status).toBe(429);
    expect(qbit.headers.get("set-cookie")).toBeNull();
  });

  test("below the limit the right password works and clears the count", async () => {
    const { base } = start();
    for (let i = 0; i < LIMIT - 1; i++)
      expect((await fetch(`${base}/api/stats`, { headers: { Authorization: WRONG } })).status).toBe(401);
    expect((await fetch(`${base}/api/stats`, { headers: { Authorization: RIGHT } })).status).toBe(200);
    for (let i = 0; i < LIMIT - 1; i++) expect((await qbitLogin(base, "guess")).status).toBe(200);
    expect(await (await qbitLogin(base, LOGIN.REDRIVA_PASSWORD)).text()).toBe("Ok.");
  });
});

describe("behind a reverse proxy (TRUST_PROXY=true)", () => {
  test("rotating the leftmost X-Forwarded-For gives no extra tries: the proxy's own hop counts", async () => {
    const { base } = start({ TRUST_PROXY: "true" });
    const as = (i: number, client: string) => ({ "X-Forwarded-For": `10.9.${i}.1, ${client}` });
    for (let i = 0; i < LIMIT; i++) {
      const res = await fetch(`${base}/api/stats`, {
        headers: { ...as(i, "203.0.113.7"), Authorization: WRONG },
      });
      expect(res.status).toBe(401);
    }
    for (const rotated of [100, 101, 102]) {
      const res = await fetch(`${base}/api/stats`, {
        headers: { ...as(rotated, "203.0.113.7"), Authorization: RIGHT },
      });
      expect(res.status).toBe(429);
    }
    expect((await webLogin(base, LOGIN.REDRIVA_PASSWORD, as(7, "203.0.113.7"))).status).toBe(429);
    // Another client behind the same proxy is not locked out.
    const other = await fetch(`${base}/api/stats`, {
      headers: { ...as(0, "198.51.100.2"), Authorization: RIGHT },
    });
    expect(other.status).toBe(200);
  });

  test("hops added by proxies on this machine are skipped: the first outside address is the client", async () => {
    const { base } = start({ TRUST_PROXY: "true" });
    const headers = (left: number) => ({ "X-Forwarded-For": `10.0.0.${left}, 203.0.113.9, 127.0.0.1` });
    for (let i = 0; i < LIMIT; i++)
      expect(
        (await fetch(`${base}/api/stats`, { headers: { ...headers(i), Authorization: WRONG } })).status,
      ).toBe(401);
    const res = await fetch(`${base}/api/stats`, { headers: { ...headers(99), Authorization: RIGHT } });
    expect(res.status).toBe(429);
  });
});
