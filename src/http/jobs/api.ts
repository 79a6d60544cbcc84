import { z } from "zod";
import { NotFoundError } from "../../errors.ts";
import { jobsOverview, runDetail, runHistory } from "../../jobs/overview.ts";
import { type ApiRoute, apiRoute } from "../api/openapi-route.ts";
import { jobsListSchema, runDetailSchema, runsSchema } from "../api/responses/jobs.ts";
import { numericId, wholeNumberQuery } from "../api/schemas.ts";
import { parseJobName } from "./params.ts";

const JOB_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** A job name; anything that cannot be one is a 404 (rather than a lookup). */
const jobName = z
  .string()
  .meta({ pattern: JOB_NAME.source, description: "a job name (GET /api/jobs lists them)" })
  .transform((raw) => parseJobName(raw));
const TAG = "Jobs";

/**
 * JSON API of the background jobs. Errors are `{ error: { code, message } }` (src/http/errors.ts).
 */
export const JOBS_API: readonly ApiRoute[] = [
  apiRoute(
    {
      method: "get",
      path: "/api/jobs",
      tag: TAG,
      summary: "Every job with its schedule, next run and last outcome",
      responses: { 200: { description: "Every job", schema: jobsListSchema } },
    },
    (c, _input, deps) => c.json({ jobs: jobsOverview(deps, deps.jobs) }),
  ),
  apiRoute(
    {
      method: "get",
      path: "/api/jobs/runs",
      tag: TAG,
      summary: "Run history, newest first",
      query: z.object({
        job: jobName.optional(),
        limit: wholeNumberQuery("limit", 50, 500),
        before: numericId("run id").optional().describe("only runs older than this run id (paging)"),
      }),
      responses: {
        200: { description: "Runs, newest first", schema: runsSchema },
        404: { description: "No such job" },
      },
    },
    (c, { query }, deps) => {
      if (query.job !== undefined) deps.jobs.get(query.job);
      return c.json({
        runs: runHistory(deps, { job: query.job, limit: query.limit, beforeId: query.before }),
      });
    },
  ),
  apiRoute(
    {
      method: "get",
      path: "/api/jobs/runs/:id",
      tag: TAG,
      summary: "One run with its log and report",
      params: z.object({ id: numericId("run id") }),
      responses: {
        200: { description: "The run and its log lines", schema: runDetailSchema },
        404: { description: "No such run" },
      },
    },
    (c, { params }, deps) => {
      const run = runDetail(deps, deps.jobs, params.id);
      if (!run) throw new NotFoundError("job run", params.id);
      return c.json({ run });
    },
  ),
  apiRoute(
    {
      method: "post",
      path: "/api/jobs/:name/run",
      tag: TAG,
      summary: "Start a job now",
      params: z.object({ name: jobName }),
      responses: {
        202: {
          description: "Started; follow `run.url`",
          schema: z.object({
            run: z.object({
              id: z.number(),
              job: z.string(),
              trigger: z.string(),
              status: z.literal("running"),
              url: z.string(),
            }),
          }),
        },
        404: { description: "No such job" },
        409: { description: "The job is already running" },
      },
    },
    (c, { params }, deps) => {
      const run = deps.jobs.trigger(params.name, "manual");
      return c.json(
        {
          run: {
            id: run.runId,
            job: run.job,
            trigger: run.trigger,
            status: "running",
            url: `/api/jobs/runs/${run.runId}`,
          },
        },
        202,
      );
    },
  ),
  apiRoute(
    {
      method: "post",
      path: "/api/jobs/:name/cancel",
      tag: TAG,
      summary: "Ask a running job to stop at its next checkpoint",
      params: z.object({ name: jobName }),
      responses: {
        200: { description: "Whether a run was cancelled", schema: z.object({ cancelled: z.boolean() }) },
        404: { description: "No such job" },
      },
    },
    (c, { params }, deps) => {
      deps.jobs.get(params.name);
      return c.json({ cancelled: deps.jobs.cancel(params.name) });
    },
  ),
];
