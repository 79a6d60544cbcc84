import type { Context } from "hono";
import type { Deps } from "../../deps.ts";
import { AppError, NotFoundError } from "../../errors.ts";
import { getJobRunner } from "../../jobs/index.ts";
import { jobsOverview, runDetail, runHistory } from "../../jobs/overview.ts";
import { saveScheduleOverride } from "../../jobs/schedules.ts";
import type { App, AppEnv } from "../context.ts";
import { render, renderPartial } from "../render.ts";
import { parseJobName, parseRunId } from "./params.ts";
import { jobsFormat } from "./view-format.ts";

/** /jobs: every job with schedule, next run, last outcome, run-now; history; one run's live log. */
export function registerJobsHtml(app: App, deps: Deps): void {
  const runner = () => getJobRunner(deps);

  const tableData = () => {
    const jobs = jobsOverview(deps, runner());
    return { jobs, anyRunning: jobs.some((j) => j.running), fmt: jobsFormat };
  };

  const page = (c: Context<AppEnv>, message?: { text: string; kind: "ok" | "error" }, status = 200) => {
    const job = c.req.query("job");
    const jobFilter =
      job &&
      runner()
        .list()
        .some((d) => d.name === job)
        ? job
        : null;
    return render(
      c,
      "jobs/index",
      {
        ...tableData(),
        history: runHistory(deps, { job: jobFilter ?? undefined, limit: 50 }),
        jobFilter,
        message: message?.text ?? null,
        messageKind: message?.kind ?? "ok",
      },
      { partial: "jobs/table", title: "Jobs", status },
    );
  };

  /** Runs an action from a form; an AppError becomes the page with the message and its status. */
  const act = async (c: Context<AppEnv>, action: () => string | Promise<string>) => {
    try {
      const done = await action();
      return c.redirect(`/jobs?done=${encodeURIComponent(done)}`, 303);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const status = error.code === "conflict" ? 409 : error.code === "not_found" ? 404 : 400;
      return page(c, { text: error.message, kind: "error" }, status);
    }
  };

  app.get("/jobs", (c) => {
    const done = c.req.query("done");
    return page(c, done ? { text: done.slice(0, 200), kind: "ok" } : undefined);
  });

  app.get("/jobs/table", (c) => renderPartial(c, "jobs/table", tableData()));

  app.post("/jobs/:name/run", (c) =>
    act(c, () => {
      const run = runner().trigger(parseJobName(c.req.param("name")), "manual");
      return `${run.job} started (run #${run.runId})`;
    }),
  );

  app.post("/jobs/:name/cancel", (c) =>
    act(c, () => {
      const name = parseJobName(c.req.param("name"));
      runner().get(name);
      return runner().cancel(name) ? `${name}: cancel requested` : `${name} was not running here`;
    }),
  );

  app.post("/jobs/:name/schedule", (c) =>
    act(c, async () => {
      const name = parseJobName(c.req.param("name"));
      runner().get(name);
      const body = await c.req.parseBody();
      const value = typeof body.schedule === "string" ? body.schedule : "";
      saveScheduleOverride(deps, name, value.length > 200 ? value.slice(0, 200) : value);
      runner().reschedule(name);
      const { expression, source } = runner().schedule(name);
      return `${name}: schedule ${expression ?? "off"} (${source})`;
    }),
  );

  const runData = (id: number) => {
    const run = runDetail(deps, runner(), id);
    if (!run) throw new NotFoundError("job run", id);
    return { run, fmt: jobsFormat };
  };

  app.get("/jobs/runs/:id", (c) => {
    const data = runData(parseRunId(c.req.param("id")));
    return render(c, "jobs/run", data, {
      partial: "jobs/run-live",
      title: `${data.run.job} #${data.run.id}`,
    });
  });

  app.get("/jobs/runs/:id/live", (c) =>
    renderPartial(c, "jobs/run-live", runData(parseRunId(c.req.param("id")))),
  );
}
