import { afterEach, describe, expect, test } from "bun:test";
import { createApp } from "../../../src/http/app.ts";
import { BUILTIN_JOBS } from "../../../src/jobs/definitions/index.ts";
import type { JobDefinition } from "../../../src/jobs/types.ts";
import { PROVIDERS } from "../../../src/providers/list.ts";
import { makeTestDeps, type TestDeps } from "../../helpers/deps.ts";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function until<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error("condition not met in time");
    await Bun.sleep(20);
  }
}

/** Test deps whose runner also has `slow`, a job that runs until the test lets it go. */
function setup() {
  let release: (() => void) | null = null;
  const slow: JobDefinition = {
    name: "slow",
    description: "runs until released",
    defaultSchedule: "off",
    async run(ctx) {
      ctx.progress({ phase: "waiting", done: 1, total: 4 });
      await new Promise<void>((resolve, reject) => {
        release = resolve;
        ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason), { once: true });
      });
      return { counts: { items: 4 } };
    },
  };
  const deps: TestDeps = makeTestDeps({}, PROVIDERS, { jobs: [slow, ...BUILTIN_JOBS] });
  const runner = deps.jobs;
  cleanups.push(() => deps[Symbol.dispose]());
  cleanups.push(() => runner.stop(2000));
  const app = createApp(deps);
  let csrf: { cookie: string; token: string } | null = null;
  /** The CSRF cookie and token a browser gets with the page. */
  const session = async () => {
    if (!csrf) {
      const page = await app.request("/jobs");
      const cookie = (page.headers.get("set-cookie") ?? "").split(";")[0] as string;
      const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
      csrf = { cookie, token };
    }
    return csrf;
  };
  /** A form POST the way a browser sends it: CSRF cookie plus the page's `_csrf` field. */
  const post = async (path: string, fields: Record<string, string> = {}) => {
    const { cookie, token } = await session();
    return app.request(path, {
      method: "POST",
      headers: { cookie },
      body: new URLSearchParams({ _csrf: token, ...fields }),
    });
  };
  /** A JSON API call as htmx or a script sends it (token in the X-CSRF-Token header). */
  const api = async (path: string) => {
    const { cookie, token } = await session();
    return app.request(path, { method: "POST", headers: { cookie, "x-csrf-token": token } });
  };
  const letGo = async () => (await until(async () => release))();
  return { deps, app, runner, letGo, post, api };
}

const json = (res: Response) => res.json() as Promise<Record<string, unknown>>;

describe("jobs API", () => {
  test("GET /api/jobs lists every job with its schedule", async () => {
    const { app } = setup();
    const res = await app.request("/api/jobs");
    expect(res.status).toBe(200);
    const { jobs } = (await json(res)) as {
      jobs: Array<{ name: string; schedule: { expression: string | null } }>;
    };
    expect(jobs.map((j) => j.name)).toEqual(["slow", ...BUILTIN_JOBS.map((j) => j.name)]);
    expect(jobs.find((j) => j.name === "backup")?.schedule.expression).toBe("15 3 * * *");
  });

  test("POST /api/jobs/:name/run answers 202, then 409 while the job runs", async () => {
    const { app, letGo, api } = setup();
    const first = await api("/api/jobs/slow/run");
    expect(first.status).toBe(202);
    const { run } = (await json(first)) as { run: { id: number; url: string } };
    const second = await api("/api/jobs/slow/run");
    expect(second.status).toBe(409);
    expect(((await json(second)) as { error: { message: string } }).error.message).toMatch(
      new RegExp(`slow is already running: run #${run.id}`),
    );
    await letGo();
    const done = await until(async () => {
      const body = (await json(await app.request(run.url))) as { run: { status: string; counts: object } };
      return body.run.status === "succeeded" ? body.run : null;
    });
    expect(done.counts).toEqual({ items: 4 });
    expect((await api("/api/jobs/slow/run")).status).toBe(202);
    await letGo();
  });

  test("unknown job 404, unavailable job 400, bad run id 400", async () => {
    const { app, api } = setup();
    expect((await app.request("/api/jobs/slow/run", { method: "POST" })).status).toBe(403);
    expect((await api("/api/jobs/nope/run")).status).toBe(404);
    expect((await api("/api/jobs/..%2F/run")).status).toBe(404);
    const unavailable = await api("/api/jobs/smart-sync/run");
    expect(unavailable.status).toBe(400);
    expect(((await json(unavailable)) as { error: { message: string } }).error.message).toContain(
      "RD_API_TOKEN",
    );
    expect((await app.request("/api/jobs/runs/abc")).status).toBe(400);
    expect((await app.request("/api/jobs/runs/999")).status).toBe(404);
    expect((await app.request("/api/jobs/runs?limit=-3")).status).toBe(400);
  });
});

