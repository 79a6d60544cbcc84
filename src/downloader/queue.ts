import PQueue from "p-queue";
import type { StorageType } from "./storage.ts";

/**
 * The size-aware download queue. A p-queue with concurrency 1 is the dispatcher: it hands files to
 * aria2c one at a time in priority order; the file at its head waits until the disk's budget
 * admits it. Only a file of higher priority overtakes it (the head steps back into the queue);
 * files of equal or lower priority wait behind, so a 60 GB file is never starved by a stream of
 * small ones added after it.
 *
 * HDD budget: 6 units. A file's weight comes from its size:
 *
 * | file size                          | weight | what can run together                          |
 * | ---------------------------------- | ------ | ---------------------------------------------- |
 * | < SMALL_FILE_THRESHOLD (5 GB)      | 2      | up to 3 small files                            |
 * | SMALL ≤ size < LARGE (5–20 GB)     | 3      | 2 medium files, or 1 medium + 1 small          |
 * | ≥ LARGE_FILE_THRESHOLD (20 GB)     | 6      | alone                                          |
 *
 * SSD: every file weighs 1 and the budget is MAX_CONCURRENT_DOWNLOADS. Both: never more than
 * MAX_CONCURRENT_DOWNLOADS files at once.
 */
export interface QueueRules {
  storage: StorageType;
  smallFileThreshold: number;
  largeFileThreshold: number;
  maxConcurrent: number;
}

export const HDD_BUDGET = 6;

export function weightOf(size: number, rules: QueueRules): number {
  if (rules.storage === "ssd") return 1;
  if (size >= rules.largeFileThreshold) return HDD_BUDGET;
  if (size < rules.smallFileThreshold) return 2;
  return 3;
}

export function budgetOf(rules: QueueRules): number {
  return rules.storage === "ssd" ? rules.maxConcurrent : HDD_BUDGET;
}

/** Whether a file of `size` may start next to the running ones (pure: the table above). */
export function admits(runningSizes: number[], size: number, rules: QueueRules): boolean {
  if (runningSizes.length === 0) return true;
  if (runningSizes.length + 1 > rules.maxConcurrent) return false;
  const used = runningSizes.reduce((sum, s) => sum + weightOf(s, rules), 0);
  return used + weightOf(size, rules) <= budgetOf(rules);
}

export interface QueueItem {
  /** Stable id (the file's row id). */
  id: string;
  size: number;
  /** Higher runs first. */
  priority: number;
  /**
   * Resolves true when free space allows this file to start; false makes the queue hold (the
   * head keeps its place) and ask again after `spaceRetryMs`.
   */
  hasSpace(): Promise<boolean>;
  /** Hands the file to aria2c; false when it did not start (the slot is given back). */
  start(): Promise<boolean>;
}

export interface QueueSnapshot {
  running: Array<{ id: string; size: number; weight: number }>;
  waiting: number;
  used: number;
  budget: number;
  /** Why the head of the queue is not starting, if it is held. */
  held: string | null;
}

export class DownloadQueue {
  private readonly dispatcher = new PQueue({ concurrency: 1 });
  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, AbortController>();
  private readonly priorities = new Map<string, number>();
  private wake: (() => void) | null = null;
  private heldReason: string | null = null;

  constructor(
    private rules: QueueRules,
    private readonly options: { spaceRetryMs: number; onHeld?: (reason: string | null) => void } = {
      spaceRetryMs: 5_000,
    },
  ) {}

  setRules(rules: QueueRules): void {
    this.rules = rules;
    this.notify();
  }

  has(id: string): boolean {
    return this.running.has(id) || this.waiting.has(id);
  }

  isRunning(id: string): boolean {
    return this.running.has(id);
  }

