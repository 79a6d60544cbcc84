import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { buildMagnet } from "../../../src/domain/magnet.ts";
import { buildTorrentFile, parseTorrentFile } from "../../../src/domain/torrent-file.ts";
import { createApp } from "../../../src/http/app.ts";
import { QBIT_STATES } from "../../../src/http/qbit/wire.ts";
import { makeTestDeps } from "../../helpers/deps.ts";
import { randomHash } from "../../helpers/downloads.ts";
import { ArrQbitClient, form } from "../../helpers/qbit-client.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const CREDS = { username: "admin", password: "s3cret pass&word" };

function setup(env: Record<string, string> = {}) {
  const dir = tempDir("redriva-qbit-");
  const deps = makeTestDeps({
    REDRIVA_USERNAME: CREDS.username,
    REDRIVA_PASSWORD: CREDS.password,
    DOWNLOAD_DIR: join(dir.path, "downloads"),
    ...env,
  });
  const app = createApp(deps);
  const fetcher = (r: Request) => app.request(r);
  return {
    deps,
    app,
    sonarr: new ArrQbitClient(fetcher, "http://redriva.local:6500", CREDS),
    /** An older Sonarr: no Basic header, so the session cookie is what counts. */
    oldSonarr: new ArrQbitClient(fetcher, "http://redriva.local:6500", CREDS, false),
    anonymous: new ArrQbitClient(fetcher, "http://redriva.local:6500", null),
    [Symbol.dispose]() {
      deps[Symbol.dispose]();
      dir[Symbol.dispose]();
    },
  };
}

/** JSON type of every torrents/info field an *arr or @ctrl/qbittorrent reads (contract 5.2). */
const INTEGER_FIELDS = [
  "added_on",
  "amount_left",
  "completed",
  "completion_on",
  "dlspeed",
  "downloaded",
  "eta",
  "last_activity",
  "priority",
  "seeding_time",
  "seeding_time_limit",
  "inactive_seeding_time_limit",
  "size",
  "total_size",
  "uploaded",
  "upspeed",
  "num_seeds",
  "num_leechs",
  "num_complete",
  "num_incomplete",
] as const;
const NUMBER_FIELDS = ["progress", "ratio", "ratio_limit", "max_ratio"] as const;
const STRING_FIELDS = [
  "hash",
  "name",
  "state",
  "category",
  "save_path",
  "content_path",
  "tags",
  "magnet_uri",
] as const;

function checkTypes(t: Record<string, unknown>) {
  for (const f of INTEGER_FIELDS) expect({ f, ok: Number.isInteger(t[f]) }).toEqual({ f, ok: true });
  for (const f of NUMBER_FIELDS) expect({ f, ok: typeof t[f] === "number" }).toEqual({ f, ok: true });
  for (const f of STRING_FIELDS) expect({ f, ok: typeof t[f] === "string" }).toEqual({ f, ok: true });
  expect(QBIT_STATES as readonly string[]).toContain(t.state as string);
}

