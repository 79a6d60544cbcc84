import { Database } from "bun:sqlite";
import { join } from "node:path";

/** Helpers of the container test and benchmark: they talk to Redriva as a browser and an *arr do. */

export function fail(message: string): never {
  throw new Error(message);
}

export async function until<T>(
  what: string,
  probe: () => T | null | Promise<T | null>,
  limitMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await probe();
      if (value !== null && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline)
      fail(`timed out waiting for ${what}${lastError ? ` (${String(lastError)})` : ""}`);
    await Bun.sleep(200);
  }
}

export function freePort(): number {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = server.port as number;
  server.stop(true);
  return port;
}

export function query<T>(dataDir: string, sql: string): T[] {
  const db = new Database(join(dataDir, "redriva.db"), { readonly: true });
  try {
    return db.query(sql).all() as T[];
  } finally {
    db.close();
  }
}

export function count(dataDir: string, sql: string): number {
  return query<{ n: number }>(dataDir, sql)[0]?.n ?? 0;
}

/** A browser's cookie jar, for the web login and "Run now". */
export class Browser {
  private cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const response = await fetch(`${this.base}${path}`, { ...init, headers, redirect: "manual" });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ""] = cookie.split(";");
      const at = pair.indexOf("=");
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return response;
  }

  async csrf(path: string): Promise<string> {
    const page = await (await this.request(path)).text();
    return /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? fail(`no CSRF token on ${path}`);
  }
}

export async function qbit(
  base: string,
  sid: string,
  method: string,
  path: string,
  form?: Record<string, string>,
) {
  return fetch(`${base}/api/v2/${path}`, {
    method,
    headers: { cookie: `SID=${sid}` },
    body: form ? new URLSearchParams(form) : undefined,
  });
}

/** The *arr's qBittorrent login: the SID cookie. */
export async function qbitLogin(
  base: string,
  creds: { username: string; password: string },
): Promise<string> {
  const response = await fetch(`${base}/api/v2/auth/login`, {
    method: "POST",
    body: new URLSearchParams(creds),
  });
  return /SID=([^;]+)/.exec(response.headers.get("set-cookie") ?? "")?.[1] ?? fail("qBit login refused");
}
