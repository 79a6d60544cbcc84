import { describe, expect, test } from "bun:test";
import { syncOutcome } from "../../../src/jobs/definitions/sync.ts";
import type { ReportSection } from "../../../src/jobs/types.ts";
import type { SyncResult } from "../../../src/services/sync/types.ts";
import { makeTestDeps } from "../../helpers/deps.ts";

const ID = "310000001";
const STARTED = 1_790_000_000_000;

function providerResult(provider: string, missing: string[]): SyncResult {
  return {
    provider,
    byProvider: [],
    runId: null,
    mode: "smart",
    status: missing.length > 0 ? "failed" : "succeeded",
    durationMs: 1,
    torrentsSeen: 1,
    added: 1,
    updated: 0,
    removed: 0,
    detailsPlanned: 1,
    detailsDone: 1 - missing.length,
    detailsFailed: missing.length,
    missing,
    requests: { total: 1, list: 1, details: 0, rateLimited: 0 },
    plan: {},
    error: null,
  };
}

const table = (report: ReportSection[] | undefined, prefix: string) => {
  const section = report?.find((s) => s.kind === "table" && s.title.startsWith(prefix));
  if (section?.kind !== "table") throw new Error(`no "${prefix}" table`);
  return section;
};

describe("sync report", () => {
  test("names and change rows come from the synced provider's torrent when two providers share an id", () => {
    using deps = makeTestDeps();
    const torrent = deps.dbh.sqlite.query(
      `INSERT INTO torrents (id, provider, filename, status, bytes, first_seen_at, last_seen_at, changed_at)
       VALUES (?, ?, ?, 'downloaded', 0, ?, ?, ?)`,
    );
    torrent.run(ID, "realdebrid", "Real.Debrid.Name", STARTED - 10, STARTED - 10, STARTED - 10);
    torrent.run(ID, "alldebrid", "All.Debrid.Name", STARTED + 1, STARTED + 1, STARTED + 1);

    const alone = syncOutcome(deps, providerResult("alldebrid", [ID]), STARTED);
    expect(table(alone.report, "Details not fetched").rows).toEqual([["alldebrid", ID, "All.Debrid.Name"]]);
    expect(table(alone.report, "New torrents").rows).toEqual([
      ["All.Debrid.Name", "downloaded", "0 B", "alldebrid", ID],
    ]);

    // Both providers synced, one after the other: each missing id is named from its own provider.
    const both: SyncResult = { ...providerResult("x", []), provider: null };
    both.byProvider = [providerResult("realdebrid", [ID]), providerResult("alldebrid", [ID])];
    expect(table(syncOutcome(deps, both, STARTED).report, "Details not fetched").rows).toEqual([
      ["realdebrid", ID, "Real.Debrid.Name"],
      ["alldebrid", ID, "All.Debrid.Name"],
    ]);
    // A Real-Debrid-only sync does not list AllDebrid's new torrent as its own.
    const rdOnly = syncOutcome(deps, providerResult("realdebrid", []), STARTED);
    expect(rdOnly.report?.some((s) => s.title.startsWith("New torrents"))).toBe(false);
  });
});