describe("authentication (contract section 2)", () => {
  test("the unauthenticated probe gets 403, never 401, with or without a Basic header", async () => {
    using s = setup();
    const res = await s.anonymous.probe();
    expect(res.status).toBe(403);
    expect(await res.text()).toBe("Forbidden");
    const wrongBasic = await s.app.request("/api/v2/app/webapiVersion", {
      headers: { Authorization: `Basic ${btoa("admin:nope")}` },
    });
    expect(wrongBasic.status).toBe(403);
  });

  test("wrong password: 200 Fails. and no cookie; right: exactly Ok. and an SID cookie", async () => {
    using s = setup();
    const bad = await s.app.request("/api/v2/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: form({ username: "admin", password: "wrong" }),
    });
    expect(bad.status).toBe(200);
    expect(await bad.text()).toBe("Fails.");
    expect(bad.headers.get("set-cookie")).toBeNull();
    expect(await s.sonarr.login()).toBe(true);
    expect(s.sonarr.cookies[0]).toMatch(/^SID=[A-Za-z0-9_-]{32}$/);
    const get = await s.app.request("/api/v2/auth/login");
    expect(get.status).toBe(405);
  });

  test("a bogus session gets 403 and the *arr logs in again once and goes on", async () => {
    using s = setup();
    s.oldSonarr.cookies = ["SID=bogusbogusbogusbogusbogusbogus12"];
    const res = await s.oldSonarr.call("GET", "app/webapiVersion");
    expect(res.status).toBe(200);
    expect(s.oldSonarr.log.map((l) => `${l.path} ${l.status}`)).toEqual([
      "app/webapiVersion 403",
      "auth/login 200",
      "app/webapiVersion 200",
    ]);
  });

  test("correct Basic credentials alone are accepted (qBittorrent 5.2 behaviour)", async () => {
    using s = setup();
    const res = await s.app.request("/api/v2/app/webapiVersion", {
      headers: {
        Authorization: `Basic ${Buffer.from(`${CREDS.username}:${CREDS.password}`).toString("base64")}`,
      },
    });
    expect(res.status).toBe(200);
  });

  test("ten failed logins lock the address out (the web login's throttle), the right password too", async () => {
    using s = setup();
    const attempt = (password = "guess") =>
      s.app.request("/api/v2/auth/login", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: form({ username: "admin", password }),
      });
    for (let i = 0; i < 10; i++) expect(await (await attempt()).text()).toBe("Fails.");
    const banned = await attempt(CREDS.password);
    expect(banned.status).toBe(429);
    expect(Number(banned.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await banned.text()).toContain("banned after too many failed authentication attempts");
  });

  test("without REDRIVA_USERNAME/PASSWORD every call is open (the *arr sends no login)", async () => {
    const dir = tempDir();
    using deps = makeTestDeps({ DOWNLOAD_DIR: dir.path });
    const res = await createApp(deps).request("/api/v2/app/webapiVersion");
    expect(res.status).toBe(200);
    dir[Symbol.dispose]();
  });
});

describe("the Test button (contract section 8)", () => {
  test.each(["current Sonarr/Radarr (Basic header)", "older Sonarr (cookie only)"])(
    "%s: probe, login, versions, preferences, categories, list",
    async (which) => {
      using s = setup();
      const client = which.startsWith("current") ? s.sonarr : s.oldSonarr;
      // 403 (no credentials yet) or 200 (Basic credentials accepted): both mean "API v2 present".
      expect((await client.probe()).status).toBe(which.startsWith("current") ? 200 : 403);
      expect(await client.login()).toBe(true);
      for (let i = 0; i < 2; i++) {
        const v = await client.call("GET", "app/webapiVersion");
        expect(await v.text()).toBe("2.8.19");
      }
      const prefs = (await (await client.call("GET", "app/preferences")).json()) as Record<string, unknown>;
      expect(prefs).toMatchObject({
        dht: true,
        max_ratio_act: 0,
        queueing_enabled: true,
        max_seeding_time_enabled: false,
      });
      expect(typeof prefs.save_path).toBe("string");
      expect(typeof prefs.max_ratio_enabled).toBe("boolean");
      expect(typeof prefs.max_ratio).toBe("number");
      expect(Number.isInteger(prefs.max_seeding_time)).toBe(true);
      // "removes at ratio limit" check: must not trip.
      expect([1, 3]).not.toContain(prefs.max_ratio_act as number);

      const before = (await (await client.call("GET", "torrents/categories")).json()) as Record<
        string,
        unknown
      >;
      expect(before).toEqual({});
      const created = await client.call("POST", "torrents/createCategory", {
        form: { category: "tv-sonarr" },
      });
      expect(created.status).toBe(200);
      const after = (await (await client.call("GET", "torrents/categories")).json()) as Record<
        string,
        { name: string; savePath: string }
      >;
      expect(after["tv-sonarr"]?.name).toBe("tv-sonarr");
      expect(after["tv-sonarr"]?.savePath).toBe(join(s.deps.config.downloads.dir, "tv-sonarr"));
      const again = await client.call("POST", "torrents/createCategory", { form: { category: "tv-sonarr" } });
      expect(again.status).toBe(409);

      const list = await client.call("GET", "torrents/info", { query: { category: "tv-sonarr" } });
      expect(list.headers.get("content-type")).toContain("application/json");
      expect(await list.json()).toEqual([]);
    },
  );
});

