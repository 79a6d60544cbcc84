import { describe, expect, test } from "bun:test";
import { repairHistory, runRepair, scanForRepair } from "../../../src/services/repair/index.ts";
import { ALL_DOWNLOADED, breakTorrents, startRepairEnv, syncLibrary } from "./helpers.ts";

describe("repair counts its own requests", () => {
  test("each attempt records every HTTP request it made, 429 retries included, and nothing else's", async () => {
    await using env = await startRepairEnv({
      fake: { library: { size: 20, seed: 11, mix: ALL_DOWNLOADED } },
      env: { DRY_RUN: "false" },
    });
    const { fake, deps } = env;
    await syncLibrary(deps);
    const dead = breakTorrents(fake, "dead", 2);
    expect((await scanForRepair(deps, "quick")).newCandidates).toBe(2);

    // From here on the provider refuses a quarter of the requests with 429 (the client retries).
    fake.resetStats();
    fake.faults.rateLimitRate = 0.25;
    const run = await runRepair(deps, { trigger: "cli" });
    expect(run.status).toBe("succeeded");
    expect(run.counts.repaired).toBe(2);
    expect(fake.stats.injected.rateLimited).toBeGreaterThan(0);

    const attempts = dead.map((t) => repairHistory(deps, t.id).attempts[0]!);
    const recorded = attempts.reduce((n, a) => n + a.requests, 0);
    // What the provider received during the run is what the attempts say they sent.
    expect(recorded).toBe(fake.stats.requests);
    expect(run.items.reduce((n, item) => n + item.requests, 0)).toBe(fake.stats.requests);
  });
});
