import { describe, expect, test } from "bun:test";
import type { ZodType } from "zod";
import { API_ROUTES } from "../../../src/http/api/openapi.ts";
import { createApp } from "../../../src/http/app.ts";
import { waitFor } from "../../helpers/downloads.ts";
import { documentedSchema } from "../../helpers/openapi.ts";
import { startSymlinkEnv } from "../../integration/symlinks/helpers.ts";

/** The symlink checker's documented JSON bodies (GET), by `METHOD /path` and status. */
function documentedSymlinkBodies(): Map<string, Map<number, ZodType>> {
  const out = new Map<string, Map<number, ZodType>>();
  for (const route of API_ROUTES) {
    if (route.spec.method !== "get" || !route.spec.path.startsWith("/api/symlinks/")) continue;
    const bodies = new Map<number, ZodType>();
    for (const [status, response] of Object.entries(route.spec.responses))
      if (response.schema && (response.contentType ?? "application/json") === "application/json")
        bodies.set(Number(status), response.schema);
    if (bodies.size > 0) out.set(`GET ${route.spec.path}`, bodies);
  }
  return out;
}

/** POSTs with the session cookie and CSRF token the /symlinks page gives a browser. */
async function csrfClient(app: ReturnType<typeof createApp>) {
  const page = await app.request("/symlinks");
  const cookie = (page.headers.get("set-cookie") ?? "").split(";")[0] as string;
  const token = /name="csrf-token" content="([^"]+)"/.exec(await page.text())?.[1] ?? "";
  expect(token).not.toBe("");
  return (path: string, body: unknown = {}) =>
    app.request(path, {
      method: "POST",
      headers: { cookie, "x-csrf-token": token, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
}

describe("the symlink checker's documented response schemas match real answers (issue 17 §8)", () => {
  test("after a real dry-run scan of a media tree with broken links, its start (202) and each documented GET answer pass their schemas", async () => {
    await using env = await startSymlinkEnv();
    const app = createApp(env.deps);
    const progress = documentedSchema("POST /api/symlinks/scan/start", 202);
    // Started through the API as a browser would (session cookie, CSRF token): a 202 with progress.
    const post = await csrfClient(app);
    const started = await post("/api/symlinks/scan/start", { paths: ["tv", "movies"], mode: "dry-run" });
    expect(started.status).toBe(202);
    const startedBody = await started.json();
    expect(progress.safeParse(startedBody).success).toBe(true);
    const scanId = (startedBody as { scanId: number }).scanId;
    await waitFor(
      async () => {
        const res = await app.request(`/api/symlinks/scan/status/${scanId}`);
        return ((await res.json()) as { status: string }).status === "completed";
      },
      { timeoutMs: 30_000, what: `scan ${scanId} completed` },
    );
    const requests: Record<string, string> = {
      "GET /api/symlinks/config": "/api/symlinks/config",
      "GET /api/symlinks/directories": "/api/symlinks/directories?depth=2",
      "GET /api/symlinks/scan/status/:id": `/api/symlinks/scan/status/${scanId}`,
      "GET /api/symlinks/scan/:id/problems": `/api/symlinks/scan/${scanId}/problems?type=broken`,
      "GET /api/symlinks/scan/:id/deletion": `/api/symlinks/scan/${scanId}/deletion`,
      "GET /api/symlinks/scans/history": "/api/symlinks/scans/history",
    };
    const documented = documentedSymlinkBodies();
    expect(Object.keys(requests).sort()).toEqual([...documented.keys()].sort());
    for (const [key, url] of Object.entries(requests)) {
      const res = await app.request(url);
      expect(res.status).toBe(200);
      const body = await res.json();
      const schema = documented.get(key)?.get(200);
      if (!schema) throw new Error(`${key}: no documented 200 schema`);
      const checked = schema.safeParse(body);
      if (!checked.success) throw new Error(`${key}: ${JSON.stringify(checked.error.issues.slice(0, 3))}`);
      expect(JSON.stringify(body).length).toBeGreaterThan(50);
    }
    // Saving answers the same documented shape as reading.
    const saved = await post("/api/symlinks/config", { workers: 3 });
    expect(saved.status).toBe(200);
    const savedBody = await saved.json();
    const config = documentedSchema("POST /api/symlinks/config", 200);
    expect(config.safeParse(savedBody).error?.issues).toBeUndefined();
    expect((savedBody as { settings: { workers: number } }).settings.workers).toBe(3);
    expect(config.safeParse({ ...(savedBody as object), sonarr: { url: 1 } }).success).toBe(false);
  }, 60_000);
});
