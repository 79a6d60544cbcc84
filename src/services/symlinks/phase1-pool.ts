import type { CheckedBatch, ListedFolder, WorkerReply, WorkerRequest } from "./phase1-protocol.ts";

type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

interface Task {
  request: Request;
  resolve(reply: WorkerReply): void;
  reject(error: unknown): void;
}

/**
 * A fixed set of phase-1 worker threads; each runs one task at a time, so the number of files
 * being opened at once is bounded by the worker count. `terminate()` stops everything at once
 * (cancel): pending tasks reject, and a thread stuck in a hung read is abandoned, not awaited.
 */
export class Phase1Pool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Task>();
  private readonly queue: Task[] = [];
  private nextId = 1;
  private stopped: unknown = null;
  private alive: number;

  private constructor(private readonly workers: Worker[]) {
    this.alive = workers.length;
  }

  static async start(
    size: number,
    init: { root: string; minSizeBytes: number; collectMedia: boolean },
  ): Promise<Phase1Pool> {
    const workers = Array.from(
      { length: size },
      // smol: a smaller heap per thread; these threads hold almost nothing.
      () => new Worker(new URL("./phase1-worker.ts", import.meta.url).href, { smol: true }),
    );
    const pool = new Phase1Pool(workers);
    for (const worker of workers) {
      worker.onmessage = (event: MessageEvent<WorkerReply>) => pool.onReply(worker, event.data);
      worker.onerror = (event) => pool.onCrash(worker, event);
      pool.idle.push(worker);
    }
    await Promise.all(workers.map(() => pool.run({ op: "init", ...init })));
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  async list(dir: string): Promise<ListedFolder> {
    const reply = await this.run({ op: "list", dir });
    if (reply.op !== "listed") throw new Error(`phase-1 worker: unexpected reply ${reply.op}`);
    return reply.folder;
  }

  async check(dir: string, names: string[], links: number[]): Promise<CheckedBatch> {
    const reply = await this.run({ op: "check", dir, names, links });
    if (reply.op !== "checked") throw new Error(`phase-1 worker: unexpected reply ${reply.op}`);
    return reply.batch;
  }

  terminate(reason: unknown = new Error("phase-1 pool stopped")): void {
    if (this.stopped) return;
    this.stopped = reason;
    for (const task of [...this.busy.values(), ...this.queue.splice(0)]) task.reject(reason);
    this.busy.clear();
    for (const worker of this.workers) worker.terminate();
  }

  private run(request: Request): Promise<WorkerReply> {
    if (this.stopped) return Promise.reject(this.stopped);
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop() as Worker;
      const task = this.queue.shift() as Task;
      this.busy.set(worker, task);
      worker.postMessage({ ...task.request, id: this.nextId++ });
    }
  }

  private onReply(worker: Worker, reply: WorkerReply): void {
    const task = this.busy.get(worker);
    if (!task) return;
    this.busy.delete(worker);
    this.idle.push(worker);
    if (reply.op === "error") task.reject(new Error(`phase-1 worker: ${reply.message}`));
    else task.resolve(reply);
    this.pump();
  }

  private onCrash(worker: Worker, event: ErrorEvent): void {
    const task = this.busy.get(worker);
    this.busy.delete(worker);
    const error = new Error(`phase-1 worker crashed: ${event.message}`);
    task?.reject(error);
    // A crashed thread is not reused; the rest of the pool carries on while one is left.
    this.alive--;
    if (this.alive <= 0) this.terminate(error);
  }
}
