import type { Deps } from "../../deps.ts";
import { NotFoundError } from "../../errors.ts";
import { jobsOverview, runDetail, runHistory } from "../../jobs/overview.ts";
import type { App } from "../context.ts";
import { parseJobName, parseLimit, parseRunId } from "./params.ts";

/**
 * JSON API: GET /api/jobs, GET /api/jobs/runs, GET /api/jobs/runs/:id,
 * POST /api/jobs/:name/run (202, or 409 while it runs), POST /api/jobs/:name/cancel.
 * Errors are `{ error: { code, message } }` (src/http/errors.ts).
 */
export function registerJobsApi(app: App, deps: Deps): void {
  app.get("/api/jobs", (c) => c.json({ jobs: jobsOverview(deps, deps.jobs) }));

  app.get("/api/jobs/runs", (c) => {
    const job = c.req.query("job");
    if (job !== undefined) deps.jobs.get(parseJobName(job));
    const before = c.req.query("before");
    const runs = runHistory(deps, {
      job,
      limit: parseLimit(c.req.query("limit"), 50, 500),
      beforeId: before ? parseRunId(before) : undefined,
    });
    return c.json({ runs });
  });

  app.get("/api/jobs/runs/:id", (c) => {
    const id = parseRunId(c.req.param("id"));
    const run = runDetail(deps, deps.jobs, id);
    if (!run) throw new NotFoundError("job run", id);
    return c.json({ run });
  });

  app.post("/api/jobs/:name/run", (c) => {
    const run = deps.jobs.trigger(parseJobName(c.req.param("name")), "manual");
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
  });

  app.post("/api/jobs/:name/cancel", (c) => {
    const name = parseJobName(c.req.param("name"));
    deps.jobs.get(name);
    return c.json({ cancelled: deps.jobs.cancel(name) });
  });
}