describe("jobs page", () => {
  test("lists the jobs with run-now forms carrying the CSRF field; polls only while a job runs", async () => {
    const { app, letGo, post } = setup();
    const idle = await (await app.request("/jobs")).text();
    expect(idle).toContain("<h1>Jobs</h1>");
    for (const job of BUILTIN_JOBS) expect(idle).toContain(`id="job-${job.name}"`);
    expect(idle).toContain('action="/jobs/backup/run"');
    expect(idle).toContain('name="_csrf"');
    expect(idle).not.toContain('hx-trigger="every 2s"');

    const started = await post("/jobs/slow/run");
    expect(started.status).toBe(303);
    expect(started.headers.get("location")).toBe("/jobs?done=started&name=slow");
    expect(await (await app.request("/jobs?done=started&name=slow")).text()).toMatch(
      /slow started \(run #\d+\)/,
    );
    expect(await (await app.request("/jobs?done=<b>owned</b>&name=slow")).text()).not.toContain("owned");
    const table = await (await app.request("/jobs/table", { headers: { "HX-Request": "true" } })).text();
    expect(table).toContain('hx-trigger="every 2s"');
    expect(table).toContain('<progress max="4" value="1">');

    const refused = await post("/jobs/slow/run");
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("slow is already running");
    await letGo();
    await until(async () => !(await (await app.request("/jobs/table")).text()).includes("every 2s"));
  });

  test("a finished run has a detail page and a report served with a no-script policy", async () => {
    const { app, runner } = setup();
    const finished = await runner.trigger("backup", "manual").done;
    expect(finished.status).toBe("succeeded");
    const detail = await (await app.request(`/jobs/runs/${finished.runId}`)).text();
    expect(detail).toContain("backup #");
    expect(detail).toContain("integrity ok");
    const report = await app.request(`/reports/${finished.reportPath}`);
    expect(report.status).toBe(200);
    expect(report.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(await report.text()).toContain("Backups kept");
    expect((await app.request("/reports")).headers.get("location")).toBe("/reports/index.html");
    expect((await app.request("/reports/index.html")).status).toBe(200);
    expect((await app.request("/reports/backup/..%2F..%2Fredriva.db")).status).toBe(404);
    expect((await app.request("/reports/backup/nothing.html")).status).toBe(404);
  });

  test("schedules are edited from the page: invalid ones are refused, valid ones apply at once", async () => {
    const { runner, post } = setup();
    const bad = await post("/jobs/backup/schedule", { schedule: "every night" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("invalid schedule for backup");
    runner.start();
    const ok = await post("/jobs/backup/schedule", { schedule: "0 1 * * *" });
    expect(ok.status).toBe(303);
    expect(runner.schedule("backup")).toMatchObject({ expression: "0 1 * * *", source: "settings" });
    expect(runner.nextRun("backup")?.getMinutes()).toBe(0);
    await post("/jobs/backup/schedule", { schedule: "off" });
    expect(runner.nextRun("backup")).toBeNull();
  });
});
