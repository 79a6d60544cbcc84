import { describe, expect, test } from "bun:test";
import { listCandidates } from "../../../src/db/repo/repair.ts";
import { contentSlice } from "../../../src/fake-debrid/content.ts";
import type { FakeFile, FakeTorrent } from "../../../src/fake-debrid/library.ts";
import { until } from "../../helpers/data-dir.ts";
import { tempDir } from "../../helpers/temp-dir.ts";
import { DAV_CREDS, type DavFixture, startDavFixture } from "./helpers.ts";

const AUTH = `Basic ${Buffer.from(`${DAV_CREDS.username}:${DAV_CREDS.password}`).toString("base64")}`;

/**
 * Reads that the provider's download server cuts mid-body. The fake sends at 2 MB/s (by default),
 * so a file of 6-8 MB is still streaming when the test expires every direct link: the fake then
 * destroys the connection at its next chunk, as a CDN does when a signed URL runs out.
 */
async function slowFixture(bytesPerSecond = 2_000_000): Promise<DavFixture> {
  return startDavFixture({
    size: 6,
    fake: {
      downloadBytesPerSecond: bytesPerSecond,
      library: { fileBytes: { min: 6_000_000, max: 8_000_000 } },
    },
  });
}

function singleFile(f: DavFixture): { torrent: FakeTorrent; file: FakeFile; path: string } {
  const torrent = [...f.fake.state.library.torrents.values()].find(
    (t) => t.status === "downloaded" && t.files.filter((x) => x.selected).length === 1,
  ) as FakeTorrent;
  const file = torrent.files.find((x) => x.selected) as FakeFile;
  const segments = [torrent.filename, ...file.path.split("/").filter((s) => s !== "")];
  return { torrent, file, path: `/dav/__all__/${segments.map(encodeURIComponent).join("/")}` };
}

async function openStreamsMetric(f: DavFixture): Promise<string> {
  const metrics = await (await fetch(`${f.base}/metrics`, { headers: { authorization: AUTH } })).text();
  return /^redriva_dav_open_streams (\d+)/m.exec(metrics)?.[1] ?? "absent";
}

