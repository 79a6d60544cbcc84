import { describe, expect, test } from "bun:test";
import { createApp } from "../../../src/http/app.ts";
import { documentedSchema } from "../../helpers/openapi.ts";
import { ALL_DOWNLOADED, breakTorrents, startRepairEnv } from "../../integration/repair/helpers.ts";

type App = ReturnType<typeof createApp>;

/** A browser: the CSRF cookie and token from the page, sent back with every form. */
async function browser(app: App) {
  const page = await app.request("/repair");
  const cookie = (page.headers.get("set-cookie") ?? "").split(";")[0] as string;
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
  expect(token).not.toBe("");
  return {
    post: (path: string, fields: Record<string, string> = {}) =>
      app.request(path, {
        method: "POST",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: token, ...fields }),
      }),
    postJson: (path: string, body: unknown) =>
      app.request(path, {
        method: "POST",
        headers: { cookie, "x-csrf-token": token, "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
  };
}

async function until<T>(probe: () => Promise<T | null | undefined | false>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error("condition not met in time");
    await Bun.sleep(20);
  }
}

describe("/repair page and /api/repair", () => {
  test("lists candidates with their names escaped, scans and re-injects from forms (dry run by default)", async () => {
    await using env = await startRepairEnv({ fake: { library: { size: 6, seed: 2, mix: ALL_DOWNLOADED } } });
    const { fake, deps } = env;
    const [dead] = breakTorrents(fake, "dead", 1);
    dead!.filename = `<script>alert("x")</script>.mkv`;
    const app = createApp(deps);
    const b = await browser(app);

    // State changes need the CSRF token.
    const forged = await app.request("/repair/scan", {
      method: "POST",
      body: new URLSearchParams({ mode: "quick" }),
    });
    expect(forged.status).toBe(403);

    const scanned = await b.post("/repair/scan", { mode: "quick" });
    expect(scanned.status).toBe(200);
    const html = await scanned.text();
    expect(html).toContain("quick scan: 1 candidate(s), 1 new");
    expect(html).toContain("&lt;script&gt;alert(");
    expect(html).not.toContain(`<script>alert("x")</script>`);
    expect(html).toContain("Dry run.");
    expect(html).toContain(`action="/repair/reinject/${dead!.id}"`);

    // Re-inject now, dry run: the plan is shown and nothing happens at the provider.
    const adds = () => fake.stats.byRoute["POST /rest/1.0/torrents/addMagnet"] ?? 0;
    const planned = await b.post(`/repair/reinject/${dead!.id}`);
    expect(planned.status).toBe(200);
    const plan = await planned.text();
    expect(plan).toContain(`magnet:?xt=urn:btih:${dead!.hash}`);
    expect(plan).toContain(`delete the old torrent ${dead!.id}`);
    expect(adds()).toBe(0);
    expect(fake.state.library.torrents.get(dead!.id)?.status).toBe("dead");

    const bad = await b.post("/repair/scan", { mode: "everything" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("unknown scan mode");
    const badId = await b.post("/repair/reinject/bad%20id");
    expect(badId.status).toBe(400);
  });

  test("JSON API: scan, background run, queue, history of the new id, torrent attempts", async () => {
    await using env = await startRepairEnv({
      fake: { library: { size: 6, seed: 3, mix: ALL_DOWNLOADED } },
      env: { DRY_RUN: "false" },
    });
    const { fake, deps } = env;
    const [dead, limited] = breakTorrents(fake, "dead", 2);
    fake.state.scripts.set(limited!.hash, { addError: "too_many_active_downloads" });
    const app = createApp(deps);
    const b = await browser(app);

    const badMode = await b.postJson("/api/repair/scan", { mode: "nope" });
    expect(badMode.status).toBe(400);
    expect(((await badMode.json()) as { error: { code: string } }).error.code).toBe("validation");
    const badJson = await app.request("/api/repair/run", {
      method: "POST",
      headers: { "x-csrf-token": "x" },
      body: "{",
    });
    expect(badJson.status).toBe(403);

    const scan = await b.postJson("/api/repair/scan", { mode: "quick" });
    expect(scan.status).toBe(200);
    const scanned = await scan.json();
    expect((scanned as { scan: { found: number } }).scan.found).toBe(2);
    // The answer is the one the OpenAPI document describes.
    const scanSchema = documentedSchema("POST /api/repair/scan");
    expect(scanSchema.safeParse(scanned).error?.issues).toBeUndefined();
    expect(scanSchema.safeParse({ scan: { found: "2" } }).success).toBe(false);

    const started = await b.postJson("/api/repair/run", { limit: 10 });
    expect(started.status).toBe(202);
    const again = await b.postJson("/api/repair/run", {});
    expect([202, 409]).toContain(again.status);
    const run = await until(async () => {
      const body = (await (await app.request("/api/repair/run")).json()) as {
        run: { running: boolean; result: { counts: Record<string, number> } | null };
      };
      return body.run && !body.run.running ? body.run : null;
    });
    expect(run.result?.counts.repaired).toBe(1);

    const queue = (await (await app.request("/api/repair/queue")).json()) as {
      queue: Array<{ torrent_id: string; due_at: number; failure: string }>;
    };
    expect(queue.queue.map((c) => [c.torrent_id, c.failure])).toEqual([[limited!.id, "too_many_active"]]);

    // Re-inject now through the API, as a dry run: the plan comes back in the documented shape.
    const reinject = await b.postJson(`/api/repair/reinject/${limited!.id}`, { dryRun: true });
    expect(reinject.status).toBe(200);
    const reinjected = (await reinject.json()) as { result: { outcome: string; plan: { steps: string[] } } };
    expect(reinjected.result.outcome).toBe("planned");
    expect(reinjected.result.plan.steps.length).toBeGreaterThan(0);
    const reinjectSchema = documentedSchema("POST /api/repair/reinject/:torrentId");
    expect(reinjectSchema.safeParse(reinjected).error?.issues).toBeUndefined();
    expect(reinjectSchema.safeParse({ result: { outcome: "planned" } }).success).toBe(false);

    const newId = fake.state.byHash(dead!.hash)!.id;
    const history = (await (await app.request(`/api/repair/history/${newId}`)).json()) as {
      ids: string[];
      attempts: Array<{ outcome: string }>;
    };
    expect(history.ids).toEqual([newId, dead!.id]);
    expect(history.attempts.map((a) => a.outcome)).toEqual(["repaired"]);
    const forTorrent = (await (
      await app.request(`/api/repair/torrents/realdebrid/${newId}/attempts`)
    ).json()) as {
      attempts: unknown[];
    };
    expect(forTorrent.attempts).toHaveLength(1);

    const page = await (await app.request(`/repair/history/${newId}`)).text();
    expect(page).toContain(dead!.id);
    expect(page).toContain("repaired");
    const missing = await app.request("/api/repair/history/NOPE");
    expect(missing.status).toBe(404);
    const queuePage = await (await app.request("/repair")).text();
    expect(queuePage).toContain("Retry queue");
    expect(queuePage).toContain("too_many_active");
  });
});
