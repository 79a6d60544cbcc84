/**
 * aria2 JSON-RPC over HTTP (https://aria2.github.io/manual/en/html/aria2c.html#rpc-interface).
 * One POST per call, the secret as the first parameter. Only control traffic goes through here:
 * file bytes never pass through Redriva.
 */

/** What aria2 says about a download (numbers arrive as decimal strings). */
export interface Aria2Status {
  gid: string;
  status: "active" | "waiting" | "paused" | "error" | "complete" | "removed";
  totalLength: string;
  completedLength: string;
  downloadSpeed: string;
  errorCode?: string;
  errorMessage?: string;
}

export const STATUS_KEYS = [
  "gid",
  "status",
  "totalLength",
  "completedLength",
  "downloadSpeed",
  "errorCode",
  "errorMessage",
] as const;

/** An error answered by aria2 itself (as opposed to a transport failure). */
export class Aria2RpcError extends Error {
  constructor(
    readonly method: string,
    readonly rpcCode: number,
    message: string,
  ) {
    super(`aria2 ${method}: ${message}`);
    this.name = "Aria2RpcError";
  }

  /** "GID … is not found": aria2 does not know this download (restarted, or purged). */
  get notFound(): boolean {
    return /is not found/i.test(this.message);
  }
}

/** aria2c could not be reached (not started yet, dead, restarting). */
export class Aria2UnavailableError extends Error {
  constructor(method: string, cause: unknown) {
    super(
      `aria2 ${method}: aria2c is not reachable (${cause instanceof Error ? cause.message : String(cause)})`,
      {
        cause,
      },
    );
    this.name = "Aria2UnavailableError";
  }
}

export type Aria2Options = Record<string, string>;

export class Aria2Rpc {
  private seq = 0;

  constructor(
    private readonly endpoint: { url: string; secret: string },
    private readonly timeoutMs = 10_000,
  ) {}

  get url(): string {
    return this.endpoint.url;
  }

  async call<T>(method: string, ...params: unknown[]): Promise<T> {
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id: String(++this.seq),
      method,
      params: [`token:${this.endpoint.secret}`, ...params],
    });
    let res: Response;
    try {
      res = await fetch(this.endpoint.url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new Aria2UnavailableError(method, error);
    }
    let payload: { result?: T; error?: { code: number; message: string } };
    try {
      payload = (await res.json()) as typeof payload;
    } catch (error) {
      throw new Aria2UnavailableError(method, error);
    }
    if (payload.error) throw new Aria2RpcError(method, payload.error.code, payload.error.message);
    return payload.result as T;
  }

  getVersion(): Promise<{ version: string }> {
    return this.call("aria2.getVersion");
  }

  addUri(uris: string[], options: Aria2Options): Promise<string> {
    return this.call("aria2.addUri", uris, options);
  }

  tellStatus(gid: string): Promise<Aria2Status> {
    return this.call("aria2.tellStatus", gid, STATUS_KEYS);
  }

  tellActive(): Promise<Aria2Status[]> {
    return this.call("aria2.tellActive", STATUS_KEYS);
  }

  remove(gid: string): Promise<string> {
    return this.call("aria2.forceRemove", gid);
  }

  removeDownloadResult(gid: string): Promise<string> {
    return this.call("aria2.removeDownloadResult", gid);
  }

  saveSession(): Promise<string> {
    return this.call("aria2.saveSession");
  }

  shutdown(): Promise<string> {
    return this.call("aria2.forceShutdown");
  }

  /**
   * Makes sure aria2c no longer holds `gid`: removes it if running, then forgets its result so the
   * same GID can be added again (aria2 refuses a GID it still remembers).
   */
  async forget(gid: string): Promise<void> {
    try {
      const status = await this.tellStatus(gid);
      if (status.status === "active" || status.status === "waiting" || status.status === "paused") {
        await this.remove(gid);
        // forceRemove returns before the download is really stopped.
        for (let i = 0; i < 100; i++) {
          const now = await this.tellStatus(gid);
          if (now.status === "removed" || now.status === "complete" || now.status === "error") break;
          await Bun.sleep(20);
        }
      }
      await this.removeDownloadResult(gid);
    } catch (error) {
      if (error instanceof Aria2RpcError && error.notFound) return;
      throw error;
    }
  }
}
