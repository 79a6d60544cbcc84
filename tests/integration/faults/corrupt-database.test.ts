import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openDatabase } from "../../../src/db/client.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const ROOT = join(import.meta.dir, "..", "..", "..");
const MAIN = join(ROOT, "src", "main.ts");
const CLI = join(ROOT, "src", "cli", "index.ts");

async function run(cmd: string[], dataDir: string) {
  const child = Bun.spawn(cmd, {
    env: { ...process.env, DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "warn", RD_API_TOKEN: "t" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { code, stdout, stderr };
}

/** A real database with some pages, checkpointed, then cut in half (a copy that did not finish). */
function truncatedDatabase(dataDir: string): string {
  const path = join(dataDir, "redriva.db");
  const dbh = openDatabase(path);
  dbh.sqlite.exec("CREATE TABLE filler (x TEXT)");
  const insert = dbh.sqlite.query("INSERT INTO filler VALUES (?)");
  for (let i = 0; i < 500; i++) insert.run("x".repeat(1000));
  dbh.sqlite.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  dbh.close();
  truncateSync(path, Math.floor(statSync(path).size / 2));
  return path;
}

function expectOneClearLine(stderr: string, start: string, what: RegExp, dataDir: string) {
  const lines = stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toStartWith(start);
  expect(lines[0]).toMatch(what);
  expect(lines[0]).toContain(join(dataDir, "backups"));
  expect(lines[0]).toContain("redriva restore");
  expect(stderr).not.toContain("    at ");
}

describe("a corrupt or truncated database at start: one clear line, exit non-zero, file untouched", () => {
  test("truncated: the CLI (full program and the cron one-liner) and the server", async () => {
    using dir = tempDir();
    const path = truncatedDatabase(dir.path);
    const size = statSync(path).size;
    for (const argv of [["sync", "torrents"], ["stats"], ["stats", "--compact"]]) {
      const cli = await run(["bun", CLI, ...argv], dir.path);
      expect(cli.code).toBe(1);
      expectOneClearLine(
        cli.stderr,
        "Error: The database",
        /is unusable \(truncated: \d+ of \d+ bytes\)/,
        dir.path,
      );
    }
    const server = await run(["bun", MAIN], dir.path);
    expect(server.code).toBe(1);
    expectOneClearLine(
      server.stderr,
      "Redriva cannot start: The database",
      /is unusable \(truncated/,
      dir.path,
    );
    expect(statSync(path).size).toBe(size);
  });

  test("not a database at all (garbage), and a damaged page in the schema", async () => {
    using dir = tempDir();
    const path = join(dir.path, "redriva.db");
    writeFileSync(path, Buffer.alloc(8192, 0x5a));
    const server = await run(["bun", MAIN], dir.path);
    expect(server.code).toBe(1);
    expectOneClearLine(
      server.stderr,
      "Redriva cannot start: The database",
      /not a SQLite database/,
      dir.path,
    );

    // A valid header over a damaged schema page: SQLite's own check, same line.
    using other = tempDir();
    const damaged = join(other.path, "redriva.db");
    // A plain SQLite file (no WAL to mask the damage) with a few tables in its schema.
    const raw = new Database(damaged, { create: true });
    for (let i = 0; i < 20; i++) raw.exec(`CREATE TABLE t${i} (id INTEGER PRIMARY KEY, name TEXT)`);
    raw.close();
    const bytes = Buffer.from(await Bun.file(damaged).arrayBuffer());
    bytes.fill(0xff, 100, 4096);
    writeFileSync(damaged, bytes);
    const cli = await run(["bun", CLI, "diagnose"], other.path);
    expect(cli.code).toBe(1);
    expectOneClearLine(cli.stderr, "Error: The database", /is unusable \(corrupt: /, other.path);
  });
});
