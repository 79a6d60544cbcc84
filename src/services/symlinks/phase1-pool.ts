import type { CheckedBatch, FolderPart, ListedTree, WorkerReply, WorkerRequest } from "./phase1-protocol.ts";

type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

interface Task {
  request: Request;
  /** Streamed replies ("checked", done: false) before the final one. */
  onPartial?: (reply: WorkerReply) => void;
  resolve(reply: WorkerReply, worker: number): void;
  reject(error: unknown): void;
}

/**
 * A fixed set of phase-1 worker threads; each runs one task at a time, so the number of files
 * being opened at once is bounded by the worker count. `terminate()` stops everything at once
 * (cancel): pending tasks reject, and a thread stuck in a hung read is abandoned, not awaited.
 */
export class Phase1Pool {
  private readonly idle: number[] = [];
  private readonly busy = new Map<number, Task>();
  private readonly shared: Task[] = [];
  private readonly own: Task[][];
  private readonly dead = new Set<number>();
  private nextId = 1;
  private stopped: unknown = null;

  private constructor(private readonly workers: Worker[]) {
    this.own = workers.map(() => []);
  }

  static async start(
    size: number,
    init: { root: string; minSizeBytes: number; collectMedia: boolean; keepUpTo: number },
  ): Promise<Phase1Pool> {
    const workers = Array.from(
      { length: size },
      // smol: a smaller heap per thread; these threads hold little.
      () => new Worker(new URL("./phase1-worker.ts", import.meta.url).href, { smol: true }),
    );
    const pool = new Phase1Pool(workers);
    workers.forEach((worker, index) => {
      worker.onmessage = (event: MessageEvent<WorkerReply>) => pool.onReply(index, event.data);
      worker.onerror = (event) => pool.onCrash(index, event);
      pool.idle.push(index);
    });
    await Promise.all(workers.map((_, index) => pool.run({ op: "init", ...init }, index)));
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  /** Lists a folder (or walks its subtree) on any free worker, which keeps the entries found. */
  async list(dir: string, recursive: boolean): Promise<ListedTree> {
    const reply = await this.run({ op: "list", dir, recursive });
    if (reply.op !== "listed") throw new Error(`phase-1 worker: unexpected reply ${reply.op}`);
    return reply.tree;
  }

  /** Checks what `worker` kept plus `parts`, calling `onBatch` as results stream in. */
  async check(worker: number, parts: FolderPart[], onBatch: (batch: CheckedBatch) => void): Promise<void> {
    const onPartial = (reply: WorkerReply) => {
      if (reply.op === "checked") onBatch(reply.batch);
    };
    const reply = await this.run({ op: "check", parts }, worker, onPartial);
    if (reply.op !== "checked") throw new Error(`phase-1 worker: unexpected reply ${reply.op}`);
    onBatch(reply.batch);
  }

  terminate(reason: unknown = new Error("phase-1 pool stopped")): void {
    if (this.stopped) return;
    this.stopped = reason;
    const pending = [
      ...this.busy.values(),
      ...this.shared.splice(0),
      ...this.own.flatMap((q) => q.splice(0)),
    ];
    this.busy.clear();
    for (const task of pending) task.reject(reason);
    for (const worker of this.workers) worker.terminate();
  }

  private run(request: Request, worker?: number, onPartial?: Task["onPartial"]): Promise<WorkerReply> {
    if (this.stopped) return Promise.reject(this.stopped);
    if (worker !== undefined && this.dead.has(worker)) {
      return Promise.reject(new Error(`phase-1 worker ${worker} crashed earlier`));
    }
    return new Promise((resolve, reject) => {
      const task: Task = { request, onPartial, resolve: (reply) => resolve(reply), reject };
      if (worker === undefined) this.shared.push(task);
      else (this.own[worker] as Task[]).push(task);
      this.pump();
    });
  }

  private pump(): void {
    for (let i = 0; i < this.idle.length; ) {
      const index = this.idle[i] as number;
      const task = (this.own[index] as Task[]).shift() ?? this.shared.shift();
      if (!task) {
        i++;
        continue;
      }
      this.idle.splice(i, 1);
      this.busy.set(index, task);
      (this.workers[index] as Worker).postMessage({ ...task.request, id: this.nextId++ });
    }
  }

  private onReply(index: number, reply: WorkerReply): void {
    const task = this.busy.get(index);
    if (!task) return;
    if (reply.op === "checked" && !reply.done) {
      task.onPartial?.(reply);
      return;
    }
    this.busy.delete(index);
    this.idle.push(index);
    if (reply.op === "error") task.reject(new Error(`phase-1 worker: ${reply.message}`));
    else task.resolve(reply, index);
    this.pump();
  }

  private onCrash(index: number, event: ErrorEvent): void {
    const error = new Error(`phase-1 worker crashed: ${event.message}`);
    this.dead.add(index);
    this.busy.get(index)?.reject(error);
    this.busy.delete(index);
    for (const task of (this.own[index] as Task[]).splice(0)) task.reject(error);
    // Its kept entries are lost with it: the scan fails rather than report a partial check.
    this.terminate(error);
  }
}
