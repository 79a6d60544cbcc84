/**
 * Failed credentials per client, whichever way they came (login form, HTTP Basic on /api/*, the
 * qBittorrent API's auth/login or Basic header): after MAX_FAILURES within the window, every
 * attempt from that client is refused, the right password included, until the window passes.
 * A success clears the count.
 */
export class CredentialThrottle {
  static readonly MAX_FAILURES = 10;
  static readonly WINDOW_MS = 15 * 60_000;
  private static readonly MAX_CLIENTS = 10_000;
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly now: () => number) {}

  /** How long the client must wait before presenting credentials again; 0 when it may. */
  retryAfterMs(client: string): number {
    const recent = this.recent(client);
    if (recent.length < CredentialThrottle.MAX_FAILURES) return 0;
    return Math.max(1, (recent[0] as number) + CredentialThrottle.WINDOW_MS - this.now());
  }

  fail(client: string): void {
    const recent = this.recent(client);
    recent.push(this.now());
    this.failures.delete(client);
    this.failures.set(client, recent);
    // Bounded memory: forget the client seen longest ago.
    if (this.failures.size > CredentialThrottle.MAX_CLIENTS)
      this.failures.delete(this.failures.keys().next().value as string);
  }

  succeed(client: string): void {
    this.failures.delete(client);
  }

  private recent(client: string): number[] {
    const cutoff = this.now() - CredentialThrottle.WINDOW_MS;
    return (this.failures.get(client) ?? []).filter((t) => t > cutoff);
  }
}

/** "try again in N min" for a Retry-After in milliseconds. */
export function retryAfterText(ms: number): string {
  return `try again in ${Math.ceil(ms / 60_000)} min`;
}
