import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { openDatabase } from "../../../src/db/client.ts";
import { getCandidate, recordAttempt, upsertCandidate } from "../../../src/db/repo/repair.ts";
import { type AttemptInput, attemptsForCandidate } from "../../../src/db/repo/repair-attempts.ts";
import { FAILURE_POLICY, type FailureClass } from "../../../src/services/repair/policy.ts";
import { type Verdict, verdictForFailure, verdictForResult } from "../../../src/services/repair/verdict.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const MAX = 3;
const failure = (f: FailureClass, over: Partial<Parameters<typeof verdictForFailure>[1]> = {}) =>
  verdictForFailure(f, {
    aborted: false,
    dryRun: false,
    attempts: 0,
    maxAttempts: MAX,
    message: "boom",
    ...over,
  });

/** The whole table: what each failure class leads to on a first attempt (issue 5's policy). */
const EXPECTED: Record<
  FailureClass,
  Pick<Verdict, "outcome" | "state" | "cleanupLinks" | "deleteTorrent" | "haltRun">
> = {
  infringing: { outcome: "failed", state: "failed", cleanupLinks: true, deleteTorrent: true, haltRun: false },
  virus: { outcome: "failed", state: "failed", cleanupLinks: false, deleteTorrent: true, haltRun: false },
  invalid_hash: {
    outcome: "failed",
    state: "failed",
    cleanupLinks: false,
    deleteTorrent: false,
    haltRun: false,
  },
  rejected: { outcome: "failed", state: "failed", cleanupLinks: false, deleteTorrent: false, haltRun: false },
  rate_limited: {
    outcome: "retry",
    state: "retry",
    cleanupLinks: false,
    deleteTorrent: false,
    haltRun: true,
  },
  fair_usage: { outcome: "retry", state: "retry", cleanupLinks: false, deleteTorrent: false, haltRun: true },
  too_many_active: {
    outcome: "retry",
    state: "retry",
    cleanupLinks: false,
    deleteTorrent: false,
    haltRun: true,
  },
  magnet_error: {
    outcome: "retry",
    state: "retry",
    cleanupLinks: false,
    deleteTorrent: false,
    haltRun: false,
  },
  error: { outcome: "retry", state: "retry", cleanupLinks: false, deleteTorrent: false, haltRun: false },
  dead: { outcome: "retry", state: "retry", cleanupLinks: false, deleteTorrent: false, haltRun: false },
  timeout: { outcome: "retry", state: "retry", cleanupLinks: false, deleteTorrent: false, haltRun: false },
  unavailable: {
    outcome: "retry",
    state: "retry",
    cleanupLinks: false,
    deleteTorrent: false,
    haltRun: false,
  },
  auth: { outcome: "aborted", state: "pending", cleanupLinks: false, deleteTorrent: false, haltRun: true },
};

describe("repair verdict: every failure class", () => {
  test("the table covers every class of the policy", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(FAILURE_POLICY).sort());
  });

  for (const f of Object.keys(EXPECTED) as FailureClass[]) {
    const expected = EXPECTED[f];
    test(`${f}: first attempt → ${expected.outcome}`, () => {
      const v = failure(f);
      expect(v).toMatchObject(expected);
      if (expected.outcome === "failed")
        expect(v).toMatchObject({ resolved: true, due: null, countAttempt: true, notify: true, error: null });
      if (expected.outcome === "retry")
        expect(v).toMatchObject({ resolved: false, due: "retry_delay", countAttempt: true, notify: false });
      if (expected.outcome === "aborted")
        expect(v).toMatchObject({ resolved: false, due: "start", countAttempt: false, notify: false });
    });

    test(`${f}: last allowed attempt`, () => {
      const v = failure(f, { attempts: MAX - 1 });
      if (expected.outcome === "retry") {
        // Retries run out: failed for good, and the reason says so.
        expect(v).toMatchObject({ outcome: "failed", state: "failed", resolved: true, notify: true });
        expect(v.error).toBe(`boom; gave up after ${MAX} attempt(s)`);
        expect(v.haltRun).toBe(expected.haltRun);
      } else if (expected.outcome === "aborted") {
        // A candidate tried before goes back to the retry queue, its count untouched.
        expect(v).toMatchObject({ outcome: "aborted", state: "retry", countAttempt: false });
      } else {
        expect(v).toMatchObject({ ...expected, error: null });
      }
    });

    test(`${f}: the run was stopped → aborted, keeps its place`, () => {
      const v = failure(f, { aborted: true, attempts: 0 });
      expect(v).toMatchObject({ outcome: "aborted", state: "pending", due: "start", countAttempt: false });
      expect(v.cleanupLinks).toBe(false);
      expect(v.deleteTorrent).toBe(false);
      expect(v.notify).toBe(false);
      expect(v.haltRun).toBe(FAILURE_POLICY[f].haltRun);
    });

    test(`${f}: a dry run never deletes at the provider`, () => {
      const v = failure(f, { dryRun: true });
      expect(v.deleteTorrent).toBe(false);
      expect(v.cleanupLinks).toBe(expected.cleanupLinks);
    });
  }
});

