/**
 * Smoothed speed from the bytes aria2c reports on disk: an exponential moving average with a
 * ~5 s time constant, so ETA does not jump with every poll but follows a real change within
 * seconds.
 */
const TAU_MS = 5_000;

export class SpeedTracker {
  private readonly samples = new Map<string, { bytes: number; at: number; speed: number }>();

  /** Records `bytes` for `key` at `now`; returns the smoothed bytes per second. */
  update(key: string, bytes: number, now: number, reported = 0): number {
    const last = this.samples.get(key);
    if (!last || bytes < last.bytes) {
      this.samples.set(key, { bytes, at: now, speed: reported });
      return reported;
    }
    const dt = now - last.at;
    if (dt <= 0) return last.speed;
    const instant = ((bytes - last.bytes) * 1000) / dt;
    const alpha = 1 - Math.exp(-dt / TAU_MS);
    const speed = last.speed + alpha * (instant - last.speed);
    this.samples.set(key, { bytes, at: now, speed });
    return speed;
  }

  forget(key: string): void {
    this.samples.delete(key);
  }
}

/** Seconds left at `speed`, or qBittorrent's "unknown" (8640000). */
export const ETA_UNKNOWN = 8_640_000;

export function etaSeconds(remaining: number, speed: number): number {
  if (remaining <= 0) return 0;
  if (speed <= 0) return ETA_UNKNOWN;
  return Math.min(ETA_UNKNOWN, Math.ceil(remaining / speed));
}
