import { expect, test } from "bun:test";
import { createDeps } from "../../../src/compose.ts";
import { loadConfig } from "../../../src/config/index.ts";
import { contentSlice } from "../../../src/fake-debrid/content.ts";
import type { FakeFile, FakeTorrent } from "../../../src/fake-debrid/library.ts";
import { createRandom } from "../../../src/fake-debrid/random.ts";
import { createApp } from "../../../src/http/app.ts";
import { createLogger } from "../../../src/logger.ts";
import { DAV_CREDS, startDavFixture } from "./helpers.ts";

const AUTH = `Basic ${Buffer.from(`${DAV_CREDS.username}:${DAV_CREDS.password}`).toString("base64")}`;

test("200 concurrent range readers over a 5,000-torrent library stay within the provider's rate limit", async () => {
  await using f = await startDavFixture({
    size: 5000,
    fake: { library: { seed: 5, fileBytes: { min: 200_000, max: 2_000_000 } } },
  });
  // Reads start against the real limit: 100 requests per 10 s at the provider and in Redriva
  // (the library was synced fast, before).
  f.fake.setRateLimit(100, 10_000);
  f.fake.resetStats();
  const config = loadConfig({
    DATA_DIR: f.deps.dataDir,
    LOG_LEVEL: "silent",
    RD_API_TOKEN: f.fake.state.options.token,
    RD_API_URL: f.fake.rdApiUrl,
    RD_RATE_LIMIT: "100",
    RD_RATE_WINDOW_MS: "10000",
    REDRIVA_USERNAME: DAV_CREDS.username,
    REDRIVA_PASSWORD: DAV_CREDS.password,
  });
  const deps = createDeps(config, { log: createLogger({ level: "silent" }) });
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: createApp(deps).fetch, idleTimeout: 0 });
  try {
    const random = createRandom(9);
    const downloaded = [...f.fake.state.library.torrents.values()].filter((t) => t.status === "downloaded");
    const named = new Map<string, number>();
    for (const t of downloaded)
      named.set(t.filename.toLowerCase(), (named.get(t.filename.toLowerCase()) ?? 0) + 1);
    // Torrents whose name is unique (the others carry their id in /dav/), one file each.
    const picks = downloaded
      .filter((t) => named.get(t.filename.toLowerCase()) === 1)
      .slice(0, 200)
      .map((torrent) => ({ torrent, file: torrent.files.find((x) => x.selected) as FakeFile }));
    expect(picks.length).toBe(200);
    const reads = picks.map(async ({ torrent, file }: { torrent: FakeTorrent; file: FakeFile }) => {
      const start = Math.floor(random.next() * (file.bytes - 70_000));
      const end = start + 65_535;
      const path = [torrent.filename, ...file.path.split("/").filter((s) => s !== "")].map(
        encodeURIComponent,
      );
      const res = await fetch(`http://127.0.0.1:${server.port}/dav/__all__/${path.join("/")}`, {
        headers: { authorization: AUTH, range: `bytes=${start}-${end}` },
      });
      const body = new Uint8Array(await res.arrayBuffer());
      return { status: res.status, same: Buffer.compare(body, contentSlice(file.key, start, end + 1)) === 0 };
    });
    const results = await Promise.all(reads);
    expect(results.filter((r) => r.status !== 206 || !r.same)).toEqual([]);
    // One unrestrict per file, none refused by the provider.
    expect(deps.dav.counters.unrestricts).toBe(200);
    expect(f.fake.stats.byRoute["POST /rest/1.0/unrestrict/link"]).toBe(200);
    expect(f.fake.stats.rateLimited).toBe(0);
  } finally {
    await server.stop(true);
    deps.dbh.close();
  }
}, 600_000);