describe("a grab (contract section 9)", () => {
  test("magnet: listed at once with its hash, metaDL, size 0, eta 8640000; follow-up calls all 2xx", async () => {
    using s = setup();
    const hash = randomHash();
    const magnet = `${buildMagnet(hash, "Show.S01E01.1080p.WEB-DL")}&tr=udp%3A%2F%2Ftracker.invalid%3A80`;
    await s.sonarr.call("GET", "app/preferences");
    await s.sonarr.call("GET", "app/webapiVersion");
    const add = await s.sonarr.call("POST", "torrents/add", {
      form: {
        urls: magnet,
        category: "tv-sonarr",
        paused: "False",
        ratioLimit: "1.5",
        seedingTimeLimit: "1440",
      },
    });
    expect(add.status).toBe(200);
    expect(await add.text()).toBe("Ok.");
    const props = await s.sonarr.call("GET", "torrents/properties", { query: { hash } });
    expect(props.status).toBe(200);
    const p = (await props.json()) as Record<string, unknown>;
    expect(p.hash).toBe(hash);
    expect(Number.isInteger(p.seeding_time)).toBe(true);
    for (const [path, extra] of [
      ["torrents/topPrio", {}],
      ["torrents/setForceStart", { value: "true" }],
      ["torrents/addTags", { tags: "anime,hdr" }],
      ["torrents/setShareLimits", { ratioLimit: "-2", seedingTimeLimit: "-2" }],
    ] as const) {
      const res = await s.sonarr.call("POST", path, { form: { hashes: hash, ...extra } });
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
    }
    const info = (await (
      await s.sonarr.call("GET", "torrents/info", { query: { category: "tv-sonarr" } })
    ).json()) as Array<Record<string, unknown>>;
    expect(info).toHaveLength(1);
    const t = info[0] as Record<string, unknown>;
    checkTypes(t);
    expect(t).toMatchObject({
      hash,
      name: "Show.S01E01.1080p.WEB-DL",
      size: 0,
      total_size: -1,
      eta: 8_640_000,
      state: "forcedMetaDL",
      content_path: "",
      tags: "anime, hdr",
      ratio_limit: -2,
      category: "tv-sonarr",
      priority: 1,
    });
    expect(t.hash).toBe((t.hash as string).toLowerCase());
  });

  test("a magnet over 1024 bytes arrives as multipart and is accepted; stopped=TRUE means paused", async () => {
    using s = setup();
    const hash = randomHash();
    const trackers = Array.from(
      { length: 40 },
      (_, i) => `&tr=${encodeURIComponent(`udp://tracker${i}.invalid:1337/announce`)}`,
    ).join("");
    const magnet = buildMagnet(hash, "Movie.2024.2160p") + trackers;
    expect(magnet.length).toBeGreaterThan(1024);
    const res = await s.sonarr.call("POST", "torrents/add", {
      multipart: [
        { name: "urls", value: magnet },
        { name: "category", value: "radarr" },
        { name: "stopped", value: "TRUE" },
      ],
    });
    expect(await res.text()).toBe("Ok.");
    const [t] = (await (
      await s.sonarr.call("GET", "torrents/info", { query: { hashes: hash } })
    ).json()) as Array<Record<string, unknown>>;
    expect(t?.state).toBe("pausedDL");
    expect(t?.category).toBe("radarr");
  });

  test(".torrent upload (multipart file part): the hash is the v1 info-hash of its info dictionary", async () => {
    using s = setup();
    const bytes = buildTorrentFile("Show.S02.1080p", [
      { path: "Show.S02E01.mkv", length: 1000 },
      { path: "Show.S02E02.mkv", length: 2000 },
    ]);
    const expected = parseTorrentFile(bytes)?.hash as string;
    const res = await s.sonarr.call("POST", "torrents/add", {
      multipart: [
        { name: "torrents", filename: "Show.S02.1080p.torrent", bytes },
        { name: "category", value: "tv-sonarr" },
        { name: "paused", value: "False" },
      ],
    });
    expect(await res.text()).toBe("Ok.");
    const [t] = (await (
      await s.sonarr.call("GET", "torrents/info", { query: { category: "tv-sonarr" } })
    ).json()) as Array<Record<string, unknown>>;
    expect(t?.hash).toBe(expected);
    expect(t?.name).toBe("Show.S02.1080p");
    expect(t?.size).toBe(3000);
    expect(t?.state).toBe("queuedDL");
  });

  test("an invalid magnet or file answers Fails.; nothing is listed", async () => {
    using s = setup();
    for (const body of [
      { form: { urls: "magnet:?xt=urn:btih:nothex" } },
      { form: { urls: "not a url at all" } },
      {
        multipart: [{ name: "torrents", filename: "x.torrent", bytes: new TextEncoder().encode("garbage") }],
      },
    ]) {
      const res = await s.sonarr.call("POST", "torrents/add", body);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("Fails.");
    }
    expect(await (await s.sonarr.call("GET", "torrents/info")).json()).toEqual([]);
  });

  test("a savepath outside DOWNLOAD_DIR is refused; one inside is used", async () => {
    using s = setup();
    const outside = await s.sonarr.call("POST", "torrents/add", {
      form: { urls: buildMagnet(randomHash(), "x"), savepath: "/etc" },
    });
    expect(await outside.text()).toBe("Fails.");
    const hash = randomHash();
    const inside = await s.sonarr.call("POST", "torrents/add", {
      form: { urls: buildMagnet(hash, "x"), savepath: join(s.deps.config.downloads.dir, "custom") },
    });
    expect(await inside.text()).toBe("Ok.");
    const [t] = (await (
      await s.sonarr.call("GET", "torrents/info", { query: { hashes: hash } })
    ).json()) as Array<Record<string, unknown>>;
    expect(t?.save_path).toBe(join(s.deps.config.downloads.dir, "custom"));
  });
});

