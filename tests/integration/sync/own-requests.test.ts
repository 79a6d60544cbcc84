import { expect, test } from "bun:test";
import { startFakeDebrid } from "../../../src/fake-debrid/index.ts";
import { runSync } from "../../../src/services/sync/index.ts";
import { makeTestDeps } from "../../helpers/deps.ts";

test("a sync run counts its own requests, not those other users make on the same client meanwhile", async () => {
  await using fake = await startFakeDebrid({ library: { size: 40, seed: 3 }, rateLimit: 10_000 });
  using deps = makeTestDeps({
    RD_API_TOKEN: fake.state.options.token,
    RD_API_URL: fake.rdApiUrl,
    RD_RATE_LIMIT: "10000",
  });
  const client = deps.providers.require("realdebrid");
  const sync = runSync(deps, "torrents");
  // Downloads and the web UI share this client: six account reads while the list is read.
  const others = Promise.all(Array.from({ length: 6 }, () => client.getAccount()));
  const [result] = await Promise.all([sync, others]);
  expect(result.status).toBe("succeeded");
  // Each account read is two requests (/user and /traffic), the sync's list one.
  expect(client.stats().requests).toBe(13);
  expect(result.requests).toEqual({ total: 1, list: 1, details: 0, rateLimited: 0 });
  const row = deps.dbh.sqlite
    .query<{ total_requests: number; list_requests: number }, []>(
      "SELECT total_requests, list_requests FROM sync_runs",
    )
    .get();
  expect(row).toEqual({ total_requests: 1, list_requests: 1 });
});
