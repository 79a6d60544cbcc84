import type { Deps } from "../../deps.ts";
import { ValidationError } from "../../errors.ts";
import {
  CANDIDATE_STATES,
  currentRepairRun,
  dismissRepairCandidate,
  reinjectTorrent,
  repairHistory,
  repairOverview,
  repairQueue,
  scanForRepair,
  startRepairRun,
  torrentRepairAttempts,
} from "../../services/repair/index.ts";
import type { App } from "../context.ts";
import { parseCandidateId, parseDryRun, parseLimit, parseMode, parseTorrentId } from "./params.ts";

/**
 * JSON API under /api/repair (errors: `{ error: { code, message } }`):
 * GET  /api/repair                        overview: counts, settings, dry run
 * GET  /api/repair/candidates?state=&limit=
 * GET  /api/repair/queue                  retry queue with due times
 * GET  /api/repair/attempts?limit=
 * GET  /api/repair/history/:id?provider=  candidate number or torrent id (any former id too)
 * GET  /api/repair/torrents/:provider/:id/attempts  for the torrent detail page
 * POST /api/repair/scan        {mode}     200 scan result
 * POST /api/repair/run         {limit?, dryRun?}  202, then GET /api/repair/run
 * GET  /api/repair/run                    the run in progress or the last one
 * POST /api/repair/reinject/:torrentId {dryRun?}  the outcome
 * POST /api/repair/candidates/:id/dismiss
 */
export function registerRepairApi(app: App, deps: Deps): void {
  const body = async (req: {
    header(name: string): string | undefined;
    json(): Promise<unknown>;
    parseBody(): Promise<unknown>;
  }) => {
    const type = req.header("content-type") ?? "";
    if (type.includes("application/json")) {
      const parsed = await req.json().catch(() => {
        throw new ValidationError("the body is not valid JSON");
      });
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
        throw new ValidationError("expected a JSON object");
      return parsed as Record<string, unknown>;
    }
    if (type.includes("form")) return (await req.parseBody()) as Record<string, unknown>;
    return {};
  };

  app.get("/api/repair", (c) => {
    const { counts, settings, dryRun, scans } = repairOverview(deps, { limit: 1 });
    return c.json({ dryRun, counts, settings, scans });
  });

  app.get("/api/repair/candidates", (c) => {
    const state = c.req.query("state");
    if (state !== undefined && !(CANDIDATE_STATES as readonly string[]).includes(state)) {
      throw new ValidationError(`unknown state "${state.slice(0, 40)}" (${CANDIDATE_STATES.join(", ")})`);
    }
    const limit = parseLimit(c.req.query("limit"), 200) as number;
    const { candidates } = repairOverview(deps, { limit });
    return c.json({ candidates: state ? candidates.filter((x) => x.state === state) : candidates });
  });

  app.get("/api/repair/queue", (c) => c.json({ queue: repairQueue(deps), now: deps.clock.now() }));

  app.get("/api/repair/attempts", (c) => {
    const limit = parseLimit(c.req.query("limit"), 50) as number;
    return c.json({ attempts: repairOverview(deps).attempts.slice(0, limit) });
  });

  app.get("/api/repair/history/:id", (c) =>
    c.json(repairHistory(deps, c.req.param("id"), c.req.query("provider") || undefined)),
  );

  app.get("/api/repair/torrents/:provider/:id/attempts", (c) =>
    c.json({
      attempts: torrentRepairAttempts(deps, c.req.param("provider"), parseTorrentId(c.req.param("id"))),
    }),
  );

  app.post("/api/repair/scan", async (c) => {
    const input = await body(c.req);
    return c.json({ scan: await scanForRepair(deps, parseMode(input.mode)) });
  });

  app.post("/api/repair/run", async (c) => {
    const input = await body(c.req);
    const dryRun = parseDryRun(input.dryRun) ?? deps.config.dryRun;
    const run = startRepairRun(deps, { limit: parseLimit(input.limit, undefined), dryRun });
    return c.json(
      { run: { running: run.running, startedAt: run.startedAt, dryRun, url: "/api/repair/run" } },
      202,
    );
  });

  app.get("/api/repair/run", (c) => {
    const run = currentRepairRun(deps);
    return c.json({
      run: run
        ? { running: run.running, startedAt: run.startedAt, result: run.result, error: run.error }
        : null,
    });
  });

  app.post("/api/repair/reinject/:torrentId", async (c) => {
    const torrentId = parseTorrentId(c.req.param("torrentId"));
    const input = await body(c.req);
    return c.json({
      result: await reinjectTorrent(deps, torrentId, {
        dryRun: parseDryRun(input.dryRun),
        trigger: "manual",
        provider: typeof input.provider === "string" && input.provider ? input.provider : undefined,
      }),
    });
  });

  app.post("/api/repair/candidates/:id/dismiss", (c) => {
    dismissRepairCandidate(deps, parseCandidateId(c.req.param("id")));
    return c.json({ dismissed: true });
  });
}
