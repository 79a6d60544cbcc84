import { describe, expect, test } from "bun:test";
import type { ZodType } from "zod";
import { API_ROUTES } from "../../../src/http/api/openapi.ts";
import { createApp } from "../../../src/http/app.ts";
import { startScan } from "../../../src/services/symlinks/index.ts";
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

describe("the symlink checker's documented response schemas match real answers (issue 17 §8)", () => {
  test("after a real dry-run scan of a media tree with broken links, each documented GET answer passes its schema", async () => {
    await using env = await startSymlinkEnv();
    const { scanId, done } = startScan(env.deps, {
      paths: ["tv", "movies"],
      mode: "dry-run",
      depth: "basic",
    });
    const finished = await done;
    expect(finished.status).toBe("completed");
    expect(finished.counts.broken).toBeGreaterThan(0);
    const app = createApp(env.deps);
    const requests: Record<string, string> = {
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
  }, 60_000);
});
