import { describe, expect, test } from "bun:test";
import { recordAttempt, upsertCandidate } from "../../../src/db/repo/repair.ts";
import { createApp } from "../../../src/http/app.ts";
import { makeTestDeps } from "../../helpers/deps.ts";

const ID = "310000001";
const NOW = 1_790_000_000_000;

/** Two providers' torrents under one id; an attempt is recorded for AllDebrid's only. */
function twoProvidersOneId() {
  const deps = makeTestDeps();
  const torrent = deps.dbh.sqlite.query(
    `INSERT INTO torrents (id, provider, filename, status, first_seen_at, last_seen_at, changed_at)
     VALUES (?, ?, ?, 'dead', 1, 1, 1)`,
  );
  torrent.run(ID, "realdebrid", "Real.Debrid.Movie.2024");
  torrent.run(ID, "alldebrid", "All.Debrid.Movie.2024");
  const { db } = deps.dbh;
  const input = { torrentId: ID, hash: null, reason: "dead", statusSeen: "dead", detail: {}, priority: 1 };
  upsertCandidate(db, { ...input, provider: "realdebrid", filename: "Real.Debrid.Movie.2024" }, NOW);
  const ad = upsertCandidate(db, { ...input, provider: "alldebrid", filename: "All.Debrid.Movie.2024" }, NOW);
  recordAttempt(
    db,
    {
      candidateId: ad.id,
      patch: { state: "failed", failure: "infringing", lastError: "AllDebrid-only failure", resolved: true },
      attempt: {
        candidate_id: ad.id,
        provider: "alldebrid",
        torrent_id: ID,
        hash: null,
        action: "reinject",
        trigger: "manual",
        started_at: NOW,
        finished_at: NOW,
        outcome: "failed",
        failure: "infringing",
        error: "AllDebrid-only failure",
      },
    },
    NOW,
  );
  return deps;
}

describe("repair attempts are keyed by (provider, torrent id)", () => {
  test("an attempt recorded for one provider's torrent does not show on the other's detail page", async () => {
    using deps = twoProvidersOneId();
    const app = createApp(deps);
    const get = (path: string) => app.request(`http://localhost${path}`);

    const adPage = await (await get(`/torrents/alldebrid/${ID}`)).text();
    expect(adPage).toContain("All.Debrid.Movie.2024");
    expect(adPage).toContain("AllDebrid-only failure");
    const rdPage = await (await get(`/torrents/realdebrid/${ID}`)).text();
    expect(rdPage).toContain("Real.Debrid.Movie.2024");
    expect(rdPage).toContain("No repair attempt for this torrent.");
    expect(rdPage).not.toContain("AllDebrid-only failure");

    const json = async (path: string) => (await get(path)).json();
    expect((await json(`/api/torrents/alldebrid/${ID}`)).repairAttempts).toHaveLength(1);
    expect((await json(`/api/torrents/realdebrid/${ID}`)).repairAttempts).toEqual([]);
    expect((await json(`/api/repair/torrents/alldebrid/${ID}/attempts`)).attempts).toHaveLength(1);
    expect((await json(`/api/repair/torrents/realdebrid/${ID}/attempts`)).attempts).toEqual([]);

    // History by torrent id: the provider picks the rows; without it, the id is ambiguous.
    const rdHistory = await json(`/api/repair/history/${ID}?provider=realdebrid`);
    expect(rdHistory.candidate.provider).toBe("realdebrid");
    expect(rdHistory.attempts).toEqual([]);
    const adHistory = await json(`/api/repair/history/${ID}?provider=alldebrid`);
    expect(adHistory.attempts.map((a: { error: string }) => a.error)).toEqual(["AllDebrid-only failure"]);
    const ambiguous = await get(`/api/repair/history/${ID}`);
    expect(ambiguous.status).toBe(400);
    expect((await ambiguous.json()).error.message).toContain("alldebrid, realdebrid");
    expect((await get(`/api/repair/torrents/Bad%20One/${ID}/attempts`)).status).toBe(400);
  });
});
