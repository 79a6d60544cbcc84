import { Database } from "bun:sqlite";
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../../src/db/client.ts";
import { serverLockPath } from "../../../src/lib/server-lock.ts";
import { cli } from "../../helpers/cli.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function dataDir() {
  const dir = tempDir("redriva-backup-");
  cleanups.push(() => dir[Symbol.dispose]());
  return dir.path;
}

const HOSTILE = `<script>alert("x")</script> & 'quotes' ../../etc/passwd`;

function seed(dbPath: string, count: number, prefix: string) {
  const dbh = openDatabase(dbPath);
  const insert = dbh.sqlite.prepare(
    "INSERT INTO torrents (id, filename, status, bytes, first_seen_at, last_seen_at, changed_at) VALUES (?, ?, ?, ?, 1, 1, 1)",
  );
  dbh.sqlite.transaction(() => {
    for (let i = 0; i < count; i++)
      insert.run(`${prefix}${i}`, `${HOSTILE} ${i}`, i % 3 ? "downloaded" : "dead", i * 1000);
  })();
  dbh.sqlite
    .prepare(
      "INSERT INTO settings (key, value, updated_at) VALUES ('jobs.schedule.backup', '\"0 1 * * *\"', 1)",
    )
    .run();
  dbh.close();
}

/** Every row of every table a user cares about, in a stable order. */
function dump(dbPath: string): Record<string, unknown[]> {
  const db = new Database(dbPath, { readonly: true });
  try {
    const tables = db
      .query<{ name: string }, []>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts%' AND name NOT IN ('job_runs', '__drizzle_migrations') ORDER BY name",
      )
      .all()
      .map((r) => r.name);
    return Object.fromEntries(tables.map((t) => [t, db.query(`SELECT * FROM "${t}" ORDER BY 1`).all()]));
  } finally {
    db.close();
  }
}

