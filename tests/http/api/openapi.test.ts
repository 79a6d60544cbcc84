import { describe, expect, test } from "bun:test";
import { createApp } from "../../../src/http/app.ts";
import { makeTestDeps } from "../../helpers/deps.ts";

const CREDS = { REDRIVA_USERNAME: "admin", REDRIVA_PASSWORD: "a long pass phrase" };
const basic = `Basic ${Buffer.from(`${CREDS.REDRIVA_USERNAME}:${CREDS.REDRIVA_PASSWORD}`).toString("base64")}`;

type Operation = {
  operationId: string;
  summary: string;
  parameters: Array<{ name: string; in: string; required: boolean; schema: Record<string, unknown> }>;
  responses: Record<string, unknown>;
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> };
};
type Document = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  info: { version: string };
};

async function documentOf(app: ReturnType<typeof createApp>): Promise<Document> {
  const res = await app.request("/api/openapi.json", { headers: { Authorization: basic } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("application/json");
  return (await res.json()) as Document;
}

/** The JSON API as the router has it: every /api/ route but the qBittorrent API (/api/v2). */
function routerApi(app: ReturnType<typeof createApp>): string[] {
  const keys = app.routes
    .filter((r) => r.path.startsWith("/api/") && !r.path.startsWith("/api/v2") && r.method !== "ALL")
    .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}")}`);
  return [...new Set(keys)].sort();
}

describe("OpenAPI document of the JSON API (issue 17 §8)", () => {
  test("every JSON API route of the router is in the document, and nothing else is", async () => {
    using deps = makeTestDeps(CREDS);
    const app = createApp(deps);
    const doc = await documentOf(app);
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    const routed = routerApi(app);
    expect(routed.length).toBeGreaterThan(30);
    expect(documented).toEqual(routed);
  });

  test("a valid OpenAPI 3.1 shape: unique operation ids, every path variable declared, responses everywhere", async () => {
    using deps = makeTestDeps(CREDS);
    const doc = await documentOf(createApp(deps));
    expect(doc.openapi).toBe("3.1.0");
    const ids = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths)) {
      const variables = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      for (const op of Object.values(ops)) {
        expect(ids.has(op.operationId)).toBe(false);
        ids.add(op.operationId);
        const inPath = op.parameters.filter((p) => p.in === "path");
        expect(inPath.map((p) => p.name).sort()).toEqual(variables as string[]);
        for (const p of inPath) expect(p.required).toBe(true);
        expect(Object.keys(op.responses).length).toBeGreaterThan(0);
        expect(op.summary.length).toBeGreaterThan(5);
      }
    }
  });

  test("the schemas shown are the ones that validate: a value the document rules out is refused with a 400", async () => {
    using deps = makeTestDeps(CREDS);
    const app = createApp(deps);
    const doc = await documentOf(app);
    const runs = doc.paths["/api/jobs/runs"]?.get;
    const limit = runs?.parameters.find((p) => p.name === "limit");
    expect(limit?.schema.pattern).toBe("^\\d{0,6}$");
    const bad = await app.request("/api/jobs/runs?limit=lots", { headers: { Authorization: basic } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toBe(
      'limit must be a positive number, got "lots"',
    );
    expect((await app.request("/api/jobs/runs?limit=3", { headers: { Authorization: basic } })).status).toBe(
      200,
    );

    const list = doc.paths["/api/torrents"]?.get;
    const sort = list?.parameters.find((p) => p.name === "sort");
    expect(sort?.schema.enum).toEqual(["added", "size", "name", "status", "progress"]);
    const badSort = await app.request("/api/torrents?sort=colour", { headers: { Authorization: basic } });
    expect(badSort.status).toBe(400);

    const scan = doc.paths["/api/symlinks/scan/start"]?.post;
    const fields = Object.keys(scan?.requestBody?.content["application/json"]?.schema.properties ?? {});
    expect(fields.sort()).toEqual(["depth", "mode", "paths"]);
  });

  test("served behind the login like the rest of the API, with a readable page", async () => {
    using deps = makeTestDeps(CREDS);
    const app = createApp(deps);
    const anonymous = await app.request("/api/openapi.json");
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBeDefined();
    expect((await app.request("/docs/api")).status).toBe(302);

    const page = await app.request("/docs/api", { headers: { Authorization: basic } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("<code>GET /api/jobs/runs/{id}</code>");
    expect(html).toContain("<code>POST /api/repair/scan</code>");
    expect(html).toContain('href="/api/openapi.json"');
    // No CDN: every script and stylesheet is served by Redriva.
    expect(html).not.toMatch(/(src|href)="https?:\/\//);
  });
});