describe("repair verdict: attempts that ran to their end", () => {
  test("repaired, skipped, planned, virus deleted", () => {
    expect(verdictForResult("repaired")).toMatchObject({
      outcome: "repaired",
      state: "repaired",
      resolved: true,
      countAttempt: true,
      notify: false,
    });
    expect(verdictForResult("skipped")).toMatchObject({
      outcome: "skipped",
      state: "skipped",
      resolved: true,
      countAttempt: false,
    });
    expect(verdictForResult("planned")).toMatchObject({ outcome: "planned", deleteTorrent: false });
    expect(verdictForResult("virus_deleted")).toMatchObject({
      outcome: "failed",
      state: "failed",
      resolved: true,
      notify: true,
    });
  });
});

describe("recording an attempt", () => {
  const dir = tempDir("redriva-repair-record-");
  const dbh = openDatabase(join(dir.path, "redriva.db"));
  afterAll(() => {
    dbh.close();
    dir[Symbol.dispose]();
  });
  const candidate = (torrentId: string) =>
    upsertCandidate(
      dbh.db,
      {
        provider: "realdebrid",
        torrentId,
        hash: null,
        filename: "x.mkv",
        reason: "dead",
        statusSeen: "dead",
        detail: {},
        priority: 1,
      },
      1_000,
    ).id;
  const attempt = (id: number, torrentId: string): AttemptInput => ({
    candidate_id: id,
    provider: "realdebrid",
    torrent_id: torrentId,
    hash: null,
    action: "reinject",
    trigger: "manual",
    started_at: 1_500,
    finished_at: 2_000,
    outcome: "retry",
  });

  test("the candidate's state and its attempt are written together", () => {
    const id = candidate("T1");
    recordAttempt(
      dbh.db,
      { candidateId: id, patch: { state: "retry", attempts: 1, dueAt: 9_000 }, attempt: attempt(id, "T1") },
      2_000,
    );
    expect(getCandidate(dbh.db, id)).toMatchObject({
      state: "retry",
      attempts: 1,
      due_at: 9_000,
      updated_at: 2_000,
    });
    expect(attemptsForCandidate(dbh.db, id).map((a) => a.outcome)).toEqual(["retry"]);
  });

  test("when the attempt cannot be written, the candidate is not moved either", () => {
    const id = candidate("T2");
    // A NOT NULL column left empty: the second write fails after the first one ran.
    const broken = { ...attempt(id, "T2"), torrent_id: null as unknown as string };
    expect(() =>
      recordAttempt(
        dbh.db,
        { candidateId: id, patch: { state: "failed", attempts: 1, resolved: true }, attempt: broken },
        2_000,
      ),
    ).toThrow();
    expect(getCandidate(dbh.db, id)).toMatchObject({ state: "pending", attempts: 0, resolved_at: null });
    expect(attemptsForCandidate(dbh.db, id)).toEqual([]);
  });
});