describe("urls: .torrent links and redirects", () => {
  test("an http .torrent URL is fetched; an indexer's redirect to a magnet is followed", async () => {
    using s = setup();
    const bytes = buildTorrentFile("Linked.Movie.2019", [{ path: "Linked.Movie.2019.mkv", length: 5000 }]);
    const fileHash = parseTorrentFile(bytes)?.hash as string;
    const magnetHash = randomHash();
    using indexer = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch(req) {
        const path = new URL(req.url).pathname;
        if (path === "/get/1.torrent")
          return new Response(new Blob([bytes as BlobPart]), {
            headers: { "content-type": "application/x-bittorrent" },
          });
        if (path === "/get/2")
          return new Response(null, {
            status: 302,
            headers: { location: buildMagnet(magnetHash, "Redirected") },
          });
        return new Response("no", { status: 404 });
      },
    });
    const base = `http://127.0.0.1:${indexer.port}`;
    const res = await s.sonarr.call("POST", "torrents/add", {
      form: { urls: `${base}/get/1.torrent\n${base}/get/2`, category: "radarr" },
    });
    expect(await res.text()).toBe("Ok.");
    const list = (await (
      await s.sonarr.call("GET", "torrents/info", { query: { category: "radarr" } })
    ).json()) as Array<{
      hash: string;
      name: string;
    }>;
    expect(list.map((t) => t.hash).sort()).toEqual([fileHash, magnetHash].sort());
    const missing = await s.sonarr.call("POST", "torrents/add", {
      form: { urls: `${base}/nothing.torrent` },
    });
    expect(await missing.text()).toBe("Fails.");
  });
});

