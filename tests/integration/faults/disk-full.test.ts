import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startFakeDebrid } from "../../../src/fake-debrid/index.ts";
import { cli } from "../../helpers/cli.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const CLI = join(import.meta.dir, "..", "..", "..", "src", "cli", "index.ts");

/**
 * A real full disk: a 16 MB tmpfs mounted in a private mount namespace (`unshare`: root, or an
 * ordinary user through a user namespace; it disappears with the script), DATA_DIR copied onto
 * it, the rest of the space taken by a file. SQLite then meets ENOSPC exactly as on a full disk;
 * PRAGMA max_page_count would only cap the main file, not the WAL that fills a disk during a sync.
 */
const SCRIPT = `
set -e
mount -t tmpfs -o size=16m tmpfs "$MNT"
cp -a "$SEED"/. "$MNT"/
avail=$(df --output=avail -k "$MNT" | tail -1)
fallocate -l $(( (avail - FREE_KB) * 1024 )) "$MNT/filler"
set +e
DATA_DIR="$MNT" bun "$CLI" sync resume > "$OUT/full.out" 2> "$OUT/full.err"; echo $? > "$OUT/full.code"
set -e
mkdir -p "$OUT/after-full" && cp -a "$MNT"/redriva.db* "$OUT/after-full/"
rm "$MNT/filler"
set +e
DATA_DIR="$MNT" bun "$CLI" sync resume > "$OUT/again.out" 2> "$OUT/again.err"; echo $? > "$OUT/again.code"
set -e
mkdir -p "$OUT/final" && cp -a "$MNT"/redriva.db* "$OUT/final/"
`;

function query<T>(dir: string, sql: string): T[] {
  const db = new Database(join(dir, "redriva.db"));
  try {
    return db.query<T, []>(sql).all();
  } finally {
    db.close();
  }
}

describe("a full disk during `sync resume`", () => {
  test("one clear line, the run recorded as failed, nothing half-written; with space again, resume finishes", async () => {
    using seed = tempDir();
    using work = tempDir();
    await using fake = await startFakeDebrid({
      library: { size: 600, seed: 41 },
      rateLimit: 10_000,
      rateWindowMs: 1000,
    });
    const env = {
      DATA_DIR: seed.path,
      RD_API_TOKEN: "fake-token",
      RD_API_URL: fake.rdApiUrl,
      RD_RATE_LIMIT: "10000",
      RD_RATE_WINDOW_MS: "1000",
    };
    // A run to resume: the list is in, every details fetch failed.
    expect((await cli(["sync", "torrents"], env)).code).toBe(0);
    fake.faults.serverErrorRate = 1;
    expect(
      (await cli(["sync", "details", "--status", "downloaded"], { ...env, RD_MAX_RETRIES: "0" })).code,
    ).toBe(1);
    fake.faults.serverErrorRate = 0;

    const mnt = join(work.path, "mnt");
    const out = join(work.path, "out");
    mkdirSync(mnt);
    mkdirSync(out);
    const script = Bun.spawn(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", SCRIPT], {
      env: {
        ...process.env,
        ...env,
        MNT: mnt,
        SEED: seed.path,
        OUT: out,
        CLI,
        FREE_KB: "400",
        LOG_LEVEL: "silent",
      },
      stdout: "pipe",
      stderr: "pipe",
    });
    const scriptErr = await new Response(script.stderr).text();
    expect({ code: await script.exited, scriptErr }).toEqual({ code: 0, scriptErr: "" });
    const read = (name: string) => readFileSync(join(out, name), "utf8");

    // The full disk: exit 1, one clear line (what, where, what to do), no stack trace.
    expect(read("full.code").trim()).toBe("1");
    const printed = read("full.out") + read("full.err");
    expect(printed).not.toContain("    at ");
    expect(printed).not.toContain("SQLiteError");
    const line = printed.split("\n").find((l) => l.includes("is full"));
    expect(line).toContain(`The disk holding ${join(mnt, "redriva.db")} is full`);
    expect(line).toContain("Free space");
    expect(line).toContain(join(mnt, "backups"));

    // Recorded as failed, the error says why; every item is done or pending, never half-written.
    const afterFull = join(out, "after-full");
    const run = query<{ status: string; error: string }>(
      afterFull,
      "SELECT status, error FROM sync_runs ORDER BY id DESC LIMIT 1",
    )[0];
    expect(run?.status).toBe("failed");
    expect(run?.error).toContain("is full");
    expect(
      query<{ r: string }>(afterFull, "PRAGMA integrity_check")[0]?.r ??
        Object.values(query<Record<string, string>>(afterFull, "PRAGMA integrity_check")[0] ?? {})[0],
    ).toBe("ok");
    const done =
      query<{ n: number }>(afterFull, "SELECT COUNT(*) AS n FROM sync_run_items WHERE state = 'done'")[0]
        ?.n ?? 0;
    const withDetails =
      query<{ n: number }>(afterFull, "SELECT COUNT(*) AS n FROM torrent_details")[0]?.n ?? 0;
    expect(done).toBeGreaterThan(0);
    expect(withDetails).toBe(done);
    const planned = query<{ n: number }>(afterFull, "SELECT COUNT(*) AS n FROM sync_run_items")[0]?.n ?? 0;
    expect(done).toBeLessThan(planned);

    // Space again: resume finishes the same run, every torrent's details exactly once.
    // (What it printed rides along, so a failure says why.)
    const again = { code: read("again.code").trim(), printed: read("again.out") + read("again.err") };
    expect(again).toEqual({ code: "0", printed: again.code === "0" ? again.printed : "" });
    const final = join(out, "final");
    expect(
      query<{ status: string }>(final, "SELECT status FROM sync_runs ORDER BY id DESC LIMIT 1")[0]?.status,
    ).toBe("succeeded");
    expect(query<{ n: number }>(final, "SELECT COUNT(*) AS n FROM torrent_details")[0]?.n).toBe(planned);
  }, 120_000);
});
