import { describe, expect, test } from "bun:test";
import { lstatSync, mkdirSync, readdirSync, readlinkSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import type { CliContext } from "../../../src/cli/context.ts";
import { runCli } from "../../../src/cli/program.ts";
import type { Deps } from "../../../src/deps.ts";
import type { FakeDebridServer } from "../../../src/fake-debrid/index.ts";
import { tempDir } from "../../helpers/temp-dir.ts";
import { ALL_DOWNLOADED, breakTorrents, startRepairEnv, syncLibrary } from "./helpers.ts";

/** The real CLI over the test's deps (same database, same clock). */
async function cli(deps: Deps, argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = {
    deps: () => deps,
    config: () => deps.config,
    // The test's own deps hold the database; no server runs beside it.
    lockDataDir: () => {},
    out: (line = "") => out.push(line),
    err: (line) => err.push(line),
    signal: new AbortController().signal,
    close: () => {},
  };
  const code = await runCli(argv, ctx);
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

function everyTable(deps: Deps): Record<string, unknown[]> {
  const tables = deps.dbh.sqlite
    .query<{ name: string }, []>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name",
    )
    .all();
  return Object.fromEntries(
    tables.map((t) => [t.name, deps.dbh.sqlite.query(`SELECT * FROM "${t.name}" ORDER BY 1`).all()]),
  );
}

function providerState(fake: FakeDebridServer) {
  return [...fake.state.library.torrents.values()]
    .map((t) => ({
      id: t.id,
      status: t.status,
      selected: t.files.filter((f) => f.selected).map((f) => f.id),
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

function diskState(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const info = lstatSync(path);
      if (info.isSymbolicLink()) out.push(`${path} -> ${readlinkSync(path)}`);
      else if (info.isDirectory()) {
        out.push(`${path}/`);
        walk(path);
      } else out.push(`${path} (${info.size})`);
    }
  };
  walk(root);
  return out;
}

const MUTATING = [
  "POST /rest/1.0/torrents/addMagnet",
  "POST /rest/1.0/torrents/selectFiles/:id",
  "DELETE /rest/1.0/torrents/delete/:id",
];

describe("repair through the CLI", () => {
  test("dry run (the default) changes nothing at the provider, on disk or in the database, and says what it would do", async () => {
    using media = tempDir("redriva-media-");
    await using env = await startRepairEnv({
      fake: { library: { size: 12, seed: 12, mix: ALL_DOWNLOADED } },
      env: { MEDIA_ROOT: media.path },
    });
    const { fake, deps } = env;
    await syncLibrary(deps);
    const [dead, infringing] = breakTorrents(fake, "dead", 2);
    const [virus] = breakTorrents(fake, "virus", 1, 2);
    const [magnetError] = breakTorrents(fake, "magnet_error", 1, 3);
    fake.state.scripts.set(infringing!.hash, { addError: "infringing_file" });
    mkdirSync(join(media.path, "movies"), { recursive: true });
    const link = join(media.path, "movies", "movie.mkv");
    symlinkSync(`/mnt/rd/torrents${infringing!.files[0]!.path}`, link);

    const scan = await cli(deps, ["repair", "scan", "--mode", "quick"]);
    expect(scan.code).toBe(0);
    expect(scan.stdout).toContain("4 found, 4 new");
    const symlinkScan = await cli(deps, ["repair", "scan", "--mode", "symlinks"]);
    expect(symlinkScan.code).toBe(0);

    const before = { db: everyTable(deps), provider: providerState(fake), disk: diskState(media.path) };
    const run = await cli(deps, ["repair", "run"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("DRY RUN");
    expect(run.stdout).toContain(`would: add magnet:?xt=urn:btih:${dead!.hash}`);
    expect(run.stdout).toContain(`would: delete the old torrent ${dead!.id}`);
    expect(run.stdout).toContain(`would: delete ${virus!.id}`);
    expect(run.stdout).toContain(`would: add magnet:?xt=urn:btih:${magnetError!.hash}`);
    expect(run.stdout).toContain("remove 1 library link(s) and rescan");
    expect(run.stdout).toContain(`link: ${link}`);
    const one = await cli(deps, ["repair", "reinject", dead!.id]);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain("DRY RUN");

    // The only trace a dry run leaves: its attempts, recorded as planned dry runs (issue 13 §4).
    const { repair_attempts: attempts, ...after } = everyTable(deps);
    const { repair_attempts: attemptsBefore, ...rest } = before.db;
    expect(after).toEqual(rest);
    expect(attemptsBefore).toEqual([]);
    expect(attempts?.length).toBeGreaterThanOrEqual(3);
    for (const a of attempts as Array<{ dry_run: number; outcome: string }>) {
      expect(a.dry_run).toBe(1);
      expect(a.outcome).toBe("planned");
    }
    expect(providerState(fake)).toEqual(before.provider);
    expect(diskState(media.path)).toEqual(before.disk);
    for (const route of MUTATING) expect(fake.stats.byRoute[route] ?? 0).toBe(0);
  });

  test("--dry-run wins over DRY_RUN=false; queue and history show the real runs afterwards", async () => {
    await using env = await startRepairEnv({
      fake: { library: { size: 6, seed: 13, mix: ALL_DOWNLOADED } },
      env: { DRY_RUN: "false" },
    });
    const { fake, deps } = env;
    const [dead, busy] = breakTorrents(fake, "dead", 2);
    fake.state.scripts.set(busy!.hash, { addError: "too_many_active_downloads" });
    await cli(deps, ["repair", "scan"]);

    const dry = await cli(deps, ["repair", "run", "--dry-run", "--limit", "5"]);
    expect(dry.code).toBe(0);
    for (const route of MUTATING) expect(fake.stats.byRoute[route] ?? 0).toBe(0);

    const real = await cli(deps, ["repair", "run", "--limit", "5"]);
    // One repaired, one refused by the provider (too many active downloads): not all done, exit 1.
    expect(real.code).toBe(1);
    expect(real.stdout).toContain("REPAIRED");
    expect(real.stdout).toContain("too_many_active");

    const queue = await cli(deps, ["repair", "queue"]);
    expect(queue.code).toBe(0);
    expect(queue.stdout).toContain("Retry queue: 1 torrent(s)");
    expect(queue.stdout).toContain(busy!.id);
    expect(queue.stdout).toMatch(/in 2 h 59 min|in 3 h 00 min/);
    expect(queue.stdout).toContain("attempt 2/3");

    const newId = fake.state.byHash(dead!.hash)!.id;
    const history = await cli(deps, ["repair", "history", newId]);
    expect(history.code).toBe(0);
    expect(history.stdout).toContain(`ids: ${newId} ← ${dead!.id}`);
    expect(history.stdout).toContain("REPAIRED");

    expect((await cli(deps, ["repair", "history", "UNKNOWNID"])).code).toBe(1);
    expect((await cli(deps, ["repair", "run", "--limit", "abc"])).code).toBe(2);
    expect((await cli(deps, ["repair", "scan", "--mode", "deep"])).code).toBe(2);
  });
});
