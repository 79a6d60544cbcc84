import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ZodType } from "zod";
import { API_ROUTES } from "../../../src/http/api/openapi.ts";
import { startRepairRun } from "../../../src/services/repair/background.ts";
import { scanForRepair } from "../../../src/services/repair/detect.ts";
import { waitFor } from "../../helpers/downloads.ts";
import { startUiFixture, type UiFixture } from "../../helpers/ui-fixture.ts";

const CREDS = { REDRIVA_USERNAME: "admin", REDRIVA_PASSWORD: "a long pass phrase" };
const basic = `Basic ${Buffer.from(`${CREDS.REDRIVA_USERNAME}:${CREDS.REDRIVA_PASSWORD}`).toString("base64")}`;

/** Each route's documented JSON bodies, by `METHOD /path` (Hono syntax) and status. */
const documented = new Map<string, Map<number, ZodType>>();
for (const route of API_ROUTES) {
  const bodies = new Map<number, ZodType>();
  for (const [status, response] of Object.entries(route.spec.responses))
    if (response.schema && (response.contentType ?? "application/json") === "application/json")
      bodies.set(Number(status), response.schema);
  documented.set(`${route.spec.method.toUpperCase()} ${route.spec.path}`, bodies);
}

let ui: UiFixture;
let torrent: { provider: string; id: string };
let runId: number;
let candidateId: number;
let repaired: { provider: string; id: string };

beforeAll(async () => {
  ui = await startUiFixture({ size: 30, env: CREDS });
  const list = ui.deps.dbh.sqlite
    .query<{ provider: string; id: string }, []>(
      "SELECT t.provider, t.id FROM torrents t JOIN torrent_details d ON d.id = t.id AND d.provider = t.provider LIMIT 1",
    )
    .get();
  if (!list) throw new Error("the fixture's sync fetched no details");
  torrent = list;
  runId = ui.deps.jobs.trigger("cleanup", "manual").runId;
  // Repair: a scan finds the fixture's failed torrents, a dry run records an attempt per candidate.
  await scanForRepair(ui.deps, "quick");
  const run = startRepairRun(ui.deps, { dryRun: true });
  await ui.deps.repairRuns.last?.done;
  expect(run.startedAt).toBeGreaterThan(0);
  const attempt = ui.deps.dbh.sqlite
    .query<{ candidate_id: number; provider: string; torrent_id: string }, []>(
      "SELECT candidate_id, provider, torrent_id FROM repair_attempts WHERE candidate_id IS NOT NULL LIMIT 1",
    )
    .get();
  if (!attempt) throw new Error("the dry repair run recorded no attempt");
  candidateId = attempt.candidate_id;
  repaired = { provider: attempt.provider, id: attempt.torrent_id };
  await waitFor(
    () =>
      ui.deps.dbh.sqlite
        .query<{ status: string }, [number]>("SELECT status FROM job_runs WHERE id = ?")
        .get(runId)?.status !== "running",
    { timeoutMs: 30_000, what: "the cleanup run to end" },
  );
}, 60_000);
afterAll(() => ui.close());

/**
 * A real request per route whose answer is documented by a schema. The routes keyed here are
 * those of the document; a documented body without a request here fails the last test.
 */
const REQUESTS: Record<string, () => string> = {
  "GET /api/jobs": () => "/api/jobs",
  "GET /api/jobs/runs": () => "/api/jobs/runs?limit=5",
  "GET /api/jobs/runs/:id": () => `/api/jobs/runs/${runId}`,
  "GET /api/torrents": () => "/api/torrents?per=10&sort=size",
  "GET /api/torrents/:provider/:id": () => `/api/torrents/${torrent.provider}/${torrent.id}`,
  "GET /api/torrents/:id": () => `/api/torrents/${torrent.id}`,
  "GET /api/stats": () => "/api/stats",
  "GET /api/repair": () => "/api/repair",
  "GET /api/repair/candidates": () => "/api/repair/candidates",
  "GET /api/repair/queue": () => "/api/repair/queue",
  "GET /api/repair/attempts": () => "/api/repair/attempts?limit=5",
  "GET /api/repair/history/:id": () => `/api/repair/history/${candidateId}`,
  "GET /api/repair/torrents/:provider/:id/attempts": () =>
    `/api/repair/torrents/${repaired.provider}/${repaired.id}/attempts`,
  "GET /api/repair/run": () => "/api/repair/run",
};

async function answer(key: string): Promise<{ status: number; body: unknown }> {
  const url = (REQUESTS[key] as () => string)();
  const res = await ui.app.request(url, { headers: { Authorization: basic } });
  expect(res.headers.get("content-type")).toContain("application/json");
  return { status: res.status, body: await res.json() };
}

describe("the OpenAPI document's response schemas match what the routes answer (issue 17 §8)", () => {
  for (const key of Object.keys(REQUESTS)) {
    test(`${key}: the real answer passes its documented schema`, async () => {
      const { status, body } = await answer(key);
      expect(status).toBeLessThan(300);
      const schema = documented.get(key)?.get(status);
      if (!schema) throw new Error(`${key} answered ${status}, which the document gives no schema`);
      const checked = schema.safeParse(body);
      if (!checked.success) throw new Error(`${key}: ${JSON.stringify(checked.error.issues.slice(0, 3))}`);
      // Not vacuous: the answer has content (rows, a run, a torrent); a dry run queues nothing.
      if (key !== "GET /api/repair/queue") expect(JSON.stringify(body).length).toBeGreaterThan(50);
    });
  }

  test("every route whose answer the document describes by a schema is requested above", () => {
    // The symlink checker's routes need a media tree: openapi-responses-symlinks.test.ts.
    const described = [...documented.entries()]
      .filter(([key]) => key.startsWith("GET ") && !key.startsWith("GET /api/symlinks/"))
      .filter(([, bodies]) => [...bodies.keys()].some((s) => s < 300))
      .map(([key]) => key)
      .sort();
    expect(Object.keys(REQUESTS).sort()).toEqual(described);
  });

  test("a schema catches a wrong answer: a run without its status, a torrent list with text for a count", () => {
    const runs = documented.get("GET /api/jobs/runs")?.get(200) as ZodType;
    expect(runs.safeParse({ runs: [{ id: 1, job: "sync" }] }).success).toBe(false);
    const stats = documented.get("GET /api/stats")?.get(200) as ZodType;
    expect(stats.safeParse({ generatedAt: "yesterday" }).success).toBe(false);
  });
});
