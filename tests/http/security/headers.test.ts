import { afterAll, beforeAll, expect, test } from "bun:test";
import { createApp } from "../../../src/http/app.ts";
import { makeTestDeps, type TestDeps } from "../../helpers/deps.ts";

/**
 * Issue 12 §6: the same security headers on every response (no page can be framed under a click,
 * no script but ours, no sniffing), whatever route or status produced it.
 */
let deps: TestDeps;
let server: ReturnType<typeof Bun.serve>;
let base: string;
beforeAll(() => {
  deps = makeTestDeps();
  server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: createApp(deps).fetch });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server.stop(true);
  deps[Symbol.dispose]();
});

test.each([
  "/",
  "/downloads",
  "/symlinks",
  "/jobs",
  "/repair",
  "/metrics",
  "/health",
  "/api/stats",
  "/api/v2/app/version",
  "/public/css/app.css",
  "/no/such/page",
])("%s carries CSP with frame-ancestors 'none', X-Frame-Options, nosniff, Referrer-Policy", async (path) => {
  const res = await fetch(`${base}${path}`);
  await res.arrayBuffer();
  const csp = res.headers.get("content-security-policy") ?? "";
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain("script-src 'self' 'unsafe-inline'");
  expect(res.headers.get("x-frame-options")).toBe("DENY");
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("referrer-policy")).toBe("same-origin");
});

test("refusals carry them too (a cross-site request, an unknown Host)", async () => {
  const refused: Record<string, string>[] = [{ "Sec-Fetch-Site": "cross-site" }, { Host: "evil.example" }];
  for (const headers of refused) {
    const res = await fetch(`${base}/api/v2/app/preferences`, { headers });
    expect(res.status).toBe(403);
    expect(res.headers.get("x-frame-options")).toBe("DENY");
  }
});
