import { z } from "zod";
import { ValidationError } from "../../errors.ts";
import {
  CANDIDATE_STATES,
  currentRepairRun,
  dismissRepairCandidate,
  reinjectTorrent,
  repairHistory,
  repairOverview,
  repairQueue,
  SCAN_MODES,
  scanForRepair,
  startRepairRun,
  torrentRepairAttempts,
} from "../../services/repair/index.ts";
import { type ApiRoute, apiRoute } from "../api/openapi-route.ts";
import {
  attemptsSchema,
  candidatesSchema,
  historySchema,
  queueSchema,
  reinjectResultSchema,
  repairOverviewSchema,
  repairRunStateSchema,
  repairScanSchema,
} from "../api/responses/repair.ts";
import { parseCandidateId, parseDryRun, parseLimit, parseMode, parseTorrentId } from "./params.ts";

const TAG = "Repair";
const torrentId = z
  .string()
  .meta({ pattern: "^[A-Za-z0-9_-]{1,64}$", description: "the torrent's id at its provider" })
  .transform((v) => parseTorrentId(v));
const candidateId = z
  .string()
  .meta({ pattern: "^\\d{1,12}$" })
  .transform((v) => parseCandidateId(v));
const limit = (fallback: number | undefined) =>
  z
    .union([z.string(), z.number()])
    .optional()
    .transform((v) => parseLimit(v, fallback))
    .describe(`how many at most (1-1000${fallback ? `, default ${fallback}` : ""})`);
/** Dry run can be asked for, never turned off from a request: DRY_RUN=false is the user's opt-in. */
const dryRun = z
  .union([z.boolean(), z.string()])
  .optional()
  .transform((v) => parseDryRun(v))
  .describe("true: only report what would be done (false cannot override DRY_RUN=true)");
const provider = z.string().optional().describe("whose torrent it is, when two providers have this id");

