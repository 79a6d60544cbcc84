import { afterAll, expect, test } from "bun:test";
import { insertSamples } from "../../../src/db/repo/metrics.ts";
import { runCleanup } from "../../../src/services/cleanup/index.ts";
import { makeTestDeps, type TestDeps } from "../../helpers/deps.ts";

const DAY_MS = 86_400_000;
const opened: TestDeps[] = [];
afterAll(() => {
  for (const deps of opened) deps[Symbol.dispose]();
});

test("each retention rule applies its own age limit from the config", () => {
  const deps = makeTestDeps({
    JOB_HISTORY_DAYS: "30",
    METRICS_RETENTION_DAYS: "7",
    ATTEMPTS_RETENTION_DAYS: "90",
  });
  opened.push(deps);
  const now = deps.clock.now();
  const sample = (daysAgo: number) => ({
    name: "requests",
    labels: {},
    at: now - daysAgo * DAY_MS,
    value: 1,
  });
  // 8 days old is past the metrics limit (7) but well within the job history one (30).
  insertSamples(deps.dbh.db, [sample(8), sample(6)]);

  const result = runCleanup(deps);

  expect(result.failed).toBe(false);
  expect(result.rules.map((r) => [r.name, r.days, r.deleted])).toEqual([
    ["job_runs", 30, 0],
    ["metric_samples", 7, 1],
    ["repair_attempts", 90, 0],
  ]);
  const left = deps.dbh.sqlite.query("SELECT at FROM metric_samples").all() as Array<{ at: number }>;
  expect(left.map((r) => r.at)).toEqual([now - 6 * DAY_MS]);
});
