/**
 * Bun gives a request that has no Host header (HTTP/1.0 clients, hand-written scripts) a relative
 * URL, which neither Hono's router nor `new URL()` accept: it became a 500 on every route. Such a
 * request is answered as if it had named this server's own listening address.
 */
export function withAbsoluteUrl(request: Request, host: string, port: number): Request {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(request.url)) return request;
  const name = host.includes(":") ? `[${host}]` : host;
  return new Request(new URL(request.url, `http://${name}:${port}`), request);
}
