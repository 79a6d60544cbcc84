import type { Context, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../context.ts";

const KB = 1024;
const MB = 1024 * KB;

/** Largest request body per route; stated in README "Security". */
const BODY_CAPS = {
  /** Forms read before anyone is logged in: the web login and the qBittorrent API's auth/login. */
  loginForm: 16 * KB,
  /** qBittorrent torrents/add and the /downloads Add box: .torrent files (10 MB each at most, checked per file) and fields. */
  torrentUpload: 50 * MB,
  /** Every other form or JSON body. */
  other: 2 * MB,
} as const;

function capFor(path: string): number {
  if (path === "/login" || path === "/api/v2/auth/login") return BODY_CAPS.loginForm;
  if (path === "/api/v2/torrents/add" || path === "/downloads/add") return BODY_CAPS.torrentUpload;
  return BODY_CAPS.other;
}

function sizeText(bytes: number): string {
  return bytes >= MB ? `${bytes / MB} MB` : `${bytes / KB} KB`;
}

function tooLarge(c: Context<AppEnv>, cap: number): Response {
  const message = `Request body too large: at most ${sizeText(cap)} on ${c.req.path}`;
  if (c.req.path.startsWith("/api/") && !c.req.path.startsWith("/api/v2/"))
    return Response.json({ error: { code: "payload_too_large", message } }, { status: 413 });
  return new Response(message, { status: 413, headers: { "content-type": "text/plain; charset=UTF-8" } });
}

/**
 * Caps every request body before anything parses it. A declared Content-Length over the cap is
 * refused at once, unread. A body without one (chunked) is cut at the cap while it streams: the
 * reader fails there, and the answer becomes 413 whatever the handler made of it. Nothing is read
 * ahead of time, so routes that refuse unauthenticated requests still do so before any byte of the
 * body (Hono's bodyLimit buffers chunked bodies eagerly, before the auth checks run).
 */
export function bodyCaps(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const body = c.req.raw.body;
    if (!body) return next();
    const cap = capFor(c.req.path);
    const declared = c.req.header("content-length");
    if (declared !== undefined && !c.req.header("transfer-encoding")) {
      const length = Number(declared);
      if (!Number.isSafeInteger(length) || length > cap) return tooLarge(c, cap);
      return next();
    }
    let seen = 0;
    let exceeded = false;
    const capped = body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          seen += chunk.byteLength;
          if (seen > cap) {
            exceeded = true;
            controller.error(
              new HTTPException(413, { message: `Request body too large (over ${sizeText(cap)})` }),
            );
            return;
          }
          controller.enqueue(chunk);
        },
      }),
    );
    c.req.raw = new Request(c.req.raw, { body: capped, duplex: "half" } as RequestInit);
    await next();
    if (exceeded) {
      c.res = undefined;
      c.res = tooLarge(c, cap);
    }
  };
}
