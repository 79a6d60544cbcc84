import { describe, expect, test } from "bun:test";
import { insertTorrent } from "../../../src/db/repo/downloads.ts";
import { listCandidates } from "../../../src/db/repo/repair.ts";
import { contentSlice } from "../../../src/fake-debrid/content.ts";
import type { FakeFile, FakeTorrent } from "../../../src/fake-debrid/library.ts";
import { runSync } from "../../../src/services/sync/index.ts";
import { DAV_CREDS, type DavFixture, eventually, startDavFixture } from "./helpers.ts";

const AUTH = `Basic ${Buffer.from(`${DAV_CREDS.username}:${DAV_CREDS.password}`).toString("base64")}`;

function dav(f: DavFixture, path: string, init: RequestInit & { depth?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has("authorization")) headers.set("authorization", AUTH);
  if (init.depth !== undefined) headers.set("depth", init.depth);
  return fetch(`${f.base}${path}`, { ...init, headers });
}

function hrefs(xml: string): string[] {
  return [...xml.matchAll(/<D:href>([^<]*)<\/D:href>/g)].map((m) => decodeURIComponent(m[1] as string));
}

function firstSingleFile(f: DavFixture): { torrent: FakeTorrent; file: FakeFile; path: string } {
  const torrent = [...f.fake.state.library.torrents.values()].find(
    (t) => t.status === "downloaded" && t.files.filter((x) => x.selected).length === 1,
  ) as FakeTorrent;
  const file = torrent.files.find((x) => x.selected) as FakeFile;
  const segments = [torrent.filename, ...file.path.split("/").filter((s) => s !== "")];
  return { torrent, file, path: `/dav/__all__/${segments.map(encodeURIComponent).join("/")}` };
}