/** JSON API under /api/repair (errors: `{ error: { code, message } }`). */
export const REPAIR_API: readonly ApiRoute[] = [
  apiRoute(
    {
      method: "get",
      path: "/api/repair",
      tag: TAG,
      summary: "Overview: counts by state, settings, dry run, the last scan",
      responses: {
        200: { description: "Counts, settings, dry run, the last scan", schema: repairOverviewSchema },
      },
    },
    (c, _input, deps) => {
      const { counts, settings, dryRun, scans } = repairOverview(deps, { limit: 1 });
      return c.json({ dryRun, counts, settings, scans });
    },
  ),
  apiRoute(
    {
      method: "get",
      path: "/api/repair/candidates",
      tag: TAG,
      summary: "Repair candidates, optionally in one state",
      query: z.object({
        state: z
          .string()
          .optional()
          .meta({ enum: [...CANDIDATE_STATES] })
          .transform((state) => {
            if (state !== undefined && !(CANDIDATE_STATES as readonly string[]).includes(state))
              throw new ValidationError(
                `unknown state "${state.slice(0, 40)}" (${CANDIDATE_STATES.join(", ")})`,
              );
            return state;
          }),
        limit: limit(200),
      }),
      responses: { 200: { description: "The candidates", schema: candidatesSchema } },
    },
    (c, { query }, deps) => {
      const { candidates } = repairOverview(deps, { limit: query.limit as number });
      return c.json({
        candidates: query.state ? candidates.filter((x) => x.state === query.state) : candidates,
      });
    },
  ),
  apiRoute(
    {
      method: "get",
      path: "/api/repair/queue",
      tag: TAG,
      summary: "The retry queue with due times",
      responses: { 200: { description: "Queued candidates and the server's time", schema: queueSchema } },
    },
    (c, _input, deps) => c.json({ queue: repairQueue(deps), now: deps.clock.now() }),
  ),
  apiRoute(
    {
      method: "get",
      path: "/api/repair/attempts",
      tag: TAG,
      summary: "Recent re-injection attempts",
      query: z.object({ limit: limit(50) }),
      responses: { 200: { description: "Attempts, newest first", schema: attemptsSchema } },
    },
    (c, { query }, deps) => c.json({ attempts: repairOverview(deps).attempts.slice(0, query.limit) }),
  ),
  apiRoute(
    {
      method: "get",
      path: "/api/repair/history/:id",
      tag: TAG,
      summary: "Attempts of a candidate (#number) or a torrent (its current or any former id)",
      params: z.object({ id: z.string().describe("candidate number or torrent id") }),
      query: z.object({ provider }),
      responses: {
        200: { description: "The candidate and its attempts", schema: historySchema },
        404: { description: "Unknown id" },
      },
    },
    (c, { params, query }, deps) => c.json(repairHistory(deps, params.id, query.provider || undefined)),
  ),
  apiRoute(
    {
      method: "get",
      path: "/api/repair/torrents/:provider/:id/attempts",
      tag: TAG,
      summary: "Repair attempts of one torrent (the torrent detail page)",
      params: z.object({ provider: z.string(), id: torrentId }),
      responses: { 200: { description: "Its attempts, newest first", schema: attemptsSchema } },
    },
    (c, { params }, deps) => c.json({ attempts: torrentRepairAttempts(deps, params.provider, params.id) }),
  ),
  apiRoute(
    {
      method: "post",
      path: "/api/repair/scan",
      tag: TAG,
      summary: "Find repair candidates now",
      body: z.object({
        mode: z
          .string()
          .optional()
          .meta({ enum: [...SCAN_MODES] })
          .transform((v) => parseMode(v))
          .describe("quick (list only, default) | full (+ link checks) | symlinks"),
      }),
      responses: { 200: { description: "What the scan found", schema: repairScanSchema } },
    },
    async (c, { body }, deps) => c.json({ scan: await scanForRepair(deps, body.mode) }),
  ),
  apiRoute(
    {
      method: "post",
      path: "/api/repair/run",
      tag: TAG,
      summary: "Handle the next candidates in the background",
      body: z.object({ limit: limit(undefined), dryRun }),
      responses: {
        202: {
          description: "Started; follow GET /api/repair/run",
          schema: z.object({
            run: z.object({
              running: z.boolean(),
              startedAt: z.number(),
              dryRun: z.boolean(),
              url: z.string(),
            }),
          }),
        },
        409: { description: "A repair run is already running" },
      },
    },
    (c, { body }, deps) => {
      const dry = body.dryRun ?? deps.config.dryRun;
      const run = startRepairRun(deps, { limit: body.limit, dryRun: dry });
      return c.json(
        { run: { running: run.running, startedAt: run.startedAt, dryRun: dry, url: "/api/repair/run" } },
        202,
      );
    },
  ),
  apiRoute(
    {
      method: "get",
      path: "/api/repair/run",
      tag: TAG,
      summary: "The repair run in progress, or the last one",
      responses: { 200: { description: "The run, null before the first", schema: repairRunStateSchema } },
    },
    (c, _input, deps) => {
      const run = currentRepairRun(deps);
      return c.json({
        run: run
          ? { running: run.running, startedAt: run.startedAt, result: run.result, error: run.error }
          : null,
      });
    },
  ),
  apiRoute(
    {
      method: "post",
      path: "/api/repair/reinject/:torrentId",
      tag: TAG,
      summary: "Re-inject one torrent now, whatever its place in the queue",
      params: z.object({ torrentId }),
      body: z.object({ dryRun, provider }),
      responses: {
        200: { description: "The outcome (a dry run: its plan)", schema: reinjectResultSchema },
        404: { description: "Unknown torrent" },
      },
    },
    async (c, { params, body }, deps) =>
      c.json({
        result: await reinjectTorrent(deps, params.torrentId, {
          dryRun: body.dryRun,
          trigger: "manual",
          provider: body.provider || undefined,
        }),
      }),
  ),
  apiRoute(
    {
      method: "post",
      path: "/api/repair/candidates/:id/dismiss",
      tag: TAG,
      summary: "Dismiss a candidate (it is not handled)",
      params: z.object({ id: candidateId }),
      responses: {
        200: { description: "Dismissed", schema: z.object({ dismissed: z.literal(true) }) },
        404: { description: "Unknown candidate" },
      },
    },
    (c, { params }, deps) => {
      dismissRepairCandidate(deps, params.id);
      return c.json({ dismissed: true });
    },
  ),
];
