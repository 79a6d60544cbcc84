import { describe, expect, test } from "bun:test";
import { buildMagnet } from "../../../src/domain/magnet.ts";
import { MAX_SOURCES_PER_ADD } from "../../../src/services/downloads/add.ts";
import { randomHash } from "../../helpers/downloads.ts";
import { rawHttp, startQbitServer } from "../../helpers/qbit-server.ts";

/** Issue 12 §11: no input reaches a 500, over real HTTP. */
describe("qBittorrent API: bad input never gives a 500", () => {
  test("an HTTP/1.0 request without Host is answered (403 without a session, 200 for /health)", async () => {
    await using s = startQbitServer();
    const api = await rawHttp(s.server.port as number, "GET /api/v2/app/webapiVersion HTTP/1.0\r\n\r\n");
    expect(api.split("\r\n")[0]).toBe("HTTP/1.1 403 Forbidden");
    const health = await rawHttp(s.server.port as number, "GET /health HTTP/1.0\r\n\r\n");
    expect(health.split("\r\n")[0]).toBe("HTTP/1.1 200 OK");
  });

  test("filter=__proto__ and sort=constructor read as unknown names, not as Object.prototype", async () => {
    await using s = startQbitServer();
    const hash = randomHash();
    await s.sonarr.call("POST", "torrents/add", { form: { urls: buildMagnet(hash, "x") } });
    const queries: Array<Record<string, string>> = [
      { filter: "__proto__" },
      { filter: "constructor" },
      { sort: "__proto__" },
      { sort: "constructor" },
      { filter: "toString", sort: "hasOwnProperty" },
    ];
    for (const query of queries) {
      const res = await s.sonarr.call("GET", "torrents/info", { query });
      expect({ query, status: res.status }).toEqual({ query, status: 200 });
      const list = (await res.json()) as Array<{ hash: string }>;
      expect(list.map((t) => t.hash)).toEqual([hash]);
    }
  });

  test("torrents/add applies createCategory's name rule: a bad name adds nothing and creates nothing", async () => {
    await using s = startQbitServer();
    for (const category of ["/abs", "trailing/", "a//b", "back\\slash"]) {
      const res = await s.sonarr.call("POST", "torrents/add", {
        form: { urls: buildMagnet(randomHash(), "x"), category },
      });
      expect({ category, body: await res.text() }).toEqual({ category, body: "Fails." });
      const created = await s.sonarr.call("POST", "torrents/createCategory", { form: { category } });
      expect({ category, status: created.status }).toEqual({ category, status: 400 });
    }
    const categories = await (await s.sonarr.call("GET", "torrents/categories")).json();
    expect(categories).toEqual({});
    expect(await (await s.sonarr.call("GET", "torrents/count")).text()).toBe("0");
  });

  test(`one add takes at most ${MAX_SOURCES_PER_ADD} torrents: more answers Fails. and adds none`, async () => {
    await using s = startQbitServer();
    const many = (n: number) => Array.from({ length: n }, () => buildMagnet(randomHash(), "x")).join("\n");
    const over = await s.sonarr.call("POST", "torrents/add", {
      multipart: [{ name: "urls", value: many(MAX_SOURCES_PER_ADD + 1) }],
    });
    expect(over.status).toBe(200);
    expect(await over.text()).toBe("Fails.");
    expect(await (await s.sonarr.call("GET", "torrents/count")).text()).toBe("0");
    const full = await s.sonarr.call("POST", "torrents/add", {
      multipart: [{ name: "urls", value: many(MAX_SOURCES_PER_ADD) }],
    });
    expect(await full.text()).toBe("Ok.");
    expect(await (await s.sonarr.call("GET", "torrents/count")).text()).toBe(String(MAX_SOURCES_PER_ADD));
  });
});