describe("other endpoints", () => {
  test("properties and files: 404 for an unknown hash, 400 without one; upper-case hash accepted", async () => {
    using s = setup();
    const hash = randomHash();
    await s.sonarr.call("POST", "torrents/add", { form: { urls: buildMagnet(hash, "x") } });
    expect(
      (await s.sonarr.call("GET", "torrents/properties", { query: { hash: randomHash() } })).status,
    ).toBe(404);
    expect((await s.sonarr.call("GET", "torrents/properties")).status).toBe(400);
    expect(
      (await s.sonarr.call("GET", "torrents/properties", { query: { hash: hash.toUpperCase() } })).status,
    ).toBe(200);
    expect(await (await s.sonarr.call("GET", "torrents/files", { query: { hash } })).json()).toEqual([]);
    expect((await s.sonarr.call("GET", "torrents/files", { query: { hash: randomHash() } })).status).toBe(
      404,
    );
  });

  test("POST-only endpoints answer 405 to GET; missing hashes 400; unknown paths 404", async () => {
    using s = setup();
    for (const path of ["torrents/add", "torrents/delete", "torrents/setCategory", "torrents/pause"])
      expect({ path, status: (await s.sonarr.call("GET", path)).status }).toEqual({ path, status: 405 });
    expect((await s.sonarr.call("POST", "torrents/delete", { form: {} })).status).toBe(400);
    expect((await s.sonarr.call("GET", "nothing/here")).status).toBe(404);
  });

  test("categories: setCategory to an unknown one is 409; edit, remove; category filter", async () => {
    using s = setup();
    const a = randomHash();
    const b = randomHash();
    await s.sonarr.call("POST", "torrents/add", { form: { urls: buildMagnet(a, "a"), category: "tv" } });
    await s.sonarr.call("POST", "torrents/add", { form: { urls: buildMagnet(b, "b") } });
    const unknown = await s.sonarr.call("POST", "torrents/setCategory", {
      form: { hashes: a, category: "nope" },
    });
    expect(unknown.status).toBe(409);
    expect(await unknown.text()).toBe("Incorrect category name");
    const hashesOf = async (query: Record<string, string>) =>
      (
        (await (await s.sonarr.call("GET", "torrents/info", { query })).json()) as Array<{ hash: string }>
      ).map((t) => t.hash);
    expect(await hashesOf({ category: "tv" })).toEqual([a]);
    expect(await hashesOf({ category: "" })).toEqual([b]);
    expect((await hashesOf({})).sort()).toEqual([a, b].sort());
    expect((await hashesOf({ hashes: `${a}|${b}` })).sort()).toEqual([a, b].sort());
    const outside = await s.sonarr.call("POST", "torrents/createCategory", {
      form: { category: "x", savePath: "/etc" },
    });
    expect(outside.status).toBe(400);
    expect(
      (await s.sonarr.call("POST", "torrents/editCategory", { form: { category: "tv", savePath: "shows" } }))
        .status,
    ).toBe(200);
    const cats = (await (await s.sonarr.call("GET", "torrents/categories")).json()) as Record<
      string,
      { savePath: string }
    >;
    expect(cats.tv?.savePath).toBe(join(s.deps.config.downloads.dir, "shows"));
    expect(
      (await s.sonarr.call("POST", "torrents/removeCategories", { form: { categories: "tv" } })).status,
    ).toBe(200);
    expect(await hashesOf({ category: "" })).toHaveLength(2);
  });

  test("pause/resume and stop/start, priorities, tags, count, delete without deleteFiles", async () => {
    using s = setup();
    const hashes = [randomHash(), randomHash(), randomHash()];
    for (const h of hashes)
      await s.sonarr.call("POST", "torrents/add", { form: { urls: buildMagnet(h, h.slice(0, 6)) } });
    const info = async () =>
      (await (await s.sonarr.call("GET", "torrents/info")).json()) as Array<{
        hash: string;
        state: string;
        priority: number;
        tags: string;
      }>;
    await s.sonarr.call("POST", "torrents/pause", { form: { hashes: hashes[0] as string } });
    await s.sonarr.call("POST", "torrents/stop", { form: { hashes: hashes[1] as string } });
    let list = await info();
    expect(
      list
        .filter((t) => t.state === "pausedDL")
        .map((t) => t.hash)
        .sort(),
    ).toEqual([hashes[0] as string, hashes[1] as string].sort());
    await s.sonarr.call("POST", "torrents/start", { form: { hashes: "all" } });
    list = await info();
    expect(list.every((t) => t.state === "metaDL")).toBe(true);
    await s.sonarr.call("POST", "torrents/bottomPrio", { form: { hashes: hashes[0] as string } });
    list = await info();
    expect(list.find((t) => t.hash === hashes[0])?.priority).toBe(3);
    await s.sonarr.call("POST", "torrents/topPrio", { form: { hashes: hashes[0] as string } });
    list = await info();
    expect(list.find((t) => t.hash === hashes[0])?.priority).toBe(1);
    await s.sonarr.call("POST", "torrents/createTags", { form: { tags: "x,y" } });
    expect(await (await s.sonarr.call("GET", "torrents/tags")).json()).toEqual(["x", "y"]);
    expect(await (await s.sonarr.call("GET", "torrents/count")).text()).toBe("3");
    const del = await s.sonarr.call("POST", "torrents/delete", { form: { hashes: hashes[2] as string } });
    expect(del.status).toBe(200);
    expect((await info()).map((t) => t.hash)).not.toContain(hashes[2]);
    expect(
      (await s.sonarr.call("GET", "torrents/properties", { query: { hash: hashes[2] as string } })).status,
    ).toBe(404);
  });

  test("torrents/info is gzipped for clients that accept it (Sonarr and Radarr do), identical once inflated", async () => {
    using s = setup();
    await s.sonarr.call("POST", "torrents/add", { form: { urls: buildMagnet(randomHash(), "x") } });
    const plain = await s.sonarr.call("GET", "torrents/info");
    expect(plain.headers.get("content-encoding")).toBeNull();
    const text = await plain.text();
    const zipped = await s.app.request("/api/v2/torrents/info", {
      headers: { Cookie: s.sonarr.cookies.join("; "), "Accept-Encoding": "gzip, br" },
    });
    expect(zipped.headers.get("content-encoding")).toBe("gzip");
    expect(new TextDecoder().decode(Bun.gunzipSync(new Uint8Array(await zipped.arrayBuffer())))).toBe(text);
  });

  test("app/version, buildInfo, defaultSavePath, transfer/info, sync/maindata shapes", async () => {
    using s = setup();
    await s.sonarr.call("POST", "torrents/add", { form: { urls: buildMagnet(randomHash(), "x") } });
    expect(await (await s.sonarr.call("GET", "app/version")).text()).toBe("v4.5.2");
    expect(
      ((await (await s.sonarr.call("GET", "app/buildInfo")).json()) as { bitness: number }).bitness,
    ).toBe(64);
    expect(await (await s.sonarr.call("GET", "app/defaultSavePath")).text()).toBe(
      s.deps.config.downloads.dir,
    );
    const transfer = (await (await s.sonarr.call("GET", "transfer/info")).json()) as Record<string, unknown>;
    expect(Number.isInteger(transfer.dl_info_speed)).toBe(true);
    expect(transfer.connection_status).toBe("connected");
    const main = (await (await s.sonarr.call("GET", "sync/maindata")).json()) as {
      rid: number;
      full_update: boolean;
      torrents: Record<string, Record<string, unknown>>;
      server_state: Record<string, unknown>;
    };
    expect(main.full_update).toBe(true);
    expect(Object.keys(main.torrents)).toHaveLength(1);
    expect(Number.isInteger(main.server_state.free_space_on_disk)).toBe(true);
  });
});
