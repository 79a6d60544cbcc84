/**
 * The server side of the rate limit: counts every request (refused ones too, as Real-Debrid
 * documents) over a sliding window.
 */
export class RequestWindow {
  private readonly times: number[] = [];

  constructor(
    public limit: number,
    public windowMs: number,
  ) {}

  /** Forgets past requests (a new limit starts with an empty window). */
  reset(): void {
    this.times.length = 0;
  }

  /** Records the request; true if it is within the limit. */
  admit(now = Date.now()): boolean {
    const cutoff = now - this.windowMs;
    let drop = 0;
    while (drop < this.times.length && (this.times[drop] as number) <= cutoff) drop++;
    if (drop) this.times.splice(0, drop);
    const allowed = this.times.length < this.limit;
    this.times.push(now);
    return allowed;
  }
}