describe("WebDAV reads the provider cuts mid-body", () => {
  test("curl gets one unbroken body: Redriva resumes from the byte it reached with a renewed link", async () => {
    await using f = await slowFixture();
    const { file, path } = singleFile(f);
    using out = tempDir("redriva-dav-resume-");
    const target = `${out.path}/file`;
    const curl = Bun.spawn(
      ["curl", "-sS", "-u", `${DAV_CREDS.username}:${DAV_CREDS.password}`, "-o", target, `${f.base}${path}`],
      { stdout: "ignore", stderr: "pipe" },
    );
    await until(() => f.deps.dav.counters.bytesStreamed > 0, "the first bytes reaching curl");
    f.fake.state.expireDownloadLinks();
    const [code, stderr] = await Promise.all([curl.exited, new Response(curl.stderr).text()]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    const got = new Uint8Array(await Bun.file(target).arrayBuffer());
    expect(got.byteLength).toBe(file.bytes);
    expect(Buffer.compare(got, contentSlice(file.key, 0, file.bytes))).toBe(0);
    expect(f.deps.dav.counters.resumes).toBeGreaterThan(0);
    expect(f.deps.dav.counters.linksRenewed).toBeGreaterThan(0);
    expect(f.deps.dav.counters.bytesStreamed).toBe(file.bytes);
    await until(() => f.deps.dav.counters.openStreams === 0, "the read's end counted");
  });

  test("a Range read resumes too, and still ends at the range's last byte", async () => {
    await using f = await slowFixture();
    const { file, path } = singleFile(f);
    const [start, end] = [1_000_001, file.bytes - 1_000_001];
    const res = await fetch(`${f.base}${path}`, {
      headers: { authorization: AUTH, range: `bytes=${start}-${end}` },
    });
    expect(res.status).toBe(206);
    expect(res.headers.get("content-range")).toBe(`bytes ${start}-${end}/${file.bytes}`);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const chunks: Uint8Array[] = [];
    const first = await reader.read();
    chunks.push(first.value as Uint8Array);
    f.fake.state.expireDownloadLinks();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) chunks.push(chunk.value);
    const got = Buffer.concat(chunks);
    expect(got.byteLength).toBe(end - start + 1);
    expect(Buffer.compare(got, contentSlice(file.key, start, end + 1))).toBe(0);
    expect(f.deps.dav.counters.resumes).toBeGreaterThan(0);
  });

  test("open_streams: counted from the start of a read to its end, a reader leaving, or a dead link", async () => {
    // 500 KB/s: a whole file takes over 12 s, so the reads below are still open when counted.
    await using f = await slowFixture(500_000);
    const { torrent, file, path } = singleFile(f);
    const get = (init: RequestInit = {}) =>
      fetch(`${f.base}${path}`, { ...init, headers: { authorization: AUTH, ...init.headers } });
    expect(await openStreamsMetric(f)).toBe("0");

    // A read to its end.
    const tail = await get({ headers: { range: `bytes=${file.bytes - 1000}-` } });
    expect((await tail.arrayBuffer()).byteLength).toBe(1000);
    await until(() => f.deps.dav.counters.openStreams === 0, "the finished read's end counted");

    // Two reads at once.
    const reading = await get();
    const readingBody = (reading.body as ReadableStream<Uint8Array>).getReader();
    await readingBody.read();
    expect(f.deps.dav.counters.openStreams).toBe(1);
    const leaving = new AbortController();
    const leaver = await get({ signal: leaving.signal });
    const leaverBody = (leaver.body as ReadableStream<Uint8Array>).getReader();
    await leaverBody.read();
    expect(f.deps.dav.counters.openStreams).toBe(2);
    expect(await openStreamsMetric(f)).toBe("2");

    // One reader leaves mid-way.
    leaving.abort();
    await leaverBody.read().catch(() => {});
    await until(() => f.deps.dav.counters.openStreams === 1, "the abandoned read's end counted");
    expect(await openStreamsMetric(f)).toBe("1");

    // The other one's link dies mid-way and the provider calls the file dead: the reader gets an error.
    for (const id of torrent.linkIds) f.fake.state.deadLinks.add(id);
    f.fake.state.expireDownloadLinks();
    let failed = false;
    try {
      for (let chunk = await readingBody.read(); !chunk.done; chunk = await readingBody.read());
    } catch {
      failed = true;
    }
    expect(failed).toBe(true);
    await until(() => f.deps.dav.counters.openStreams === 0, "the failed read's end counted");
    expect(await openStreamsMetric(f)).toBe("0");
    expect(listCandidates(f.deps.dbh.db, { limit: 10 }).map((c) => [c.torrent_id, c.reason])).toEqual([
      [torrent.id, "link_unavailable"],
    ]);
  });
});

test("a download server that drops every connection after 1 MB: curl still gets the whole file, on the same link", async () => {
  await using f = await startDavFixture({
    size: 6,
    fake: { cutDownloadsAfterBytes: 1_000_000, library: { fileBytes: { min: 3_000_000, max: 4_000_000 } } },
  });
  const { file, path } = singleFile(f);
  const curl = Bun.spawn(
    ["curl", "-sS", "-u", `${DAV_CREDS.username}:${DAV_CREDS.password}`, `${f.base}${path}`],
    {
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  const [body, stderr, code] = await Promise.all([
    new Response(curl.stdout).arrayBuffer(),
    new Response(curl.stderr).text(),
    curl.exited,
  ]);
  expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
  expect(Buffer.compare(new Uint8Array(body), contentSlice(file.key, 0, file.bytes))).toBe(0);
  // A connection carries at most 1 MiB (the fake writes 256 KiB at a time until it passed 1 MB);
  // the link stayed valid, so it was unrestricted once.
  expect(f.deps.dav.counters.resumes).toBeGreaterThanOrEqual(Math.ceil(file.bytes / 1_048_576) - 1);
  expect(f.deps.dav.counters.unrestricts).toBe(1);
  await until(() => f.deps.dav.counters.openStreams === 0, "the read's end counted");
});
