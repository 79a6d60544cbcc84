import type { StorageType } from "../../../downloader/storage.ts";

/** Copies running at once onto one disk: a disk with heads writes one stream well, flash several. */
export const COPIES_PER_DISK: Readonly<Record<StorageType, number>> = { hdd: 1, ssd: 2 };

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
}

/**
 * Who copies onto which disk now: per target device (st_dev), at most COPIES_PER_DISK copies,
 * the others wait in arrival order. In memory: after a restart the moves simply queue again.
 */
export class MoveSlots {
  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, Waiter[]>();

  /** Resolves once a copy onto `device` may start; rejects when `signal` aborts first. */
  async acquire(device: string, kind: StorageType, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const queue = this.waiting.get(device) ?? [];
    if (queue.length === 0 && (this.running.get(device) ?? 0) < COPIES_PER_DISK[kind]) {
      this.running.set(device, (this.running.get(device) ?? 0) + 1);
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject };
      queue.push(waiter);
      this.waiting.set(device, queue);
      signal.addEventListener(
        "abort",
        () => {
          const at = queue.indexOf(waiter);
          if (at >= 0) queue.splice(at, 1);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  /** The copy onto `device` ended: the next in line starts (its slot passes on directly). */
  release(device: string): void {
    const next = this.waiting.get(device)?.shift();
    if (next) {
      next.resolve();
      return;
    }
    const count = (this.running.get(device) ?? 1) - 1;
    if (count <= 0) this.running.delete(device);
    else this.running.set(device, count);
  }

  /** Copies running onto `device` (for messages and tests). */
  runningOn(device: string): number {
    return this.running.get(device) ?? 0;
  }
}