describe("backup and restore", () => {
  test("backup -> restore gives back identical data and keeps the replaced database aside", async () => {
    const dir = dataDir();
    const dbPath = join(dir, "redriva.db");
    seed(dbPath, 300, "T");
    const before = dump(dbPath);
    expect((before.torrents as unknown[]).length).toBe(300);

    const backup = await cli(["backup"], { DATA_DIR: dir });
    expect(backup.stderr).toBe("");
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/backup succeeded in .* \(run #\d+\)/);
    expect(backup.stdout).toContain("integrity ok");
    const files = readdirSync(join(dir, "backups"));
    expect(files).toHaveLength(1);
    const listed = await cli(["backup", "--list"], { DATA_DIR: dir });
    expect(listed.stdout).toContain(files[0] as string);

    // Life goes on after the backup: rows deleted, changed and added.
    const db = new Database(dbPath);
    db.exec(
      "DELETE FROM torrents WHERE id LIKE 'T1%'; UPDATE torrents SET status = 'error' WHERE id = 'T2'; DELETE FROM settings",
    );
    db.close();
    seed(dbPath, 5, "NEW");
    expect(dump(dbPath)).not.toEqual(before);

    const restore = await cli(["restore", files[0] as string], { DATA_DIR: dir });
    expect(restore.stderr).toBe("");
    expect(restore.code).toBe(0);
    const kept = /kept as (\S+)\./.exec(restore.stdout)?.[1] as string;
    expect(existsSync(kept)).toBe(true);
    expect(dump(dbPath)).toEqual(before);
    expect((dump(kept).torrents as unknown[]).length).toBe(300 - 111 + 5);

    // The backup's own run was in progress in the copy: it reads as interrupted, not running.
    const reopened = openDatabase(dbPath);
    const running = reopened.sqlite
      .query("SELECT count(*) AS n FROM job_runs WHERE status = 'running'")
      .get() as { n: number };
    reopened.close();
    expect(running.n).toBe(0);
  });

  test("backups rotate to BACKUPS_KEEP", async () => {
    const dir = dataDir();
    seed(join(dir, "redriva.db"), 3, "T");
    for (let i = 0; i < 3; i++)
      expect((await cli(["backup"], { DATA_DIR: dir, BACKUPS_KEEP: "2" })).code).toBe(0);
    expect(readdirSync(join(dir, "backups"))).toHaveLength(2);
  });

  test("restore refuses while the server runs; a stale lock does not block it", async () => {
    const dir = dataDir();
    seed(join(dir, "redriva.db"), 3, "T");
    expect((await cli(["backup"], { DATA_DIR: dir })).code).toBe(0);
    const file = readdirSync(join(dir, "backups"))[0] as string;

    const server = Bun.spawn(["bun", "-e", "console.log('up'); setInterval(() => {}, 1e9)"], {
      stdout: "pipe",
    });
    cleanups.push(() => server.kill());
    await server.stdout.getReader().read();
    const lock = { pid: server.pid, startedAt: new Date().toISOString(), host: hostname() };
    writeFileSync(serverLockPath(dir), JSON.stringify(lock));
    const refused = await cli(["restore", file], { DATA_DIR: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`Redriva is running (pid ${server.pid}`);

    server.kill();
    await server.exited;
    const allowed = await cli(["restore", file], { DATA_DIR: dir });
    expect(allowed.stderr).toBe("");
    expect(allowed.code).toBe(0);
  });

  test("restore refuses missing files and files that are not Redriva databases", async () => {
    const dir = dataDir();
    const missing = await cli(["restore", "nope.db"], { DATA_DIR: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("backup not found: nope.db");
    const junk = join(dir, "junk.db");
    writeFileSync(junk, "this is not sqlite at all, just text that is long enough to look like a header");
    const bad = await cli(["restore", junk], { DATA_DIR: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("is not a sound SQLite database");
    const other = join(dir, "other.db");
    const foreign = new Database(other);
    foreign.exec("CREATE TABLE notes (x TEXT)");
    foreign.close();
    const wrong = await cli(["restore", other], { DATA_DIR: dir });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("is not a Redriva database");
  });
});

describe("redriva jobs", () => {
  test("list shows every job; run goes through the runner; unknown or unavailable jobs exit 2", async () => {
    const dir = dataDir();
    const list = await cli(["jobs", "list"], { DATA_DIR: dir });
    expect(list.code).toBe(0);
    for (const name of ["smart-sync", "full-sync", "backup", "cleanup", "disk-check"])
      expect(list.stdout).toContain(name);
    expect(list.stdout).toMatch(/smart-sync\s+off \(no debrid provider configured/);

    const run = await cli(["jobs", "run", "disk-check"], { DATA_DIR: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/disk-check succeeded in .*Report: .*disk-check\/.*\.html/);
    const json = JSON.parse((await cli(["jobs", "list", "--json"], { DATA_DIR: dir })).stdout) as Array<{
      name: string;
      last: { trigger: string; status: string } | null;
    }>;
    expect(json.find((j) => j.name === "disk-check")?.last).toMatchObject({
      trigger: "cli",
      status: "succeeded",
    });

    const unknown = await cli(["jobs", "run", "nope"], { DATA_DIR: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown job "nope"');
    const unavailable = await cli(["jobs", "run", "smart-sync"], { DATA_DIR: dir });
    expect(unavailable.code).toBe(2);
    expect(unavailable.stderr).toContain("RD_API_TOKEN");
  });

  test("cleanup applies retention to job history", async () => {
    const dir = dataDir();
    const dbh = openDatabase(join(dir, "redriva.db"));
    const old = Date.now() - 100 * 86_400_000;
    const insert = dbh.sqlite.prepare(
      "INSERT INTO job_runs (job, trigger, started_at, finished_at, status) VALUES ('backup', 'schedule', ?, ?, 'succeeded')",
    );
    insert.run(old, old + 1000);
    insert.run(Date.now() - 86_400_000, Date.now());
    dbh.close();
    const run = await cli(["jobs", "run", "cleanup"], { DATA_DIR: dir, JOB_HISTORY_DAYS: "90" });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("job_runs: deleted 1 older than 90 days");
    const after = openDatabase(join(dir, "redriva.db"));
    const jobs = after.sqlite.query("SELECT job FROM job_runs ORDER BY id").all() as Array<{ job: string }>;
    after.close();
    expect(jobs.map((j) => j.job)).toEqual(["backup", "cleanup"]);
  });
});
