import { describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { listCandidates } from "../../../src/db/repo/repair.ts";
import { contentSha256, contentSlice } from "../../../src/fake-debrid/content.ts";
import type { FakeFile, FakeTorrent } from "../../../src/fake-debrid/library.ts";
import { createRandom } from "../../../src/fake-debrid/random.ts";
import { type Clock, systemClock } from "../../../src/lib/clock.ts";
import { tempDir } from "../../helpers/temp-dir.ts";
import { DAV_CREDS, type DavFixture, rclone, rcloneRandomRange, startDavFixture } from "./helpers.ts";

/**
 * DAV_STREAM=redirect: GET answers 302 to the provider's direct link and the client (rclone, Go's
 * HTTP client keeping Range across the redirect) reads the provider itself.
 */

const AUTH = `Basic ${Buffer.from(`${DAV_CREDS.username}:${DAV_CREDS.password}`).toString("base64")}`;
const REDIRECT = { DAV_STREAM: "redirect" };
const MINUTE = 60_000;

/** The system's time, moved forward by the test (links expire without waiting for them). */
class SkewedClock implements Clock {
  skewMs = 0;
  // Fields, not methods: callers keep `now` and `sleep` apart from the clock.
  readonly now = (): number => Date.now() + this.skewMs;
  readonly sleep = systemClock.sleep;
}

function singleFiles(f: DavFixture): Array<{ torrent: FakeTorrent; file: FakeFile; path: string }> {
  return [...f.fake.state.library.torrents.values()]
    .filter((t) => t.status === "downloaded" && t.files.filter((x) => x.selected).length === 1)
    .map((torrent) => {
      const file = torrent.files.find((x) => x.selected) as FakeFile;
      return { torrent, file, path: `__all__/${torrent.filename}/${file.path.replace(/^\/+/, "")}` };
    });
}

function davUrl(f: DavFixture, path: string): string {
  return `${f.base}/dav/${path.split("/").map(encodeURIComponent).join("/")}`;
}

/** The Location a GET is redirected to (not followed). */
async function location(f: DavFixture, path: string): Promise<string> {
  const res = await fetch(davUrl(f, path), { headers: { authorization: AUTH }, redirect: "manual" });
  expect(res.status).toBe(302);
  return res.headers.get("location") as string;
}

async function metric(f: DavFixture, name: string): Promise<string> {
  const metrics = await (await fetch(`${f.base}/metrics`, { headers: { authorization: AUTH } })).text();
  return new RegExp(`^${name} (\\S+)`, "m").exec(metrics)?.[1] ?? "absent";
}

describe("WebDAV with DAV_STREAM=redirect", () => {
  test("rclone cat --offset --count gets the exact bytes from the provider; Redriva streams none", async () => {
    await using f = await startDavFixture({
      size: 20,
      env: REDIRECT,
      fake: { library: { fileBytes: { min: 3_000_000, max: 9_000_000 } } },
    });
    const files = singleFiles(f);
    const random = createRandom(23);
    const reads = 6;
    for (let i = 0; i < reads; i++) {
      const { file, path } = files[i % files.length] as (typeof files)[number];
      const { offset, count, got } = await rcloneRandomRange(f, path, file.bytes, random);
      expect({
        path,
        offset,
        count,
        equal: Buffer.compare(got, contentSlice(file.key, offset, offset + count)),
      }).toEqual({ path, offset, count, equal: 0 });
    }
    const { counters } = f.deps.dav;
    expect(counters.redirects).toBeGreaterThanOrEqual(reads);
    expect({
      bytesStreamed: counters.bytesStreamed,
      reads: counters.reads,
      open: counters.openStreams,
    }).toEqual({
      bytesStreamed: 0,
      reads: 0,
      open: 0,
    });
    // One unrestrict per file, however many reads: the link is cached.
    expect(counters.unrestricts).toBe(Math.min(reads, files.length));
    expect(await metric(f, "redriva_dav_redirects_total")).toBe(String(counters.redirects));
    expect(await metric(f, "redriva_dav_bytes_streamed_total")).toBe("0");
    expect(await metric(f, "redriva_dav_unrestricts_total")).toBe(String(counters.unrestricts));
  });

  test("HEAD answers from SQLite with Content-Length; the redirected GET carries the provider's", async () => {
    await using f = await startDavFixture({ size: 8, env: REDIRECT });
    const { file, path } = singleFiles(f)[0] as ReturnType<typeof singleFiles>[number];
    const head = await fetch(davUrl(f, path), { method: "HEAD", headers: { authorization: AUTH } });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(file.bytes));
    expect(f.deps.dav.counters.redirects).toBe(0);
    const ranged = await fetch(davUrl(f, path), { headers: { authorization: AUTH, range: "bytes=10-209" } });
    expect(ranged.redirected).toBe(true);
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("content-length")).toBe("200");
    expect(ranged.headers.get("content-range")).toBe(`bytes 10-209/${file.bytes}`);
    expect(Buffer.compare(new Uint8Array(await ranged.arrayBuffer()), contentSlice(file.key, 10, 210))).toBe(
      0,
    );
    const whole = await fetch(davUrl(f, path), { headers: { authorization: AUTH } });
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-length")).toBe(String(file.bytes));
    expect(
      Buffer.compare(new Uint8Array(await whole.arrayBuffer()), contentSlice(file.key, 0, file.bytes)),
    ).toBe(0);
    // A range past the end is refused by Redriva itself, without a provider call.
    const past = await fetch(davUrl(f, path), {
      headers: { authorization: AUTH, range: `bytes=${file.bytes}-` },
      redirect: "manual",
    });
    expect(past.status).toBe(416);
    expect(f.deps.dav.counters.redirects).toBe(2);
  });

  test("a link near its expiry is renewed before a redirect; an expired one is never handed out", async () => {
    const clock = new SkewedClock();
    // Links last an hour (the provider gives no expiry): redirects renew them in their last 10 minutes.
    await using f = await startDavFixture({
      size: 8,
      env: { ...REDIRECT, DAV_LINK_TTL_SECONDS: "3600" },
      clock,
    });
    const { file, path } = singleFiles(f)[0] as ReturnType<typeof singleFiles>[number];
    const first = await location(f, path);
    expect(await location(f, path)).toBe(first);
    clock.skewMs = 49 * MINUTE;
    expect(await location(f, path)).toBe(first);
    // Not seen working for 49 minutes: tried with a one-byte read first (it still works).
    expect(f.deps.dav.counters).toMatchObject({ unrestricts: 1, linkChecks: 1 });
    // 9 minutes left: too little for a client reading on its own.
    clock.skewMs = 51 * MINUTE;
    f.fake.state.expireDownloadLinks();
    const renewed = await location(f, path);
    expect(renewed).not.toBe(first);
    expect(f.deps.dav.counters.unrestricts).toBe(2);
    expect((await fetch(first)).status).toBe(404);
    const res = await fetch(renewed, { headers: { range: "bytes=0-99" } });
    expect(res.status).toBe(206);
    expect(Buffer.compare(new Uint8Array(await res.arrayBuffer()), contentSlice(file.key, 0, 100))).toBe(0);
    expect(f.deps.dav.counters.redirects).toBe(4);
  });

  test("a link that dies before its expiry is tried before a redirect: renewed, or a repair candidate", async () => {
    const clock = new SkewedClock();
    await using f = await startDavFixture({ size: 8, env: REDIRECT, clock });
    const { torrent, file, path } = singleFiles(f)[0] as ReturnType<typeof singleFiles>[number];
    const first = await location(f, path);
    // The provider drops the link hours before the expiry Redriva knows of.
    f.fake.state.expireDownloadLinks();
    // Seen working less than a minute ago: handed out as it is (the client gets the provider's 404).
    expect(await location(f, path)).toBe(first);
    expect(f.deps.dav.counters.linkChecks).toBe(0);
    clock.skewMs = 2 * MINUTE;
    const renewed = await location(f, path);
    expect(renewed).not.toBe(first);
    expect(f.deps.dav.counters).toMatchObject({ linkChecks: 1, linksRenewed: 1, unrestricts: 2 });
    const res = await fetch(renewed, { headers: { range: "bytes=5-9" } });
    expect(Buffer.compare(new Uint8Array(await res.arrayBuffer()), contentSlice(file.key, 5, 10))).toBe(0);
    // Now the file itself is gone at the provider.
    for (const id of torrent.linkIds) f.fake.state.deadLinks.add(id);
    f.fake.state.expireDownloadLinks();
    clock.skewMs = 4 * MINUTE;
    const dead = await fetch(davUrl(f, path), { headers: { authorization: AUTH }, redirect: "manual" });
    expect(dead.status).toBe(502);
    expect(await dead.text()).toContain("no longer available");
    expect(listCandidates(f.deps.dbh.db, { limit: 10 }).map((c) => [c.torrent_id, c.reason])).toEqual([
      [torrent.id, "link_unavailable"],
    ]);
    expect(await metric(f, "redriva_dav_redirect_link_checks_total")).toBe("2");
    expect(await metric(f, "redriva_dav_dead_links_total")).toBe("1");
  });

  test("rclone reads on after the link expires: the next GET is sent to a fresh link", async () => {
    const clock = new SkewedClock();
    await using f = await startDavFixture({
      size: 8,
      env: REDIRECT,
      clock,
      fake: { library: { fileBytes: { min: 1_000_000, max: 2_000_000 } } },
    });
    const { file, path } = singleFiles(f)[0] as ReturnType<typeof singleFiles>[number];
    const cat = () => rclone(f, ["cat", "--offset", "1000", "--count", "50000", `redriva:${path}`]);
    expect(Buffer.compare(await cat(), contentSlice(file.key, 1000, 51_000))).toBe(0);
    expect(f.deps.dav.counters.unrestricts).toBe(1);
    // The provider's link dies at the expiry Redriva knows of (DAV_LINK_TTL_SECONDS, 6 hours).
    f.fake.state.expireDownloadLinks();
    clock.skewMs = 6 * 60 * MINUTE + 1;
    expect(Buffer.compare(await cat(), contentSlice(file.key, 1000, 51_000))).toBe(0);
    expect(f.deps.dav.counters.unrestricts).toBe(2);
    expect(f.deps.dav.counters.bytesStreamed).toBe(0);
  });

  // rclone copies a file over its --multi-thread-cutoff (250 MiB) in several ranged GETs, each
  // redirected; the bytes go from the fake to rclone without passing through Redriva.
  test("rclone copy of a 300 MB file has the fake's sha256", async () => {
    await using f = await startDavFixture({ size: 8, env: REDIRECT });
    const single = singleFiles(f)[0] as ReturnType<typeof singleFiles>[number];
    single.file.bytes = 300_000_000;
    const { runSync } = await import("../../../src/services/sync/index.ts");
    expect((await runSync(f.deps, "full", {})).status).toBe("succeeded");
    using out = tempDir("redriva-dav-redirect-copy-");
    await rclone(f, ["copy", `redriva:${single.path}`, out.path], { stdout: "ignore" });
    const copied = join(out.path, single.file.path.split("/").pop() as string);
    const hasher = new Bun.CryptoHasher("sha256");
    const reader = Bun.file(copied).stream().getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      hasher.update(chunk.value);
    const size = Bun.file(copied).size;
    rmSync(copied);
    expect(size).toBe(single.file.bytes);
    expect(hasher.digest("hex")).toBe(contentSha256(single.file.key, single.file.bytes));
    expect(f.deps.dav.counters.redirects).toBeGreaterThan(1);
    expect(f.deps.dav.counters.bytesStreamed).toBe(0);
  }, 300_000);
});
