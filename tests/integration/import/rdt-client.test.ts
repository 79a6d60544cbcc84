import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { buildTorrentFile, readTorrentFile } from "../../../src/domain/torrent-file.ts";
import { cli } from "../../helpers/cli.ts";
import { count, rows } from "../../helpers/data-dir.ts";
import { createRdtClientDb, type RdtTorrentRow } from "../../helpers/foreign-databases.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const HASH = {
  done: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  failed: "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
  atProvider: "cccccccccccccccccccccccccccccccccccccccc",
  nzb: "dddddddddddddddddddddddddddddddddddddddd",
  noKey: "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
};
const SECRET = "RDT-SECRET-API-KEY-123";
const torrentFile = buildTorrentFile("Heat.1995.1080p.BluRay", [
  { path: "Heat.1995.mkv", length: 4_000_000 },
]);
const parsed = readTorrentFile(torrentFile);
if (!parsed.ok) throw new Error("fixture .torrent unreadable");
const fileHash = parsed.info.hash;

const base = (id: string, hash: string, extra: Partial<RdtTorrentRow>): RdtTorrentRow => ({
  TorrentId: id,
  Hash: hash,
  Added: "2026-03-01 10:00:00.1234567+00:00",
  ...extra,
});

function fixture(path: string): void {
  createRdtClientDb(path, {
    settings: {
      "General:Categories": "tv-sonarr, radarr",
      "General:DownloadLimit": "3",
      "DownloadClient:DownloadPath": "/data/downloads",
      "DownloadClient:MappedPath": "D:\\Downloads",
      "DownloadClient:MaxSpeed": "10",
      "DownloadClient:Client": "Aria2c",
      "Provider:Provider": "RealDebrid",
      "Provider:ApiKey": SECRET,
      "Watch:Path": "",
      "Gui:Default:Priority": "0",
    },
    torrents: [
      base("6F9619FF-8B86-D011-B42D-00C04FC964FF", HASH.done, {
        Category: "tv-sonarr",
        Completed: "2026-03-01 11:30:00.5+00:00",
        RdId: "RDDONE1",
        RdName: "Severance.S02E01.1080p.WEB-DL",
        RdSize: 2_000_000_000,
        RdProgress: 100,
        RdStatusRaw: "downloaded",
        ClientKind: 0,
        FileOrMagnet: `magnet:?xt=urn:btih:${HASH.done}&dn=Severance.S02E01`,
      }),
      base("7A000000-0000-0000-0000-000000000002", HASH.failed, {
        Category: "radarr",
        RdId: "RDFAIL2",
        RdName: "Dune.Part.Two.2160p",
        Error: "Torrent error: dead",
        RdStatusRaw: "dead",
        ClientKind: 0,
      }),
      base("7A000000-0000-0000-0000-000000000003", HASH.atProvider, {
        Category: "tv-sonarr",
        RdId: "RDBUSY3",
        RdName: "Andor.S02E03",
        RdStatusRaw: "downloading",
        RdProgress: 40,
        ClientKind: 1,
        FileOrMagnet: `magnet:?xt=urn:btih:${HASH.atProvider}`,
      }),
      base("7A000000-0000-0000-0000-000000000004", fileHash, {
        Category: "radarr",
        IsFile: 1,
        FileOrMagnet: Buffer.from(torrentFile).toString("base64"),
      }),
      base("7A000000-0000-0000-0000-000000000007", HASH.noKey, {
        Category: "radarr",
        RdId: "TBX7",
        RdName: "Alien.1979",
        RdStatusRaw: "downloading",
        ClientKind: 3,
      }),
      base("7A000000-0000-0000-0000-000000000005", HASH.nzb, { RdName: "Some.Usenet.Post", Type: 1 }),
      base("7A000000-0000-0000-0000-000000000006", "not-a-hash", { RdName: "Broken.Row" }),
    ],
    downloads: [
      {
        DownloadId: "D0000000-0000-0000-0000-000000000001",
        TorrentId: "6F9619FF-8B86-D011-B42D-00C04FC964FF",
        Path: "https://real-debrid.com/d/ABCDEF1",
        FileName: "Severance.S02E01.1080p.WEB-DL.mkv",
        Added: "2026-03-01 11:00:00+00:00",
        DownloadFinished: "2026-03-01 11:20:00+00:00",
        Completed: "2026-03-01 11:20:01+00:00",
      },
      {
        DownloadId: "D0000000-0000-0000-0000-000000000002",
        TorrentId: "6F9619FF-8B86-D011-B42D-00C04FC964FF",
        Path: "https://real-debrid.com/d/ABCDEF2",
        FileName: "Severance.S02E01.1080p.WEB-DL.nfo",
        Added: "2026-03-01 11:00:00+00:00",
        Error: "404 Not Found",
      },
    ],
  });
}

