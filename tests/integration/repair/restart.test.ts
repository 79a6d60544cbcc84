import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { runRepair, scanForRepair } from "../../../src/services/repair/index.ts";
import { tempDir } from "../../helpers/temp-dir.ts";
import { ALL_DOWNLOADED, breakTorrents, startRepairEnv } from "./helpers.ts";

const MAIN = join(import.meta.dir, "..", "..", "..", "src", "main.ts");
const HOUR = 3_600_000;

function candidateState(dataDir: string, torrentId: string): string | null {
  const db = new Database(join(dataDir, "redriva.db"), { readonly: true });
  try {
    const row = db.query("SELECT state FROM repair_candidates WHERE torrent_id = ?").get(torrentId) as {
      state: string;
    } | null;
    return row?.state ?? null;
  } finally {
    db.close();
  }
}

describe("the retry queue survives a restart", () => {
  test("a retry that fell due while Redriva was stopped runs when the server starts", async () => {
    using downloads = tempDir("redriva-dl-");
    await using env = await startRepairEnv({
      fake: { library: { size: 5, seed: 15, mix: ALL_DOWNLOADED } },
      env: { DRY_RUN: "false" },
    });
    const [dead] = breakTorrents(env.fake, "dead", 1);
    env.fake.state.scripts.set(dead!.hash, { addError: "too_many_active_downloads", addErrorTimes: 1 });

    // Four hours ago: the attempt was refused and queued for +3 h, then the process stopped.
    env.clock.advance(-4 * HOUR);
    await scanForRepair(env.deps, "quick");
    const first = await runRepair(env.deps, { trigger: "schedule" });
    expect(first.items.map((i) => i.outcome)).toEqual(["retry"]);
    expect(first.items[0]!.dueAt!).toBeLessThan(Date.now());
    env.deps.dbh.close();

    // A new server process; its repair-retry schedule would not fire for months.
    const child = Bun.spawn(["bun", MAIN], {
      env: {
        ...process.env,
        ...env.env,
        PORT: "0",
        DOWNLOAD_DIR: downloads.path,
        JOB_REPAIR_RETRY_SCHEDULE: "0 0 1 1 *",
        JOB_REPAIR_SCAN_SCHEDULE: "off",
      },
      stdout: "ignore",
      stderr: "pipe",
    });
    try {
      const deadline = Date.now() + 20_000;
      while (candidateState(env.dataDir, dead!.id) !== "repaired") {
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`not repaired after start: ${await new Response(child.stderr).text()}`);
        }
        await Bun.sleep(50);
      }
    } finally {
      child.kill("SIGTERM");
      await child.exited;
    }
    expect(env.fake.state.byHash(dead!.hash)!.id).not.toBe(dead!.id);
    expect(env.fake.state.library.torrents.has(dead!.id)).toBe(false);
  }, 30_000);
});
