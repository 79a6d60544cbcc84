import type { Context } from "hono";
import type { Deps } from "../../deps.ts";
import { AppError, NotFoundError, ValidationError } from "../../errors.ts";
import { jobsOverview, runDetail } from "../../jobs/overview.ts";
import { saveScheduleOverride } from "../../jobs/schedules.ts";
import type { App, AppEnv } from "../context.ts";
import { readForm } from "../form.ts";
import { render, renderPartial } from "../render.ts";
import { historyData } from "./history-data.ts";
import { parseJobName, parseRunId } from "./params.ts";
import { jobsFormat } from "./view-format.ts";

interface ScheduleDraft {
  job: string;
  value: string;
  problem: string;
}

/** /jobs: every job with schedule, next run, last outcome, run-now; history; one run's live log. */
export function registerJobsHtml(app: App, deps: Deps): void {
  const tableData = () => {
    const jobs = jobsOverview(deps, deps.jobs);
    return {
      jobs,
      anyRunning: jobs.some((j) => j.running),
      fmt: jobsFormat(deps.time, deps.clock.now()),
    };
  };

  /** The runs under the table, of one job (?job=) or all; the fragment polls while one runs. */
  const history = (c: Context<AppEnv>) =>
    historyData(deps, { job: c.req.query("job"), limit: c.req.query("limit") });

  const page = (
    c: Context<AppEnv>,
    message?: { text: string; kind: "ok" | "error" },
    status = 200,
    /** A refused schedule: its form stays open with what was typed and why it was refused. */
    draft: ScheduleDraft | null = null,
  ) => {
    return render(
      c,
      "jobs/index",
      {
        ...tableData(),
        draft,
        ...history(c),
        message: message?.text ?? null,
        messageKind: message?.kind ?? "ok",
      },
      { partial: "jobs/table", title: "Jobs", status },
    );
  };

  /**
   * Runs an action from a form and redirects to /jobs?done=<action>&name=<job>; the page words
   * the message itself (a link cannot make it display arbitrary text). An AppError becomes the
   * page with the message and its status.
   */
  const act = async (
    c: Context<AppEnv>,
    action: () => "started" | "cancelled" | "scheduled" | Promise<"scheduled">,
    draftOf: (error: AppError) => ScheduleDraft | null = () => null,
  ) => {
    try {
      const done = await action();
      return c.redirect(`/jobs?done=${done}&name=${encodeURIComponent(c.req.param("name") ?? "")}`, 303);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const status = error.code === "conflict" ? 409 : error.code === "not_found" ? 404 : 400;
      return page(c, { text: error.message, kind: "error" }, status, draftOf(error));
    }
  };

  /** The confirmation of the last action, from the runner's own state. */
  const doneMessage = (done: string | undefined, job: string | undefined): string | null => {
    const def = deps.jobs.list().find((d) => d.name === job);
    if (!def || !done) return null;
    const active = deps.jobs.activeRun(def.name);
    if (done === "started")
      return active ? `${def.name} started (run #${active.runId})` : `${def.name} started`;
    if (done === "cancelled") return `${def.name}: cancel requested`;
    if (done === "scheduled") {
      const { expression, source } = deps.jobs.schedule(def.name);
      return `${def.name}: schedule ${expression ?? "off"} (${source})`;
    }
    return null;
  };

  app.get("/jobs", (c) => {
    const text = doneMessage(c.req.query("done"), c.req.query("name"));
    return page(c, text ? { text, kind: "ok" } : undefined);
  });

  app.get("/jobs/table", (c) => renderPartial(c, "jobs/table", tableData()));
  app.get("/jobs/history", (c) => renderPartial(c, "jobs/history", history(c)));

  app.post("/jobs/:name/run", (c) =>
    act(c, () => {
      deps.jobs.trigger(parseJobName(c.req.param("name")), "manual");
      return "started";
    }),
  );

  app.post("/jobs/:name/cancel", (c) =>
    act(c, () => {
      const name = parseJobName(c.req.param("name"));
      deps.jobs.get(name);
      deps.jobs.cancel(name);
      return "cancelled";
    }),
  );

  app.post("/jobs/:name/schedule", async (c) => {
    const body = await readForm(c);
    const raw = typeof body.schedule === "string" ? body.schedule : "";
    const value = raw.length > 200 ? raw.slice(0, 200) : raw;
    return act(
      c,
      () => {
        const name = parseJobName(c.req.param("name"));
        deps.jobs.get(name);
        saveScheduleOverride(deps, name, value);
        deps.jobs.reschedule(name);
        return "scheduled" as const;
      },
      (error) =>
        error instanceof ValidationError ? { job: c.req.param("name"), value, problem: error.message } : null,
    );
  });

  const runData = (id: number) => {
    const run = runDetail(deps, deps.jobs, id);
    if (!run) throw new NotFoundError("job run", id);
    return { run, fmt: jobsFormat(deps.time, deps.clock.now()) };
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