  /** Adds a file to the queue (no-op when it is already queued or running). */
  enqueue(item: QueueItem): void {
    if (this.has(item.id)) return;
    const controller = new AbortController();
    this.waiting.set(item.id, controller);
    this.priorities.set(item.id, item.priority);
    this.dispatcher
      .add(
        async () => {
          const { signal } = controller;
          if (!(await this.waitForBudget(item, signal))) {
            // Outranked while waiting at the head: back into the queue at its priority.
            this.waiting.delete(item.id);
            this.enqueue({ ...item, priority: this.priorities.get(item.id) ?? item.priority });
            return;
          }
          this.running.set(item.id, item.size);
          this.waiting.delete(item.id);
          this.priorities.delete(item.id);
          try {
            while (!(await item.hasSpace())) {
              this.hold(`waiting for free disk space for ${item.id}`);
              await abortableSleep(this.options.spaceRetryMs, signal);
            }
            this.hold(null);
            if (signal.aborted) throw signal.reason;
            const started = await item.start();
            if (!started) this.release(item.id);
          } catch (error) {
            this.hold(null);
            this.release(item.id);
            if (!signal.aborted) throw error;
          }
        },
        { id: item.id, priority: item.priority, signal: controller.signal },
      )
      .catch(() => {
        // Aborted while waiting (paused, deleted): nothing to undo; start() errors are the caller's.
        this.waiting.delete(item.id);
        this.priorities.delete(item.id);
      });
    this.notify();
  }

  /** A download already in aria2c (after a restart): takes its slot without waiting. */
  attach(id: string, size: number): void {
    this.waiting.get(id)?.abort();
    this.waiting.delete(id);
    this.running.set(id, size);
  }

  /** The download ended (complete, failed, paused, removed): frees its slot. */
  release(id: string): void {
    if (this.running.delete(id)) this.notify();
  }

  /** Removes a file whether it waits or runs. */
  cancel(id: string): void {
    const controller = this.waiting.get(id);
    if (controller) {
      controller.abort(new Error("cancelled"));
      this.waiting.delete(id);
      this.priorities.delete(id);
      this.notify();
    }
    this.release(id);
  }

  setPriority(id: string, priority: number): void {
    if (!this.waiting.has(id) || this.priorities.get(id) === priority) return;
    this.priorities.set(id, priority);
    this.notify();
    try {
      this.dispatcher.setPriority(id, priority);
    } catch {
      // already at the head (dequeued, waiting for budget): its place is kept
    }
  }

  snapshot(): QueueSnapshot {
    const running = [...this.running].map(([id, size]) => ({ id, size, weight: weightOf(size, this.rules) }));
    return {
      running,
      waiting: this.waiting.size,
      used: running.reduce((s, r) => s + r.weight, 0),
      budget: budgetOf(this.rules),
      held: this.heldReason,
    };
  }

  /** Stops dispatching; running downloads are left to aria2c. */
  clear(): void {
    for (const controller of this.waiting.values()) controller.abort(new Error("stopped"));
    this.waiting.clear();
    this.priorities.clear();
    this.dispatcher.clear();
    this.notify();
  }

  private hold(reason: string | null): void {
    if (reason === this.heldReason) return;
    this.heldReason = reason;
    this.options.onHeld?.(reason);
  }

  /** Resolves true once the budget admits `item`, false if a higher-priority file should go first. */
  private async waitForBudget(item: QueueItem, signal: AbortSignal): Promise<boolean> {
    while (!admits([...this.running.values()], item.size, this.rules)) {
      if (signal.aborted) throw signal.reason;
      if (this.outranked(item.id)) return false;
      await new Promise<void>((resolve) => {
        const done = () => {
          signal.removeEventListener("abort", done);
          this.wake = null;
          resolve();
        };
        this.wake = done;
        signal.addEventListener("abort", done, { once: true });
      });
    }
    if (signal.aborted) throw signal.reason;
    return true;
  }

  private outranked(id: string): boolean {
    const own = this.priorities.get(id) ?? 0;
    for (const [other, priority] of this.priorities) if (other !== id && priority > own) return true;
    return false;
  }

  private notify(): void {
    this.wake?.();
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
