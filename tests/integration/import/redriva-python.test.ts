import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { startFakeDebrid } from "../../../src/fake-debrid/index.ts";
import { cli } from "../../helpers/cli.ts";
import { count, rows } from "../../helpers/data-dir.ts";
import { createRedrivaPythonDb, type PythonTorrentRow } from "../../helpers/foreign-databases.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const INFO = "GET /rest/1.0/torrents/info/:id";
const LIST = "GET /rest/1.0/torrents";

/** What the original Redriva had stored after its own full sync: rows copied from a mirror of the same library. */
function pythonRowsFrom(dataDir: string): PythonTorrentRow[] {
  const db = new Database(join(dataDir, "redriva.db"), { readonly: true });
  try {
    type Row = PythonTorrentRow & { d_name: string | null } & Record<string, string | number | null>;
    const list = db
      .query<Row, []>(
        `SELECT t.id, t.filename, t.status, t.bytes, t.added_on, d.name AS d_name, d.status AS d_status, d.size AS d_size,
                d.files_count AS d_files_count, d.progress AS d_progress, d.links AS d_links, d.hash AS d_hash,
                d.host AS d_host, d.error AS d_error
           FROM torrents t LEFT JOIN torrent_details d ON d.id = t.id AND d.provider = t.provider ORDER BY t.seq`,
      )
      .all();
    return list.map((r) => ({
      id: r.id,
      filename: r.filename,
      status: r.status,
      bytes: r.bytes,
      added_on: r.added_on,
      details:
        r.d_name === null
          ? null
          : {
              name: r.d_name,
              status: String(r.d_status),
              size: Number(r.d_size),
              files_count: Number(r.d_files_count),
              // The Python tool stored progress as an INTEGER.
              progress: Math.round(Number(r.d_progress)),
              links: String(r.d_links),
              hash: String(r.d_hash),
              host: String(r.d_host),
              error: null,
            },
    }));
  } finally {
    db.close();
  }
}

describe("redriva import redriva-python (the original Redriva's torrents/torrent_details)", () => {
  test("imported history makes the first smart sync fetch only what changed, counted at the fake Real-Debrid", async () => {
    using dir = tempDir();
    await using fake = await startFakeDebrid({
      library: { size: 250, seed: 21 },
      rateLimit: 1000,
      rateWindowMs: 1000,
    });
    const rd = {
      RD_API_TOKEN: "fake-token",
      RD_API_URL: fake.rdApiUrl,
      RD_RATE_LIMIT: "1000",
      RD_RATE_WINDOW_MS: "1000",
    };
    // The Python tool's database, as its own full sync left it, with 10 torrents never detailed.
    const mirror = join(dir.path, "python-mirror");
    expect((await cli(["sync", "full"], { DATA_DIR: mirror, ...rd })).code).toBe(0);
    const pythonRows = pythonRowsFrom(mirror).map((r, i) => (i < 10 ? { ...r, details: null } : r));
    const source = join(dir.path, "redriva.db");
    createRedrivaPythonDb(source, pythonRows);

    const dataDir = join(dir.path, "data");
    fake.resetStats();
    const dry = await cli(["import", "redriva-python", source], { DATA_DIR: dataDir });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("DRY RUN: nothing written");
    expect(dry.stdout).toContain("Torrents (Real-Debrid library): 250 would be imported, 0 not imported");
    expect(dry.stdout).toContain("Details: 240 would be imported, 10 not imported");
    expect(dry.stdout).toContain("no details row: the next smart sync fetches them");
    expect(count(dataDir, "SELECT COUNT(*) AS n FROM torrents")).toBe(0);

    const applied = await cli(["import", "redriva-python", source, "--apply"], { DATA_DIR: dataDir });
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain("490 imported in all.");
    expect(fake.stats.requests).toBe(0);
    expect(count(dataDir, "SELECT COUNT(*) AS n FROM torrents WHERE provider = 'realdebrid'")).toBe(250);
    expect(count(dataDir, "SELECT COUNT(*) AS n FROM torrent_details WHERE provider = 'realdebrid'")).toBe(
      240,
    );
    // Searchable by name at once (the search index follows the inserted rows).
    const name = pythonRows[0]?.filename.split(".")[0] as string;
    expect(
      count(dataDir, `SELECT COUNT(*) AS n FROM torrent_search WHERE torrent_search MATCH '"${name}"'`),
    ).toBeGreaterThan(0);

    const again = await cli(["import", "redriva-python", source, "--apply"], { DATA_DIR: dataDir });
    expect(again.stdout).toContain("0 imported in all.");
    expect(again.stdout).toContain("250 not imported");
    expect(count(dataDir, "SELECT COUNT(*) AS n FROM torrents")).toBe(250);

    // A day later at the provider: 4 new, 3 finished, 5 changed (downloaded → dead, no request needed).
    const changes = fake.state.library.mutate({ added: 4, finished: 3, changed: 5, removed: 0 });
    const undetailed = pythonRows.slice(0, 10).map((r) => r.id);
    const wanted = new Set([...changes.added, ...changes.finished, ...undetailed]);
    expect(wanted.size).toBeGreaterThanOrEqual(14);
    fake.resetStats();
    const smart = await cli(["sync", "smart"], { DATA_DIR: dataDir, ...rd });
    expect(smart.code).toBe(0);
    expect(fake.stats.byRoute[LIST]).toBe(1);
    // The new, the newly finished and the 10 the Python tool never detailed; not the 254 a first sync costs.
    expect(fake.stats.byRoute[INFO]).toBe(wanted.size);

    // Without the import, the same first smart sync fetches every torrent's details.
    fake.resetStats();
    const fresh = join(dir.path, "fresh");
    expect((await cli(["sync", "smart"], { DATA_DIR: fresh, ...rd })).code).toBe(0);
    expect(fake.stats.byRoute[INFO]).toBe(254);
    expect(rows(dataDir, "SELECT 1 FROM torrents WHERE removed_at IS NOT NULL")).toEqual([]);
  });

  test("a database without the original tables is refused with one clear line", async () => {
    using dir = tempDir();
    const source = join(dir.path, "other.db");
    const db = new Database(source, { create: true });
    db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)");
    db.close();
    const run = await cli(["import", "redriva-python", source], { DATA_DIR: join(dir.path, "data") });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `Error: ${source} is not the original Redriva's database: table torrents missing`,
    );
  });
});
