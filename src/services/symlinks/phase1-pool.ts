import type { CheckedBatch, ListedFolder, WorkerReply, WorkerRequest } from "./phase1-protocol.ts";

type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

interface Task {
  request: Request;
  resolve(reply: WorkerReply, worker: number): void;
  reject(error: unknown): void;
}

/**
 * A fixed set of phase-1 worker threads; each runs one task at a time, so the number of files
 * being opened at once is bounded by the worker count. A task may be bound to one worker (the
 * one that kept a folder's entries). `terminate()` stops everything at once (cancel): pending
 * tasks reject, and a thread stuck in a hung read is abandoned, not awaited.
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

  /** Lists a folder on any free worker; says which worker kept its entries. */
  async list(dir: string): Promise<{ folder: ListedFolder; worker: number }> {
    const { reply, worker } = await this.runOn({ op: "list", dir });
    if (reply.op !== "listed") throw new Error(`phase-1 worker: unexpected reply ${reply.op}`);
    return { folder: reply.folder, worker };
  }

  /**
   * Checks entries: given (`names` SEP-joined, `links` flags) on any worker, or the ones kept
   * by `worker` when it listed `dir`.
   */
  async check(
    dir: string,
    from: { worker: number } | { names: string; links: string },
  ): Promise<CheckedBatch> {
    const { reply } =
      "worker" in from
        ? await this.runOn({ op: "check", dir }, from.worker)
        : await this.runOn({ op: "check", dir, names: from.names, links: from.links });
    if (reply.op !== "checked") throw new Error(`phase-1 worker: unexpected reply ${reply.op}`);
    return reply.batch;
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

  private async run(request: Request, worker?: number): Promise<WorkerReply> {
    return (await this.runOn(request, worker)).reply;
  }

  private runOn(request: Request, worker?: number): Promise<{ reply: WorkerReply; worker: number }> {
    if (this.stopped) return Promise.reject(this.stopped);
    if (worker !== undefined && this.dead.has(worker)) {
      return Promise.reject(new Error(`phase-1 worker ${worker} crashed earlier`));
    }
    return new Promise((resolve, reject) => {
      const task: Task = { request, resolve: (reply, index) => resolve({ reply, worker: index }), reject };
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
    // A crashed thread is not reused; the rest of the pool carries on while one is left.
    if (this.dead.size >= this.workers.length) this.terminate(error);
  }
}
