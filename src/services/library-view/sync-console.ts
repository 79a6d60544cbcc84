import type { Deps } from "../../deps.ts";
import { ConflictError, errorMessage, ValidationError } from "../../errors.ts";
import type { BusEvent } from "../../lib/event-bus.ts";
import { runningSync, runSync, type SyncMode, type SyncOptions, type SyncResult } from "../sync/index.ts";

/** The dashboard's sync buttons: what each one runs. */
export const SYNC_ACTIONS = {
  smart: {
    mode: "smart",
    options: {},
    label: "Smart sync",
    hint: "The list, then details only where something changed",
  },
  full: {
    mode: "full",
    options: {},
    label: "Full sync",
    hint: "The list, then details of every torrent (slow)",
  },
  torrents: { mode: "torrents", options: {}, label: "List only", hint: "The list alone: a fast overview" },
  errors: {
    mode: "details",
    options: { status: "error" },
    label: "Retry errors",
    hint: "Details of every torrent in error, again",
  },
  resume: {
    mode: "resume",
    options: {},
    label: "Resume sync",
    hint: "Finish the last interrupted or failed sync from where it stopped",
  },
} as const satisfies Record<string, { mode: SyncMode; options: SyncOptions; label: string; hint: string }>;

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
  private controller: AbortController | null = null;
  private running: Promise<SyncResult | null> | null = null;

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
   * Starts a sync in the background and returns at once. A second start while one runs (here,
   * in a job or in the CLI) is refused with a ConflictError naming the running one.
   */
  start(action: SyncAction): { mode: SyncMode } {
    const spec = SYNC_ACTIONS[action];
    if (!spec) throw new ValidationError(`unknown sync action ${JSON.stringify(action)}`);
    const busy = this.current();
    if (busy || this.running) {
      const what = busy ? `a ${busy.mode} sync (run ${busy.runId})` : "a sync";
      throw new ConflictError(`${what} is already running: wait for it to end or stop it`);
    }
    const controller = new AbortController();
    this.controller = controller;
    let lastProgress = 0;
    const options: SyncOptions = {
      ...spec.options,
      signal: controller.signal,
      onProgress: (progress) => {
        // Enough for a smooth bar, without flooding every open console.
        const now = Date.now();
        if (now - lastProgress < 250 && progress.done !== progress.total) return;
        lastProgress = now;
        this.deps.bus.publish("sync", "progress", { ...progress });
      },
    };
    this.running = runSync(this.deps, spec.mode, options)
      .catch((error: unknown) => {
        // Refused before the run began (no token, already running elsewhere): say so in the console.
        this.deps.bus.publish("sync", "log", { line: errorMessage(error), level: "error" });
        this.deps.bus.publish("sync", "end", {
          runId: null,
          mode: spec.mode,
          status: "failed",
          error: errorMessage(error),
        });
        return null;
      })
      .finally(() => {
        this.running = null;
        this.controller = null;
      });
    return { mode: spec.mode };
  }

  /** Asks the run started here to stop at its next checkpoint. */
  stop(): boolean {
    if (!this.controller) return false;
    this.controller.abort(new Error("stopped from the web UI"));
    return true;
  }

  /** The background run, for tests and shutdown. */
  settled(): Promise<SyncResult | null> {
    return this.running ?? Promise.resolve(null);
  }
}
