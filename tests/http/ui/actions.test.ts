import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CSRF_COOKIE } from "../../../src/http/middleware/web-auth.ts";
import { cookieFrom, csrfFrom, startUiFixture, type UiFixture } from "../../helpers/ui-fixture.ts";

// Actions against the fake Real-Debrid server: provider calls are real HTTP requests.
let fx: UiFixture;
let token: string;
let cookie: string;
/** No login configured: the CSRF token is the one of this browser's cookie. */
async function anonymousToken(app: UiFixture["app"]) {
  const res = await app.request("http://localhost/");
  return { token: csrfFrom(await res.text()), cookie: `${CSRF_COOKIE}=${cookieFrom(res, CSRF_COOKIE)}` };
}
beforeAll(async () => {
  fx = await startUiFixture({ size: 60 });
  ({ token, cookie } = await anonymousToken(fx.app));
});
afterAll(() => fx.close());

const headers = (extra: Record<string, string> = {}) => ({
  "x-csrf-token": token,
  cookie,
  "HX-Request": "true",
  ...extra,
});
const post = (path: string, body?: Record<string, string | string[]>) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(body ?? {})) for (const item of [v].flat()) params.append(k, item);
  return fx.app.request(`http://localhost${path}`, {
    method: "POST",
    headers: headers(body ? { "content-type": "application/x-www-form-urlencoded" } : {}),
    body: body ? params.toString() : undefined,
  });
};
const json = async (path: string) => (await fx.app.request(`http://localhost${path}`)).json();
const toast = (res: Response) => JSON.parse(res.headers.get("HX-Trigger") ?? "{}").toast;

async function downloadedTorrent(): Promise<{ id: string; links: string[] }> {
  const list = await json("/api/torrents?status=downloaded&per_page=200");
  const id = list.torrents.find((t: { links: number }) => t.links > 0).id as string;
  const detail = await json(`/api/torrents/realdebrid/${id}`);
  return { id, links: detail.torrent.links };
}

describe("torrent actions", () => {
  test("refresh fetches the torrent again and stores what changed", async () => {
    const { id } = await downloadedTorrent();
    const fake = fx.fake.state.library.torrents.get(id);
    if (!fake) throw new Error("torrent missing from the fake");
    fake.status = "dead";
    const res = await post(`/torrents/realdebrid/${id}/refresh`);
    expect(res.status).toBe(200);
    expect(toast(res).message).toBe("Refreshed from the provider");
    expect(await res.text()).toContain('<span class="badge badge-failed">Dead</span>');
    expect((await json(`/api/torrents/realdebrid/${id}`)).torrent.status).toBe("dead");
  });

  test("unrestrict turns one of the torrent's links into a direct link to copy", async () => {
    const { id, links } = await downloadedTorrent();
    const res = await post(`/torrents/realdebrid/${id}/unrestrict`, { link: links[0] as string, index: "0" });
    expect(res.status).toBe(200);
    const html = await res.text();
    const direct = /value="(http:\/\/127\.0\.0\.1:\d+\/dl\/[^"]+)"/.exec(html)?.[1];
    expect(direct).toBeDefined();
    expect(html).toContain('data-copy-from="#direct-url-0"');
    const download = await fetch(direct as string, { headers: { range: "bytes=0-15" } });
    expect(download.status).toBe(206);
  });

  test("unrestrict refuses links that are not the torrent's", async () => {
    const { id } = await downloadedTorrent();
    const res = await post(`/torrents/realdebrid/${id}/unrestrict`, {
      link: "https://real-debrid.com/d/SOMEONEELSE",
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("does not belong to the torrent");
    expect((await post(`/torrents/realdebrid/${id}/unrestrict`, {})).status).toBe(400);
  });

  test("re-inject goes through the repair service (a dry run while DRY_RUN is on)", async () => {
    const list = await json("/api/torrents?status=failed&per_page=25");
    const id = list.torrents[0].id as string;
    const before = fx.fake.state.library.torrents.size;
    const res = await post(`/torrents/realdebrid/${id}/reinject`);
    expect(res.status).toBe(200);
    expect(toast(res).message).toContain("dry run");
    expect(fx.fake.state.library.torrents.size).toBe(before);
  });

  test("delete removes it at the provider and marks it removed here", async () => {
    const { id } = await downloadedTorrent();
    const res = await post(`/torrents/realdebrid/${id}/delete`);
    expect(res.status).toBe(200);
    expect(fx.fake.state.library.torrents.has(id)).toBe(false);
    expect(await res.text()).toContain("Removed");
    expect((await json(`/api/torrents/realdebrid/${id}`)).torrent.removed_at).toBeGreaterThan(0);
    const list = await json("/api/torrents?per_page=200");
    expect(list.torrents.some((t: { id: string }) => t.id === id)).toBe(false);
    expect((await json("/api/torrents?status=removed")).torrents.map((t: { id: string }) => t.id)).toContain(
      id,
    );
  });

  test("bulk: refresh several, unknown ids reported, bad action refused", async () => {
    const list = await json("/api/torrents?per_page=25");
    const ids = list.torrents.slice(0, 3).map((t: { id: string }) => t.id);
    const res = await post("/torrents/bulk", { action: "refresh", ids: [...ids, "NOPE0000NOPE0"] });
    expect(res.status).toBe(200);
    const trigger = JSON.parse(res.headers.get("HX-Trigger") ?? "{}");
    expect(trigger["torrents-changed"]).toBe(true);
    expect(trigger.toast.message).toContain("3 done, 1 failed");
    expect(trigger.toast.message).toContain("NOPE0000NOPE0: unknown torrent");
    expect((await post("/torrents/bulk", { action: "explode", ids })).status).toBe(400);
    expect((await post("/torrents/bulk", { action: "delete" })).status).toBe(400);
    expect((await post("/torrents/bulk", { action: "delete", ids: ["bad id!"] })).status).toBe(400);
  });

  test("bulk delete removes every selected torrent", async () => {
    const list = await json("/api/torrents?status=downloaded&per_page=25");
    const ids: string[] = list.torrents.slice(0, 2).map((t: { id: string }) => t.id);
    const res = await post("/torrents/bulk", { action: "delete", ids });
    expect(toast(res).level).toBe("ok");
    for (const id of ids) expect(fx.fake.state.library.torrents.has(id)).toBe(false);
  });
});

