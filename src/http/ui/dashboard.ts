import { streamSSE } from "hono/streaming";
import type { Deps } from "../../deps.ts";
import { ValidationError } from "../../errors.ts";
import { failedSyncRuns, jobsOverview } from "../../jobs/overview.ts";
import { formatCount, formatDuration } from "../../lib/format.ts";
import { accountsGlance, dashboardGlance } from "../../services/library-view/glance.ts";
import { dashboardSummary } from "../../services/library-view/list.ts";
import { isSyncAction, SYNC_ACTIONS } from "../../services/library-view/sync-console.ts";
import { canResumeSync } from "../../services/sync/index.ts";
import type { App } from "../context.ts";
import { historyData } from "../jobs/history-data.ts";
import { jobsFormat } from "../jobs/view-format.ts";
import { isHtmx, render, renderPartial } from "../render.ts";
import { toastTrigger } from "./htmx.ts";
import { viewHelpers } from "./view-helpers.ts";

const RUNS_SHOWN = 10;

/** The dashboard's sync buttons: resume only shows beside a run that stopped before its end. */
const { resume: _resume, ...STARTABLE } = SYNC_ACTIONS;

/** The dashboard (/), its sync buttons and the live activity console (server-sent events). */
export function registerDashboard(app: App, deps: Deps): void {
  const sync = deps.syncConsole;

  // The same runs, from the same service, as /jobs: one history.
  const runsData = () => ({
    ...historyData(deps, { limit: RUNS_SHOWN }),
    canResume: canResumeSync(deps) && deps.syncConsole.current() === null,
    h: viewHelpers(deps.time),
    now: deps.clock.now(),
  });

  app.get("/", (c) =>
    render(c, "ui/dashboard", {
      title: "Dashboard",
      summary: dashboardSummary(deps),
      actions: STARTABLE,
      running: sync.current(),
      providerConfigured: deps.providers.configured().length > 0,
      ...runsData(),
    }),
  );

  // At a glance: loaded after the page (accounts ask each provider), so "/" stays as fast.
  app.get("/ui/glance", async (c) => {
    const jobs = jobsOverview(deps, deps.jobs);
    return renderPartial(c, "ui/glance", {
      glance: await dashboardGlance(deps),
      nextJobs: jobs
        .filter((j) => j.nextRun !== null)
        .sort((a, b) => String(a.nextRun).localeCompare(String(b.nextRun)))
        .slice(0, 3),
      failedJobs: jobs.filter((j) => j.last?.status === "failed" || j.last?.status === "interrupted"),
      failedSyncs: failedSyncRuns(deps, deps.jobs),
      fmt: jobsFormat(deps.time, deps.clock.now()),
      h: viewHelpers(deps.time),
      now: deps.clock.now(),
    });
  });
  app.get("/ui/glance/accounts", async (c) =>
    renderPartial(c, "ui/glance-accounts", {
      accounts: await accountsGlance(deps),
      h: viewHelpers(deps.time),
    }),
  );
  app.get("/ui/sync-runs", (c) => renderPartial(c, "ui/sync-runs", runsData()));
  app.get("/ui/stat-cards", (c) =>
    renderPartial(c, "ui/stat-cards", { summary: dashboardSummary(deps), h: viewHelpers(deps.time) }),
  );

  app.post("/sync/stop", (c) => {
    const stopped = sync.stop();
    if (!isHtmx(c)) return c.redirect("/", 303);
    c.header(
      "HX-Trigger",
      toastTrigger(
        stopped ? "warn" : "info",
        stopped ? "Stopping the sync at its next checkpoint…" : "No sync started here is running",
      ),
    );
    return c.body(null, 204);
  });

  app.post("/sync/:action", (c) => {
    const action = c.req.param("action");
    if (!isSyncAction(action)) {
      throw new ValidationError(`unknown sync action "${action}" (${Object.keys(SYNC_ACTIONS).join(", ")})`);
    }
    sync.start(action);
    if (!isHtmx(c)) return c.redirect("/", 303);
    c.header("HX-Trigger", toastTrigger("info", `${SYNC_ACTIONS[action].label} started`));
    return c.body(null, 202);
  });

  /**
   * The console's live feed: the recent backlog (so a page opened mid-run sees the start), then
   * each new event. `Last-Event-ID` (sent by EventSource on reconnect) skips what was seen.
   */
  app.get("/sync/events", (c) => {
    const after = Number(c.req.header("last-event-id") ?? 0) || 0;
    return streamSSE(c, async (stream) => {
      const queue: string[] = [];
      let wake: (() => void) | null = null;
      let replaying = true;
      const unsubscribe = sync.follow(after, (event) => {
        const data = JSON.stringify({
          ...event.data,
          ...consoleWords(deps, event.data, event.at),
          live: !replaying,
        });
        queue.push(`id: ${event.id}\nevent: ${event.type}\ndata: ${data}\n\n`);
        wake?.();
      });
      replaying = false;
      const aborted = new Promise<void>((resolve) => stream.onAbort(() => resolve()));
      stream.onAbort(() => unsubscribe());
      await stream.writeSSE({ event: "state", data: JSON.stringify({ running: sync.current() !== null }) });
      while (!stream.aborted && !stream.closed) {
        while (queue.length > 0) await stream.write(queue.shift() as string);
        // Wait for the next event, or send a comment every 15 s so proxies keep the line open.
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          new Promise<void>((resolve) => {
            wake = resolve;
          }),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, 15_000);
          }),
          aborted,
        ]);
        clearTimeout(timer);
        wake = null;
        if (queue.length === 0 && !stream.aborted) await stream.write(": keep-alive\n\n");
      }
      unsubscribe();
    });
  });
}

/**
 * What the console shows, formatted here as on every page: the time on the configured zone's
 * 24-hour clock, progress counts with separators, the time left in words.
 */
function consoleWords(deps: Deps, data: Record<string, unknown>, at: number) {
  const words: Record<string, unknown> = { at, clock: deps.time.clock(at) };
  if (typeof data.done === "number") words.doneText = formatCount(data.done);
  if (typeof data.total === "number") words.totalText = formatCount(data.total);
  if (typeof data.etaMs === "number" && data.etaMs > 0) words.etaText = formatDuration(data.etaMs);
  return words;
}