describe("redriva import rdt-client (an rdt-client database as EF Core writes it)", () => {
  test("a dry run prints the plan side by side and writes nothing; --apply imports; a second run imports nothing new", async () => {
    using dir = tempDir();
    const source = join(dir.path, "rdtclient.db");
    fixture(source);
    const dataDir = join(dir.path, "data");
    // AllDebrid has a key in Redriva, TorBox has none.
    const env = { DATA_DIR: dataDir, AD_API_KEY: "test-key" };

    const dry = await cli(["import", "rdt-client", source], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("DRY RUN: nothing written");
    expect(dry.stdout).toContain("Torrents: 5 would be imported, 2 not imported");
    expect(dry.stdout).toContain("Some.Usenet.Post: NZB download: Redriva handles torrents only");
    expect(dry.stdout).toContain(
      "Alien.1979 [radarr]: unfinished: queued, Redriva adds it to a provider (Redriva has no key for torbox)",
    );
    expect(dry.stdout).toContain('Broken.Row: no valid info-hash ("not-a-hash")');
    expect(dry.stdout).toContain("Categories: 2 would be imported");
    expect(dry.stdout).toContain("add to .env: DEFAULT_PROVIDER=realdebrid");
    expect(dry.stdout).toContain("add to .env: RD_API_TOKEN=<the same key; not printed>");
    expect(dry.stdout).toContain("add to .env: MAX_CONCURRENT_DOWNLOADS=3");
    expect(dry.stdout).toContain("Remote Path Mapping");
    expect(dry.stdout).toContain("no Redriva equivalent (1): Gui:Default:Priority");
    expect(dry.stdout + dry.stderr).not.toContain(SECRET);
    expect(count(dataDir, "SELECT COUNT(*) AS n FROM download_torrents")).toBe(0);
    expect(count(dataDir, "SELECT COUNT(*) AS n FROM download_categories")).toBe(0);
    expect(count(dataDir, "SELECT COUNT(*) AS n FROM settings WHERE key = 'qbit.preferences'")).toBe(0);

    const applied = await cli(["import", "rdt-client", source, "--apply"], env);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain("Torrents: 5 imported, 2 not imported");
    expect(applied.stdout + applied.stderr).not.toContain(SECRET);
    const torrents = rows<{
      hash: string;
      stage: string;
      category: string;
      provider: string | null;
      provider_id: string | null;
      source_kind: string;
      error: string | null;
      tags: string;
      completion_on: number | null;
      added_on: number;
    }>(dataDir, "SELECT * FROM download_torrents ORDER BY hash");
    const byHash = new Map(torrents.map((t) => [t.hash, t]));
    expect(byHash.get(HASH.done)).toMatchObject({
      stage: "done",
      category: "tv-sonarr",
      provider: "realdebrid",
      provider_id: "RDDONE1",
      tags: "rdt-client",
      completion_on: Date.parse("2026-03-01T11:30:00.500Z"),
      added_on: Date.parse("2026-03-01T10:00:00.123Z"),
    });
    expect(byHash.get(HASH.failed)).toMatchObject({
      stage: "error",
      error: "rdt-client: Torrent error: dead",
    });
    expect(byHash.get(HASH.atProvider)).toMatchObject({
      stage: "provider",
      provider: "alldebrid",
      provider_id: "RDBUSY3",
    });
    expect(byHash.get(fileHash)).toMatchObject({ stage: "queued", source_kind: "torrent", provider: null });
    expect(byHash.get(HASH.noKey)).toMatchObject({ stage: "queued", provider: null, provider_id: null });
    expect(byHash.has(HASH.nzb)).toBe(false);
    // The download history of the finished torrent: one file fetched, one that failed.
    expect(
      rows<{ path: string; status: string; error: string | null }>(
        dataDir,
        `SELECT path, status, error FROM download_files WHERE hash = '${HASH.done}' ORDER BY file_index`,
      ),
    ).toEqual([
      { path: "Severance.S02E01.1080p.WEB-DL.mkv", status: "complete", error: null },
      { path: "Severance.S02E01.1080p.WEB-DL.nfo", status: "error", error: "404 Not Found" },
    ]);
    expect(rows<{ name: string }>(dataDir, "SELECT name FROM download_categories ORDER BY name")).toEqual([
      { name: "radarr" },
      { name: "tv-sonarr" },
    ]);
    const prefs = rows<{ value: string }>(
      dataDir,
      "SELECT value FROM settings WHERE key = 'qbit.preferences'",
    );
    expect(JSON.parse(prefs[0]?.value ?? "{}").dl_limit).toBe(10 * 1024 * 1024);

    const again = await cli(["import", "rdt-client", source, "--apply"], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("0 imported in all.");
    expect(again.stdout).toContain(`already in Redriva (${HASH.done})`);
    expect(count(dataDir, "SELECT COUNT(*) AS n FROM download_torrents")).toBe(5);
    expect(count(dataDir, "SELECT COUNT(*) AS n FROM download_files")).toBe(2);
  });

  test("an older rdt-client database (before ClientKind, Type and Downloads.FileName) imports too", async () => {
    using dir = tempDir();
    const source = join(dir.path, "rdtclient.db");
    fixture(source);
    const db = new Database(source);
    for (const [table, column] of [
      ["Torrents", "ClientKind"],
      ["Torrents", "Type"],
      ["Downloads", "FileName"],
    ])
      db.exec(`ALTER TABLE "${table}" DROP COLUMN "${column}"`);
    db.close();
    const dataDir = join(dir.path, "data");
    const run = await cli(["import", "rdt-client", source, "--apply"], {
      DATA_DIR: dataDir,
      RD_API_TOKEN: "t",
    });
    expect(run.code).toBe(0);
    // Without Type, the NZB row reads as a torrent; without ClientKind, the provider is the setting's.
    expect(run.stdout).toContain("Torrents: 6 imported, 1 not imported");
    expect(
      rows<{ provider: string }>(
        dataDir,
        `SELECT provider FROM download_torrents WHERE hash = '${HASH.done}'`,
      ),
    ).toEqual([{ provider: "realdebrid" }]);
    // File names come from the links when the column is missing.
    expect(count(dataDir, `SELECT COUNT(*) AS n FROM download_files WHERE path = 'ABCDEF1'`)).toBe(1);
  });

  test("a file that is not rdt-client's database is one clear error, and nothing is written", async () => {
    using dir = tempDir();
    const dataDir = join(dir.path, "data");
    const notSqlite = join(dir.path, "notes.txt");
    await Bun.write(notSqlite, "hello, this is not SQLite\n".repeat(100));
    const bad = await cli(["import", "rdt-client", notSqlite, "--apply"], { DATA_DIR: dataDir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("is not a SQLite database (expected rdt-client's database)");
    expect(bad.stderr).not.toContain("    at ");
    const missing = await cli(["import", "rdt-client", join(dir.path, "nope.db")], { DATA_DIR: dataDir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("does not exist");
    expect(count(dataDir, "SELECT COUNT(*) AS n FROM download_torrents")).toBe(0);
  });
});

test("both import commands are in redriva --help", () => {
  const cliPath = join(import.meta.dir, "..", "..", "..", "src", "cli", "index.ts");
  const help = Bun.spawnSync([process.execPath, cliPath, "import", "--help"], {
    stdout: "pipe",
    stderr: "pipe",
  });
  expect(help.exitCode).toBe(0);
  expect(help.stdout.toString()).toContain("rdt-client [options] <db>");
  expect(help.stdout.toString()).toContain("redriva-python [options] <db>");
  const top = Bun.spawnSync([process.execPath, cliPath, "--help"], { stdout: "pipe", stderr: "pipe" });
  expect(top.stdout.toString()).toMatch(/\n\s+import\s+Bring in another tool's database/);
});