describe("sync from the dashboard", () => {
  test("starts in the background, refuses a second run, streams its log and says how it ended", async () => {
    const consoleEvents = fx.deps.syncConsole;
    const seen = consoleEvents.events().at(-1)?.id ?? 0;
    fx.fake.state.library.mutate({ added: 5, changed: 3 });
    // A slow provider keeps the run going long enough to try a second one.
    fx.fake.faults.latencyMs = { min: 30, max: 40 };
    const res = await post("/sync/smart");
    expect(res.status).toBe(202);
    expect(toast(res).message).toBe("Smart sync started");
    const again = await post("/sync/full");
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("already running");

    const stream = await fx.app.request("http://localhost/sync/events", {
      headers: { "last-event-id": String(seen) },
    });
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    let text = "";
    const deadline = Date.now() + 10_000;
    while (!text.includes("event: end") && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await reader.cancel();
    fx.fake.faults.latencyMs = undefined;
    expect(text).toContain("event: start");
    expect(text).toMatch(/event: log\ndata: \{"line":"sync smart started/);
    expect(text).toMatch(/event: end\ndata: \{[^\n]*"status":"succeeded"/);
    await consoleEvents.settled();
    // One history: the run is a smart-sync job run, on the dashboard and on /jobs alike.
    const runs = await (await fx.app.request("http://localhost/ui/sync-runs")).text();
    expect(runs).toMatch(
      /<a href="\/jobs\?job=smart-sync">smart-sync<\/a><\/td>\s*<td>manual<\/td>\s*<td><span class="badge badge-ok">succeeded</,
    );
    const rowsOf = (html: string) => [...html.matchAll(/<a href="\/jobs\/runs\/(\d+)">/g)].map((m) => m[1]);
    const jobsPage = await (await fx.app.request("http://localhost/jobs/history?limit=10")).text();
    expect(rowsOf(runs).length).toBeGreaterThan(0);
    expect(rowsOf(runs)).toEqual(rowsOf(jobsPage));
    expect((await json("/api/torrents?per_page=25")).total).toBeGreaterThan(55);
  });

  test("unknown actions are a 400", async () => {
    const res = await post("/sync/everything");
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("unknown sync action &quot;everything&quot;");
  });

  test("a refused run (bad token) ends in the console with its reason", async () => {
    const bad = await startUiFixture({ size: 3, sync: "none", env: { RD_API_TOKEN: "wrong-token" } });
    try {
      const t = await anonymousToken(bad.app);
      const c = bad.deps.syncConsole;
      const res = await bad.app.request("http://localhost/sync/torrents", {
        method: "POST",
        headers: { "x-csrf-token": t.token, cookie: t.cookie },
      });
      expect(res.status).toBe(303);
      await c.settled();
      const end = c.events().find((e) => e.type === "end");
      expect(end?.data.status).toBe("failed");
    } finally {
      await bad.close();
    }
  });
});

describe("settings", () => {
  test("test connection shows the account, premium days left and traffic", async () => {
    const res = await post("/settings/test/realdebrid");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Connected");
    expect(html).toMatch(/premium, \d+ days left/);
  });

  test("an unconfigured provider says which variable to set; an unknown one is a 400", async () => {
    const html = await (await post("/settings/test/alldebrid")).text();
    expect(html).toContain("AllDebrid is not configured: set AD_API_KEY");
    expect((await post("/settings/test/megaupload")).status).toBe(400);
  });
});
