/**
 * Talks to a qBittorrent WebAPI the way Sonarr/Radarr do (qbit-contract.md sections 1, 2, 8, 9):
 * urlencoded bodies escaped like .NET's Uri.EscapeDataString, multipart with .NET's boundary for
 * files (or values over 1024 bytes), booleans as `True`/`False`, a Basic header on every request,
 * every Set-Cookie sent back, one re-login after a 403.
 */
export type Fetcher = (request: Request) => Response | Promise<Response>;

export interface Sent {
  method: string;
  path: string;
  status: number;
}

export class ArrQbitClient {
  cookies: string[] = [];
  readonly log: Sent[] = [];

  constructor(
    private readonly fetcher: Fetcher,
    private readonly base: string,
    private readonly credentials: { username: string; password: string } | null,
    /** Sonarr before 2026-06 sends no Basic header; current Sonarr and Radarr do. */
    private readonly basic = true,
  ) {}

  private headers(): Record<string, string> {
    const h: Record<string, string> = {};
    if (this.credentials && this.basic)
      h.Authorization = `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString("base64")}`;
    if (this.cookies.length > 0) h.Cookie = this.cookies.join("; ");
    return h;
  }

  async raw(
    method: string,
    path: string,
    init: { query?: Record<string, string>; body?: BodyInit; type?: string; cookies?: boolean } = {},
  ) {
    const url = new URL(`${this.base}/api/v2/${path}`);
    for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v);
    const headers = init.cookies === false ? {} : this.headers();
    const basic = this.headers().Authorization;
    if (init.cookies === false && basic) headers.Authorization = basic;
    if (init.type) headers["Content-Type"] = init.type;
    const res = await this.fetcher(
      new Request(url, { method, headers, body: init.body, redirect: "manual" }),
    );
    this.log.push({ method, path, status: res.status });
    return res;
  }

  /** Section 2.1: the unauthenticated probe. */
  probe() {
    return this.raw("GET", "app/webapiVersion", { cookies: false });
  }

  /** Section 2.2: success only for status < 400 and a body that is empty or exactly `Ok.`. */
  async login(): Promise<boolean> {
    if (!this.credentials) return true;
    const res = await this.raw("POST", "auth/login", {
      body: form({ username: this.credentials.username, password: this.credentials.password }),
      type: "application/x-www-form-urlencoded",
      cookies: false,
    });
    const text = await res.text();
    if (res.status >= 400 || (text.trim() !== "" && text !== "Ok.")) return false;
    this.cookies = res.headers.getSetCookie().map((c) => c.split(";")[0] as string);
    return true;
  }

  /** Section 2.3: ensure cookies, send, one re-login after a 403. */
  async call(
    method: string,
    path: string,
    init: { query?: Record<string, string>; form?: Record<string, string>; multipart?: FormParts } = {},
  ) {
    if (this.cookies.length === 0 && this.credentials) await this.login();
    const send = () => {
      if (init.multipart) {
        const { body, type } = multipart(init.multipart);
        return this.raw(method, path, { query: init.query, body, type });
      }
      if (init.form)
        return this.raw(method, path, {
          query: init.query,
          body: form(init.form),
          type: "application/x-www-form-urlencoded",
        });
      return this.raw(method, path, { query: init.query });
    };
    let res = await send();
    if (res.status === 403 && this.credentials) {
      await this.login();
      res = await send();
    }
    return res;
  }
}

/** .NET Uri.EscapeDataString: only A-Z a-z 0-9 - _ . ~ stay literal. */
export function escapeDataString(value: string): string {
  return Array.from(new TextEncoder().encode(value))
    .map((b) => {
      const c = String.fromCharCode(b);
      return /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
    })
    .join("");
}

export function form(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k}=${escapeDataString(v)}`)
    .join("&");
}

export type FormParts = Array<
  { name: string; value: string } | { name: string; filename: string; bytes: Uint8Array }
>;

/** Multipart exactly as Sonarr's HttpRequestBuilder writes it. */
export function multipart(parts: FormParts): { body: Blob; type: string } {
  const boundary = `-----------------------------${Array.from(crypto.getRandomValues(new Uint8Array(7)), (b) => b.toString(16).padStart(2, "0")).join("")}`;
  const enc = new TextEncoder();
  const chunks: Uint8Array[] = [];
  for (const part of parts) {
    chunks.push(enc.encode(`--${boundary}\r\n`));
    if ("bytes" in part) {
      chunks.push(
        enc.encode(
          `Content-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
        ),
        part.bytes,
        enc.encode("\r\n"),
      );
    } else {
      chunks.push(enc.encode(`Content-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`));
    }
  }
  chunks.push(enc.encode(`--${boundary}--\r\n`));
  return { body: new Blob(chunks as BlobPart[]), type: `multipart/form-data; boundary=${boundary}` };
}
