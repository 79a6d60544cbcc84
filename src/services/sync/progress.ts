import type { SyncProgress } from "./types.ts";

/** Rate and ETA of a details phase, from the requests made so far. */
export class ProgressMeter {
  private readonly started: number;

  constructor(
    private readonly now: () => number,
    readonly total: number,
  ) {
    this.started = now();
  }

  snapshot(done: number, requests: number, phase: SyncProgress["phase"] = "details"): SyncProgress {
    const elapsed = Math.max(1, this.now() - this.started);
    const ratePerMinute = (requests / elapsed) * 60_000;
    const perItem = done > 0 ? elapsed / done : null;
    return {
      phase,
      done,
      total: this.total,
      ratePerMinute: Math.round(ratePerMinute * 10) / 10,
      etaMs: perItem === null ? null : Math.round(perItem * (this.total - done)),
    };
  }
}
