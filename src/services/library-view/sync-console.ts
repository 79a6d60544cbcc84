import type { Deps } from "../../deps.ts";
import { ConflictError, ValidationError } from "../../errors.ts";
import type { BusEvent } from "../../lib/event-bus.ts";
import { runningSync } from "../sync/index.ts";

/**
 * The dashboard's sync buttons: which job each one runs (a variant of it, or its resume), so a
 * sync started here is a run of that job, in the one run history /jobs and the dashboard show.
 */
export const SYNC_ACTIONS = {
  smart: {
    job: "smart-sync",
    label: "Smart sync",
    hint: "The list, then details only where something changed",
  },
  full: {
    job: "full-sync",
    label: "Full sync",
    hint: "The list, then details of every torrent (slow)",
  },
  torrents: {
    job: "smart-sync",
    variant: "list",
    label: "List only",
    hint: "The list alone: a fast overview",
  },
  errors: {
    job: "smart-sync",
    variant: "errors",
    label: "Retry errors",
    hint: "Details of every torrent in error, again",
  },
  resume: {
    job: "smart-sync",
    trigger: "resume",
    label: "Resume sync",
    hint: "Finish the last interrupted or failed sync from where it stopped",
  },
} as const satisfies Record<
  string,
  { job: string; variant?: string; trigger?: "resume"; label: string; hint: string }
>;

export type SyncAction = keyof typeof SYNC_ACTIONS;

export function isSyncAction(value: string): value is SyncAction {
  return Object.hasOwn(SYNC_ACTIONS, value);
}

/** One event of the activity console, numbered so a reconnecting browser resumes where it was. */
export interface ConsoleEvent {
  id: number;
  type: "start" | "log" | "progress" | "end";
  at: number;
  data: Record<string, unknown>;
}

const BACKLOG = 500;

/**
 * Live view of syncs for the web console: listens to the bus (`sync` topic: runs started here,
 * by a job or by a page), keeps the last lines so a page opened mid-run sees the beginning, and
 * starts runs in the background for the dashboard's buttons.
 */
export class SyncConsole {
  private readonly backlog: ConsoleEvent[] = [];
  private readonly listeners = new Set<(event: ConsoleEvent) => void>();
  private nextId = 1;
  /** The job the run started here belongs to, while it runs. */
  private job: string | null = null;
  private running: Promise<void> | null = null;
  /** Whether the sync of the run started here published its end. */
  private sawEnd = true;

  constructor(private readonly deps: Deps) {
    deps.bus.subscribe("sync", (event) => this.record(event));
  }

  private record(event: BusEvent): void {
    if (!["start", "log", "progress", "end"].includes(event.type)) return;
    const entry: ConsoleEvent = {
      id: this.nextId++,
      type: event.type as ConsoleEvent["type"],
      at: event.at,
      data: event.data,
    };
    // Progress is a state, not a story: keep only the latest one in the backlog.
    if (entry.type === "progress") {
      const last = this.backlog.at(-1);
      if (last?.type === "progress") this.backlog.pop();
    }
    if (entry.type === "end") this.sawEnd = true;
    this.backlog.push(entry);
    if (this.backlog.length > BACKLOG) this.backlog.splice(0, this.backlog.length - BACKLOG);
    for (const listener of this.listeners) listener(entry);
  }

  /** Events after `afterId` still in the backlog, then every new one until the returned function is called. */
  follow(afterId: number, listener: (event: ConsoleEvent) => void): () => void {
    for (const event of this.backlog) if (event.id > afterId) listener(event);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  events(): readonly ConsoleEvent[] {
    return this.backlog;
  }

  /** The run in progress (this process or another one), if any. */
  current(): { runId: number; mode: string; startedAt: number } | null {
    const row = runningSync(this.deps);
    return row ? { runId: row.id, mode: row.mode, startedAt: row.started_at } : null;
  }

  /**
   * Starts the action's job run in the background and returns at once. A second start while a
   * sync runs (here, in a job or in the CLI) is refused with a ConflictError naming the running one.
   */
  start(action: SyncAction): { runId: number } {
    const spec: { job: string; variant?: string; trigger?: "resume" } = SYNC_ACTIONS[action];
    if (!spec) throw new ValidationError(`unknown sync action ${JSON.stringify(action)}`);
    const busy = this.current();
    if (busy || this.running) {
      const what = busy ? `a ${busy.mode} sync (run ${busy.runId})` : "a sync";
      throw new ConflictError(`${what} is already running: wait for it to end or stop it`);
    }
    const run = this.deps.jobs.trigger(spec.job, spec.trigger ?? "manual", spec.variant);
    this.job = spec.job;
    this.sawEnd = false;
    this.running = run.done
      .then((finished) => {
        // Refused before the sync began (no token...): the sync never said it ended; say it here.
        if (!this.sawEnd && finished.status !== "succeeded") {
          const error = finished.error ?? finished.status;
          this.deps.bus.publish("sync", "log", { line: error, level: "error" });
          this.deps.bus.publish("sync", "end", { runId: null, status: finished.status, error });
        }
      })
      .finally(() => {
        this.running = null;
        this.job = null;
      });
    return { runId: run.runId };
  }

  /** Asks the run started here to stop at its next checkpoint (recorded as cancelled). */
  stop(): boolean {
    return this.job !== null && this.deps.jobs.cancel(this.job);
  }

  /** The background run, for tests and shutdown. */
  settled(): Promise<void> {
    return this.running ?? Promise.resolve();
  }
}