describe("WebDAV protocol", () => {
  test("OPTIONS says class 1 and the read-only methods; writes are refused with 405", async () => {
    await using f = await startDavFixture({ size: 5 });
    const options = await dav(f, "/dav/", { method: "OPTIONS" });
    expect(options.status).toBe(200);
    expect(options.headers.get("dav")).toBe("1");
    expect(options.headers.get("allow")).toBe("OPTIONS, PROPFIND, GET, HEAD");
    for (const method of ["PUT", "DELETE", "MKCOL", "MOVE", "PROPPATCH", "LOCK"]) {
      const res = await dav(f, "/dav/__all__/x", { method });
      expect({ method, status: res.status }).toEqual({ method, status: 405 });
    }
  });

  test("HTTP Basic with the web login, through the credential throttle", async () => {
    await using f = await startDavFixture({ size: 3 });
    const anonymous = await fetch(`${f.base}/dav/`, { method: "PROPFIND", headers: { depth: "0" } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toContain("Basic");
    const wrong = `Basic ${Buffer.from(`${DAV_CREDS.username}:nope`).toString("base64")}`;
    let last = 0;
    for (let i = 0; i < 11; i++)
      last = (await dav(f, "/dav/", { method: "PROPFIND", depth: "0", headers: { authorization: wrong } }))
        .status;
    expect(last).toBe(429);
    // Locked out: the right password is refused too until the window passes.
    expect((await dav(f, "/dav/", { method: "PROPFIND", depth: "0" })).status).toBe(429);
  });

  test("PROPFIND: depth 0 and 1 answered, infinity refused (RFC 4918 propfind-finite-depth)", async () => {
    await using f = await startDavFixture({ size: 10 });
    for (const depth of [undefined, "infinity"]) {
      const res = await dav(f, "/dav/__all__/", { method: "PROPFIND", ...(depth ? { depth } : {}) });
      expect(res.status).toBe(403);
      expect(await res.text()).toContain("propfind-finite-depth");
    }
    const top = await dav(f, "/dav/", { method: "PROPFIND", depth: "1" });
    expect(top.status).toBe(207);
    expect(hrefs(await top.text())).toEqual(["/dav/", "/dav/__all__/"]);
    const zero = await dav(f, "/dav/__all__/", { method: "PROPFIND", depth: "0" });
    expect(hrefs(await zero.text())).toEqual(["/dav/__all__/"]);
    expect((await dav(f, "/dav/__all__/nothing-here/", { method: "PROPFIND", depth: "1" })).status).toBe(404);
  });

  test("PROPFIND of a top folder: gzipped for clients that take it, with its length, the same XML for the others", async () => {
    await using f = await startDavFixture({ size: 20 });
    const gzipped = await fetch(`${f.base}/dav/__all__/`, {
      method: "PROPFIND",
      headers: { authorization: AUTH, depth: "1", "accept-encoding": "gzip" },
      decompress: false,
    } as RequestInit);
    expect(gzipped.status).toBe(207);
    expect(gzipped.headers.get("content-encoding")).toBe("gzip");
    expect(gzipped.headers.get("vary")).toBe("accept-encoding");
    const body = new Uint8Array(await gzipped.arrayBuffer());
    expect(Number(gzipped.headers.get("content-length"))).toBe(body.byteLength);
    const unzipped = new TextDecoder().decode(Bun.gunzipSync(body));
    const plain = await fetch(`${f.base}/dav/__all__/`, {
      method: "PROPFIND",
      headers: { authorization: AUTH, depth: "1", "accept-encoding": "identity" },
    });
    expect(plain.headers.get("content-encoding")).toBeNull();
    const xml = await plain.text();
    expect(xml).toBe(unzipped);
    const names = [...f.fake.state.library.torrents.values()].filter((t) => t.status === "downloaded");
    expect(hrefs(xml).length).toBe(names.length + 1);
    expect(f.deps.dav.listingCacheBytes()).toBe(body.byteLength);
    const metrics = await (await fetch(`${f.base}/metrics`, { headers: { authorization: AUTH } })).text();
    expect(metrics).toContain(`redriva_dav_listing_cache_bytes ${body.byteLength}`);
  });

  test("file metadata and HEAD come from SQLite: no provider request", async () => {
    await using f = await startDavFixture({ size: 10 });
    const { file, path } = firstSingleFile(f);
    const before = f.fake.stats.requests;
    const prop = await dav(f, path, { method: "PROPFIND", depth: "0" });
    const xml = await prop.text();
    expect(xml).toContain(`<D:getcontentlength>${file.bytes}</D:getcontentlength>`);
    expect(xml).toContain("<D:resourcetype/>");
    expect(xml).toMatch(/<D:getetag>"[^<]+"<\/D:getetag>/);
    expect(xml).toMatch(/<D:getlastmodified>\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT<\/D:getlastmodified>/);
    const head = await dav(f, path, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(file.bytes));
    expect(head.headers.get("accept-ranges")).toBe("bytes");
    expect(f.fake.stats.requests).toBe(before);
    expect(f.fake.stats.downloadsServed).toBe(0);
  });

  test("GET with Range: 206, Content-Range and the exact bytes; one unrestrict per file then the cache", async () => {
    await using f = await startDavFixture({ size: 10 });
    const { file, path } = firstSingleFile(f);
    const res = await dav(f, path, { headers: { range: "bytes=100-1099" } });
    expect(res.status).toBe(206);
    expect(res.headers.get("content-range")).toBe(`bytes 100-1099/${file.bytes}`);
    // (No Content-Length on streamed GETs: Bun.serve frames stream bodies as chunked, oven-sh/bun#10507.)
    expect(Buffer.compare(new Uint8Array(await res.arrayBuffer()), contentSlice(file.key, 100, 1100))).toBe(
      0,
    );
    const whole = await dav(f, path);
    expect(whole.status).toBe(200);
    expect(
      Buffer.compare(new Uint8Array(await whole.arrayBuffer()), contentSlice(file.key, 0, file.bytes)),
    ).toBe(0);
    expect(f.deps.dav.counters).toMatchObject({ unrestricts: 1, linkCacheHits: 1, openStreams: 0 });
    expect(f.deps.dav.counters.bytesStreamed).toBe(1000 + file.bytes);
    const past = await dav(f, path, { headers: { range: `bytes=${file.bytes}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get("content-range")).toBe(`bytes */${file.bytes}`);
    const metrics = await (await fetch(`${f.base}/metrics`, { headers: { authorization: AUTH } })).text();
    expect(metrics).toContain(`redriva_dav_bytes_streamed_total ${1000 + file.bytes}`);
    expect(metrics).toContain("redriva_dav_unrestricts_total 1");
    expect(metrics).toContain("redriva_dav_link_cache_hits_total 1");
    expect(metrics).toContain("redriva_dav_open_streams 0");
    // Streamed through Redriva (DAV_STREAM=proxy, the default): no redirect.
    expect(metrics).toContain("redriva_dav_redirects_total 0");
  });

  test("a dead link answers 502 and becomes a repair candidate (link_unavailable)", async () => {
    await using f = await startDavFixture({ size: 10 });
    const { torrent, path } = firstSingleFile(f);
    for (const id of torrent.linkIds) f.fake.state.deadLinks.add(id);
    const res = await dav(f, path);
    expect(res.status).toBe(502);
    expect(await res.text()).toContain("no longer available");
    const candidates = listCandidates(f.deps.dbh.db, { limit: 100 });
    expect(candidates.map((c) => [c.torrent_id, c.reason, c.state])).toEqual([
      [torrent.id, "link_unavailable", "pending"],
    ]);
  });

  test("rule folders by name pattern and by *arr category; the tree follows the library within a rebuild", async () => {
    await using f = await startDavFixture({
      size: 30,
      env: { DAV_FOLDERS: "shows=name:\\.S\\d\\d;movies=category:radarr" },
    });
    const list = async (path: string) =>
      hrefs(await (await dav(f, path, { method: "PROPFIND", depth: "1" })).text()).slice(1);
    expect(await list("/dav/")).toEqual(["/dav/__all__/", "/dav/shows/", "/dav/movies/"]);
    const all = (await list("/dav/__all__/")).map((h) => h.split("/")[3]);
    const shows = (await list("/dav/shows/")).map((h) => h.split("/")[3]);
    expect(shows.length).toBeGreaterThan(0);
    expect(shows).toEqual(all.filter((n) => /\.S\d\d/i.test(n as string)));
    expect(await list("/dav/movies/")).toEqual([]);
    // Radarr grabs one movie: it shows up under movies/ at once.
    const movie = [...f.fake.state.library.torrents.values()].find(
      (t) => t.status === "downloaded" && !/\.S\d\d/.test(t.filename),
    ) as FakeTorrent;
    insertTorrent(f.deps.dbh.db, {
      hash: movie.hash,
      name: movie.filename,
      source_kind: "magnet",
      magnet: `magnet:?xt=urn:btih:${movie.hash}`,
      category: "radarr",
      save_path: "/tmp/radarr",
      stage: "done",
      queue_order: 1,
      added_on: Date.now(),
      last_activity: Date.now(),
      progress_at: Date.now(),
    });
    // The answer after a change may be the previous listing while the tree is rebuilt: it shows
    // up within that rebuild.
    await eventually(
      () => list("/dav/movies/"),
      (l) => l.length > 0,
      "the movie under movies/",
    );
    expect(await list("/dav/movies/")).toEqual([`/dav/movies/${movie.filename}/`]);
    // Removed at the provider: gone from the tree after the next sync (rebuilt at its end).
    f.fake.state.library.remove(movie.id);
    expect((await runSync(f.deps, "torrents", {})).status).toBe("succeeded");
    await eventually(
      () => list("/dav/movies/"),
      (l) => l.length === 0,
      "the movie gone from movies/",
    );
    expect((await list("/dav/__all__/")).length).toBe(all.length - 1);
  });

  test("one folder per provider when several are configured", async () => {
    await using f = await startDavFixture({ size: 8, alldebrid: 5 });
    const names = async (path: string) =>
      hrefs(await (await dav(f, path, { method: "PROPFIND", depth: "1" })).text())
        .slice(1)
        .map(
          (h) =>
            h
              .split("/")
              .filter((s) => s !== "")
              .at(-1) as string,
        );
    expect(await names("/dav/")).toEqual(["__all__", "realdebrid", "alldebrid"]);
    const all = await names("/dav/__all__/");
    const rd = await names("/dav/realdebrid/");
    const ad = await names("/dav/alldebrid/");
    expect(rd.length).toBeGreaterThan(0);
    expect(ad).toEqual([0, 1, 2, 3, 4].map((i) => `AllDebrid.Only.Movie.${i}.2024`));
    // Names are chosen once in __all__ (the second copy of a name gets its id): the provider
    // folders split it without renaming anything.
    expect([...rd, ...ad].sort()).toEqual([...all].sort());
  });
});
