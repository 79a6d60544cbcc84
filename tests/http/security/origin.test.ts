import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { buildMagnet } from "../../../src/domain/magnet.ts";
import { createApp } from "../../../src/http/app.ts";
import { makeTestDeps, type TestDeps } from "../../helpers/deps.ts";
import { randomHash } from "../../helpers/downloads.ts";
import { form } from "../../helpers/qbit-client.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

/**
 * Issue 12 §1: a web page the user visits must not drive Redriva, on any route, with or without a
 * login. Requests go through a real server on 127.0.0.1, headers set the way browsers set them.
 */
const LOGIN = { REDRIVA_USERNAME: "admin", REDRIVA_PASSWORD: "origin test pass" };
const BASIC = `Basic ${btoa(`${LOGIN.REDRIVA_USERNAME}:${LOGIN.REDRIVA_PASSWORD}`)}`;

interface Running {
  deps: TestDeps;
  base: string;
  close(): Promise<void>;
}

async function start(env: Record<string, string> = {}): Promise<Running> {
  const dir = tempDir("redriva-origin-");
  const deps = makeTestDeps({ DOWNLOAD_DIR: join(dir.path, "downloads"), ...env });
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: createApp(deps).fetch });
  return {
    deps,
    base: `http://127.0.0.1:${server.port}`,
    async close() {
      await server.stop(true);
      deps[Symbol.dispose]();
      dir[Symbol.dispose]();
    },
  };
}

/** What a page on evil.example makes the browser send with a form or fetch to Redriva. */
const CROSS_SITE = {
  Origin: "https://evil.example",
  "Sec-Fetch-Site": "cross-site",
  "Sec-Fetch-Mode": "no-cors",
};

async function listed(r: Running, hash: string, headers: Record<string, string> = {}): Promise<boolean> {
  const res = await fetch(`${r.base}/api/v2/torrents/info`, { headers });
  const list = (await res.json()) as Array<{ hash: string }>;
  return list.some((t) => t.hash === hash);
}

describe("without a login", () => {
  let r: Running;
  beforeAll(async () => {
    r = await start();
  });
  afterAll(() => r.close());

  test.each([
    ["text/plain", (magnet: string) => `urls=${magnet}`],
    ["application/x-www-form-urlencoded", (magnet: string) => form({ urls: magnet })],
  ])("a cross-site %s POST to torrents/add is refused and adds nothing", async (type, body) => {
    const hash = randomHash();
    const res = await fetch(`${r.base}/api/v2/torrents/add`, {
      method: "POST",
      headers: { ...CROSS_SITE, "Content-Type": type },
      body: body(buildMagnet(hash, "evil")),
    });
    expect(res.status).toBe(403);
    expect(await listed(r, hash)).toBe(false);
  });

  test("an Origin alone (a browser without Sec-Fetch-Site) is enough to refuse", async () => {
    const res = await fetch(`${r.base}/api/v2/torrents/delete`, {
      method: "POST",
      headers: { Origin: "http://evil.example", "Content-Type": "application/x-www-form-urlencoded" },
      body: "hashes=all&deleteFiles=true",
    });
    expect(res.status).toBe(403);
    const nullOrigin = await fetch(`${r.base}/api/v2/app/preferences`, { headers: { Origin: "null" } });
    expect(nullOrigin.status).toBe(403);
  });

  test("a cross-site fetch cannot read qBit preferences, metrics or the JSON API", async () => {
    for (const path of ["/api/v2/app/preferences", "/metrics", "/api/stats", "/jobs"]) {
      const res = await fetch(`${r.base}${path}`, {
        headers: { "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors" },
      });
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
    }
    // Another port of localhost is the same site, not the same origin: refused too.
    const sameSite = await fetch(`${r.base}/api/v2/app/preferences`, {
      headers: { "Sec-Fetch-Site": "same-site", Origin: "http://localhost:3000" },
    });
    expect(sameSite.status).toBe(403);
  });

  test("Host: evil.com (DNS rebinding) is refused on the qBit API, /metrics and pages", async () => {
    for (const path of ["/api/v2/app/preferences", "/metrics", "/", "/health"]) {
      const res = await fetch(`${r.base}${path}`, { headers: { Host: "evil.com" } });
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
    }
  });

  test("behind TRUST_PROXY, X-Forwarded-Host does not get around the loopback Host rule", async () => {
    const proxied = await start({ TRUST_PROXY: "true" });
    try {
      const res = await fetch(`${proxied.base}/api/v2/app/preferences`, {
        headers: { Host: "evil.com", "X-Forwarded-Host": "localhost" },
      });
      expect(res.status).toBe(403);
    } finally {
      await proxied.close();
    }
  });

  test("Sonarr/Radarr (no Origin, no Sec-Fetch-Site) and Redriva's own pages still get through", async () => {
    const hash = randomHash();
    const add = await fetch(`${r.base}/api/v2/torrents/add`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: form({ urls: buildMagnet(hash, "wanted"), category: "tv-sonarr" }),
    });
    expect(await add.text()).toBe("Ok.");
    expect(await listed(r, hash)).toBe(true);
    const own = await fetch(`${r.base}/api/stats`, {
      headers: { Origin: r.base, "Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors" },
    });
    expect(own.status).toBe(200);
    // A link or bookmark from elsewhere opens the page (it can neither read nor change anything).
    const linked = await fetch(`${r.base}/`, {
      headers: { "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document" },
    });
    expect(linked.status).toBe(200);
    // ...but a form posted from elsewhere is a navigation too, and is refused.
    const posted = await fetch(`${r.base}/sync/stop`, {
      method: "POST",
      headers: { ...CROSS_SITE, "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document" },
    });
    expect(posted.status).toBe(403);
  });
});

describe("with a login", () => {
  let r: Running;
  beforeAll(async () => {
    r = await start(LOGIN);
  });
  afterAll(() => r.close());

  test("credentials do not make a cross-site request acceptable", async () => {
    const hash = randomHash();
    const res = await fetch(`${r.base}/api/v2/torrents/add`, {
      method: "POST",
      headers: { ...CROSS_SITE, Authorization: BASIC, "Content-Type": "text/plain" },
      body: `urls=${buildMagnet(hash, "evil")}`,
    });
    expect(res.status).toBe(403);
    expect(await listed(r, hash, { Authorization: BASIC })).toBe(false);
    const stats = await fetch(`${r.base}/api/stats`, {
      headers: { Authorization: BASIC, "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors" },
    });
    expect(stats.status).toBe(403);
    const login = await fetch(`${r.base}/api/v2/auth/login`, {
      method: "POST",
      headers: { ...CROSS_SITE, "Content-Type": "application/x-www-form-urlencoded" },
      body: form({ username: LOGIN.REDRIVA_USERNAME, password: LOGIN.REDRIVA_PASSWORD }),
    });
    expect(login.status).toBe(403);
    expect(login.headers.get("set-cookie")).toBeNull();
  });

  test("behind a proxy that rewrites Host, the browser's own same-origin requests still pass", async () => {
    const res = await fetch(`${r.base}/api/stats`, {
      headers: {
        Authorization: BASIC,
        Origin: "https://redriva.example",
        "Sec-Fetch-Site": "same-origin",
        "Sec-Fetch-Mode": "cors",
      },
    });
    expect(res.status).toBe(200);
  });

  test("any Host is fine once a login is configured, and the *arrs work as before", async () => {
    const res = await fetch(`${r.base}/api/v2/app/webapiVersion`, {
      headers: { Host: "redriva.lan:6500", Authorization: BASIC },
    });
    expect(res.status).toBe(200);
  });
});
