import { describe, expect, test } from "bun:test";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { createApp } from "../../../src/http/app.ts";
import { waitUntil, writeHangingFfprobe } from "../../helpers/hanging-ffprobe.ts";
import { documentedSchema } from "../../helpers/openapi.ts";
import { startSymlinkEnv } from "../../integration/symlinks/helpers.ts";
import { snapshotTree } from "../../integration/symlinks/media-tree.ts";

type App = ReturnType<typeof createApp>;
// biome-ignore lint/suspicious/noExplicitAny: JSON answers, checked field by field with expect()
type Json = any;

/** A client with the CSRF cookie and token a browser would have. */
async function client(app: App) {
  const page = await app.request("/symlinks");
  expect(page.status).toBe(200);
  const cookie = (page.headers.get("set-cookie") ?? "").split(";")[0] as string;
  const token = /name="csrf-token" content="([^"]+)"/.exec(await page.text())?.[1] ?? "";
  expect(token).not.toBe("");
  const send = (method: string, path: string, body?: unknown) =>
    app.request(path, {
      method,
      headers: { cookie, "x-csrf-token": token, "content-type": "application/json" },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
  return {
    get: async (path: string) => {
      const res = await app.request(path, { headers: { cookie } });
      return { status: res.status, body: (await res.json()) as Json };
    },
    post: async (path: string, body?: unknown) => {
      const res = await send("POST", path, body);
      return { status: res.status, body: (await res.json()) as Json };
    },
  };
}

describe("/api/symlinks", () => {
  test("scan start/status/problems/history; dry-run changes nothing; CSRF required", async () => {
    await using env = await startSymlinkEnv();
    const app = createApp(env.deps);
    const api = await client(app);
    const before = snapshotTree(env.tree.base);

    const forged = await app.request("/api/symlinks/scan/start", { method: "POST", body: "{}" });
    expect(forged.status).toBe(403);

    const started = await api.post("/api/symlinks/scan/start", {
      paths: ["tv", "movies"],
      mode: "dry-run",
      depth: "basic",
    });
    expect(started.status).toBe(202);
    const id = started.body.scanId as number;
    let status = started.body;
    await waitUntil(async () => {
      status = (await api.get(`/api/symlinks/scan/status/${id}`)).body;
      return status.status === "completed";
    });
    expect(status).toMatchObject({ total: 14, done: 14, mode: "dry-run", paths: ["movies", "tv"] });
    expect(status.counts.broken).toBe(4);

    const broken = await api.get(`/api/symlinks/scan/${id}/problems?type=broken`);
    expect(broken.body.total).toBe(4);
    expect(broken.body.problems.map((p: { type: string }) => p.type)).toEqual([
      "broken",
      "broken",
      "broken",
      "broken",
    ]);
    expect((await api.get(`/api/symlinks/scan/${id}/problems?type=nonsense`)).status).toBe(400);

    const history = await api.get("/api/symlinks/scans/history");
    expect(history.body.scans.map((s: { scanId: number }) => s.scanId)).toEqual([id]);
    const report = await app.request(`/api/symlinks/scan/${id}/report`);
    expect(report.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(await report.text()).toContain("&lt;img src=x");
    expect(snapshotTree(env.tree.base)).toEqual(before);
  });

  test("path escapes and bad input are refused with 400 before anything runs", async () => {
    await using env = await startSymlinkEnv();
    symlinkSync(env.tree.source, join(env.tree.media, "to-source"));
    mkdirSync(join(env.tree.media, "tv/real"), { recursive: true });
    const api = await client(createApp(env.deps));
    const refused = async (body: unknown) => {
      const res = await api.post("/api/symlinks/scan/start", body);
      expect(res.status).toBe(400);
      return res.body.error.message as string;
    };
    expect(await refused({ paths: ["../source"] })).toContain('".."');
    expect(await refused({ paths: ["tv/../../source"] })).toContain('".."');
    expect(await refused({ paths: [env.tree.source] })).toContain("absolute");
    expect(await refused({ paths: ["/etc"] })).toContain("absolute");
    expect(await refused({ paths: ["to-source"] })).toContain("outside the media root");
    expect(await refused({ paths: ["nope"] })).toContain("no such folder");
    expect(await refused({ paths: "tv" })).toContain("paths");
    expect(await refused({ mode: "delete-everything" })).toContain("mode");
    expect(await refused({ depth: "deep" })).toContain("depth");
    expect(await refused({ extra: 1 })).toContain("unknown field");
    expect(await refused("not json")).toContain("JSON");
    expect((await api.get("/api/symlinks/directories?path=../source")).status).toBe(400);
    expect((await api.get("/api/symlinks/directories?path=to-source")).status).toBe(400);
    expect((await api.get("/api/symlinks/scan/status/abc")).status).toBe(400);
    expect((await api.get("/api/symlinks/scan/status/999")).status).toBe(404);
    expect((await api.get("/api/symlinks/scans/history")).body.scans).toEqual([]);
  });

  test("directories: tree with symlink counts per folder", async () => {
    await using env = await startSymlinkEnv();
    const api = await client(createApp(env.deps));
    const { body } = await api.get("/api/symlinks/directories?depth=2");
    expect(body.node).toMatchObject({ path: "", symlinks: 13, mediaFiles: 1 });
    const tv = body.node.children.find((c: { name: string }) => c.name === "tv");
    expect(tv).toMatchObject({ path: "tv", symlinks: 8, hasChildren: true });
    expect(tv.children.map((c: { name: string; symlinks: number }) => [c.name, c.symlinks])).toEqual([
      ["Show One", 3],
      ["Show Two", 5],
    ]);
    const sub = await api.get("/api/symlinks/directories?path=tv/Show%20One&depth=1");
    expect(sub.body.node).toMatchObject({ path: "tv/Show One", symlinks: 3, folders: 1 });
  });

  test("real mode through the API: list + token, wrong token 400, confirm deletes, Sonarr told", async () => {
    await using env = await startSymlinkEnv();
    const api = await client(createApp(env.deps));
    const { body } = await api.post("/api/symlinks/scan/start", { mode: "real", paths: ["tv/Show One"] });
    const id = body.scanId as number;
    await waitUntil(
      async () => (await api.get(`/api/symlinks/scan/status/${id}`)).body.status === "awaiting_confirmation",
    );
    const list = (await api.get(`/api/symlinks/scan/${id}/deletion`)).body;
    expect(list.items.map((i: { path: string }) => i.path)).toEqual([
      "tv/Show One/Season 1/S01E02.mkv",
      "tv/Show One/Season 1/S01E03.mkv",
    ]);
    expect((await api.post(`/api/symlinks/scan/confirm/${id}`, { token: "0".repeat(40) })).status).toBe(400);
    expect(
      (await api.post(`/api/symlinks/scan/confirm/${id}`, { token: list.token, types: ["empty"] })).status,
    ).toBe(400);
    const confirmed = await api.post(`/api/symlinks/scan/confirm/${id}`, { token: list.token });
    expect(confirmed.status).toBe(202);
    expect(confirmed.body.confirmed).toBe(2);
    await waitUntil(
      async () => (await api.get(`/api/symlinks/scan/status/${id}`)).body.status === "completed",
    );
    expect((await api.get(`/api/symlinks/scan/status/${id}`)).body).toMatchObject({ deleted: 2, rescans: 1 });
    expect(env.sonarr.commands.map((c) => c.body)).toEqual([{ name: "RescanSeries", seriesId: 11 }]);
    expect(env.radarr.commands).toEqual([]);
  });

  test("a path search and picked ids narrow the list, the plan and the confirmation", async () => {
    await using env = await startSymlinkEnv();
    const api = await client(createApp(env.deps));
    const { body } = await api.post("/api/symlinks/scan/start", { mode: "real", paths: ["tv"] });
    const id = body.scanId as number;
    await waitUntil(
      async () => (await api.get(`/api/symlinks/scan/status/${id}`)).body.status === "awaiting_confirmation",
    );
    const found = (await api.get(`/api/symlinks/scan/${id}/problems?q=SHOW%20two`)).body;
    const paths = found.problems.map((p: { path: string }) => p.path);
    expect(paths.length).toBeGreaterThan(1);
    expect(paths.every((p: string) => p.startsWith("tv/Show Two/"))).toBe(true);
    expect(found.total).toBe(paths.length);
    expect((await api.get(`/api/symlinks/scan/${id}/problems?q=${"x".repeat(501)}`)).status).toBe(400);
    const picked = found.problems.slice(0, 2) as Array<{ id: number; path: string }>;
    const ids = picked.map((p) => p.id);
    const plan = (await api.get(`/api/symlinks/scan/${id}/deletion?ids=${ids.join(",")}`)).body;
    expect(plan.items.map((i: { path: string }) => i.path)).toEqual(picked.map((p) => p.path));
    expect((await api.get(`/api/symlinks/scan/${id}/deletion?ids=1,x`)).status).toBe(400);
    const before = snapshotTree(env.tree.media);
    const confirmed = await api.post(`/api/symlinks/scan/confirm/${id}`, { token: plan.token, ids });
    expect(confirmed.status).toBe(202);
    expect(confirmed.body.confirmed).toBe(2);
    await waitUntil(async () => (await api.get(`/api/symlinks/scan/status/${id}`)).body.status !== "running");
    const gone = Object.keys(before).filter((path) => !(path in snapshotTree(env.tree.media)));
    expect(gone.sort()).toEqual(picked.map((p) => p.path).sort());
  });

  test("cancel and rerun; a second start while one runs is 409", async () => {
    await using env = await startSymlinkEnv();
    const hang = writeHangingFfprobe(env.tree.base);
    const deps = {
      ...env.deps,
      config: { ...env.deps.config, symlinks: { ...env.deps.config.symlinks, ffprobePath: hang.path } },
    };
    const api = await client(createApp(deps));
    const { body } = await api.post("/api/symlinks/scan/start", { depth: "full" });
    const id = body.scanId as number;
    await waitUntil(async () => (await api.get(`/api/symlinks/scan/status/${id}`)).body.phase === "phase2");
    expect((await api.post("/api/symlinks/scan/start", {})).status).toBe(409);
    const cancelled = await api.post(`/api/symlinks/scan/cancel/${id}`);
    expect(cancelled.status).toBe(200);
    await waitUntil(
      async () => (await api.get(`/api/symlinks/scan/status/${id}`)).body.status === "cancelled",
      1000,
    );
    expect((await api.post(`/api/symlinks/scan/cancel/${id}`)).status).toBe(409);
    const again = await api.post(`/api/symlinks/scan/rerun/${id}`);
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ depth: "full", mode: "dry-run" });
    await api.post(`/api/symlinks/scan/cancel/${again.body.scanId}`);
    await waitUntil(
      async () =>
        (await api.get(`/api/symlinks/scan/status/${again.body.scanId}`)).body.status === "cancelled",
    );
  });

  test("config get/set validates and never returns API keys; services test and detect", async () => {
    await using env = await startSymlinkEnv();
    const api = await client(createApp(env.deps));
    const config = (await api.get("/api/symlinks/config")).body;
    expect(config.settings).toMatchObject({ mediaRoot: env.tree.media, workers: 2, historyKeep: 3 });
    expect(config.sonarr).toEqual({ enabled: true, url: env.sonarr.url, hasApiKey: true });
    expect(JSON.stringify(config)).not.toContain(env.sonarr.apiKey);

    expect(
      (await api.post("/api/symlinks/config", { mediaRoot: "/does/not/exist" })).body.error.message,
    ).toContain("does not exist");
    expect((await api.post("/api/symlinks/config", { workers: 0 })).status).toBe(400);
    expect((await api.post("/api/symlinks/config", { bogus: 1 })).status).toBe(400);
    // All or nothing: a bad Radarr block keeps the workers change out too.
    expect(
      (await api.post("/api/symlinks/config", { workers: 5, radarr: { enabled: true, url: "nope" } })).status,
    ).toBe(400);
    expect((await api.get("/api/symlinks/config")).body.settings.workers).toBe(2);
    const saved = await api.post("/api/symlinks/config", {
      workers: 4,
      historyKeep: 5,
      sonarr: { enabled: false },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.settings).toMatchObject({ workers: 4, historyKeep: 5 });
    expect(saved.body.sonarr).toEqual({ enabled: false, url: env.sonarr.url, hasApiKey: true });

    const tested = await api.post("/api/symlinks/services/test", {});
    expect(tested.body.results).toEqual([
      { ok: true, kind: "sonarr", appName: "Sonarr", version: "3.0.10.1567" },
      { ok: true, kind: "radarr", appName: "Radarr", version: "3.2.2.5080" },
    ]);
    const wrong = await api.post("/api/symlinks/services/test", { kind: "radarr", apiKey: "bad-key" });
    // Checked before toMatchObject, which writes its matchers into the object it is given.
    expect(
      documentedSchema("POST /api/symlinks/services/test").safeParse(wrong.body).error?.issues,
    ).toBeUndefined();
    expect(wrong.body.results[0]).toMatchObject({ ok: false, error: expect.stringContaining("refused") });
    expect((await api.post("/api/symlinks/services/test", { kind: "plex" })).status).toBe(400);
    const detected = await api.post("/api/symlinks/services/detect");
    expect(detected.status).toBe(200);
    expect(detected.body.docker).toHaveProperty("available");
    expect(Array.isArray(detected.body.services)).toBe(true);
    // The answers are the ones the OpenAPI document describes.
    expect(
      documentedSchema("POST /api/symlinks/services/test").safeParse(tested.body).error?.issues,
    ).toBeUndefined();
    expect(
      documentedSchema("POST /api/symlinks/services/detect").safeParse(detected.body).error?.issues,
    ).toBeUndefined();
    expect(
      documentedSchema("POST /api/symlinks/services/test").safeParse({ results: [{ ok: true }] }).success,
    ).toBe(false);
  });
});
