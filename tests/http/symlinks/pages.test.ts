import { describe, expect, test } from "bun:test";
import { lstatSync } from "node:fs";
import { join } from "node:path";
import { createApp } from "../../../src/http/app.ts";
import { waitUntil, writeHangingFfprobe } from "../../helpers/hanging-ffprobe.ts";
import { startSymlinkEnv } from "../../integration/symlinks/helpers.ts";

type App = ReturnType<typeof createApp>;

/** A browser: cookie + CSRF token from a page, plain form posts, htmx fragment requests. */
async function browser(app: App) {
  const page = await app.request("/symlinks/scanner");
  const cookie = (page.headers.get("set-cookie") ?? "").split(";")[0] as string;
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
  expect(token).not.toBe("");
  return {
    get: (path: string, htmx = false) =>
      app.request(path, { headers: { cookie, ...(htmx ? { "HX-Request": "true" } : {}) } }),
    post: (path: string, fields: Array<[string, string]> = [], htmx = false) =>
      app.request(path, {
        method: "POST",
        headers: {
          cookie,
          "content-type": "application/x-www-form-urlencoded",
          ...(htmx ? { "HX-Request": "true", "X-CSRF-Token": token } : {}),
        },
        body: new URLSearchParams(htmx ? fields : [["_csrf", token], ...fields]),
      }),
  };
}

describe("/symlinks pages", () => {
  test("tabs render; the picker lists folders with counts; a form scan shows escaped results", async () => {
    await using env = await startSymlinkEnv();
    const app = createApp(env.deps);
    const b = await browser(app);
    for (const [path, tab] of [
      ["/symlinks", "Dashboard"],
      ["/symlinks/scanner", "Scanner"],
      ["/symlinks/settings", "Settings"],
    ]) {
      const html = await (await b.get(path as string)).text();
      expect(html).toMatch(new RegExp(`symlinks-tabs[^]*?class="active">${tab}</a>`));
      expect(html).toMatch(/<a href="\/symlinks"[^>]*active/);
    }
    expect(await (await b.get("/symlinks")).text()).toContain("No scan yet");
    const scanner = await (await b.get("/symlinks/scanner")).text();
    expect(scanner).toContain('hx-get="/symlinks/directories" hx-trigger="load"');

    const tree = await (await b.get("/symlinks/directories", true)).text();
    expect(tree).toContain('<input type="checkbox" name="paths" value="tv">');
    expect(tree).toContain('value="tv/Show One"');
    expect(tree).toMatch(/Show Two<\/label> <span class="muted">5 links/);

    const started = await b.post("/symlinks/scan", [
      ["paths", "tv"],
      ["paths", "movies"],
      ["mode", "dry-run"],
      ["depth", "basic"],
    ]);
    expect(started.status).toBe(303);
    const location = started.headers.get("location") as string;
    expect(location).toMatch(/^\/symlinks\/scans\/\d+$/);
    let live = "";
    await waitUntil(async () => {
      live = await (await b.get(`${location}/live`, true)).text();
      return live.includes("badge-ok");
    });
    // Finished: the fragment no longer polls.
    expect(live).not.toContain("hx-trigger");
    const page = await (await b.get(location)).text();
    expect(page).toContain("&lt;img src=x onerror=alert(1)&gt;.mkv");
    expect(page).not.toContain("<img src=x");
    expect(page).toContain('Broken link <span class="n">4</span>');
    const filtered = await (await b.get(`${location}?type=empty`)).text();
    expect(filtered).toContain("S01E03.mkv");
    expect(filtered).not.toContain("subs.srt");
    const dashboard = await (await b.get("/symlinks")).text();
    expect(dashboard).toContain(`href="${location}/report"`);
    expect(dashboard).toContain("Run again");
  });

  test("the live fragment polls only while the scan runs; cancel from the page", async () => {
    await using env = await startSymlinkEnv();
    const hang = writeHangingFfprobe(env.tree.base);
    const deps = {
      ...env.deps,
      config: { ...env.deps.config, symlinks: { ...env.deps.config.symlinks, ffprobePath: hang.path } },
    };
    const b = await browser(createApp(deps));
    const started = await b.post("/symlinks/scan", [["depth", "full"]]);
    const location = started.headers.get("location") as string;
    await waitUntil(async () =>
      (await (await b.get(`${location}/live`, true)).text()).includes("Phase 2: ffprobe"),
    );
    const running = await (await b.get(`${location}/live`, true)).text();
    expect(running).toContain(`hx-get="${location}/live" hx-trigger="every 1s"`);
    expect(running).toContain(`action="${location}/cancel"`);
    const busy = await b.post("/symlinks/scan", []);
    expect(busy.status).toBe(409);
    expect(await busy.text()).toContain("is already running");
    expect((await b.post(`${location}/cancel`)).status).toBe(303);
    await waitUntil(
      async () => !(await (await b.get(`${location}/live`, true)).text()).includes("hx-trigger"),
      1000,
    );
  });

  test("real mode: the page lists the problems and deletes them only through the confirm form", async () => {
    await using env = await startSymlinkEnv();
    const b = await browser(createApp(env.deps));
    const started = await b.post("/symlinks/scan", [
      ["paths", "tv/Show One"],
      ["mode", "real"],
    ]);
    const location = started.headers.get("location") as string;
    let page = "";
    await waitUntil(async () => {
      page = await (await b.get(location)).text();
      return page.includes("awaiting confirmation");
    });
    expect(page).toContain("Delete all 2 matching…");
    // The plan lists what goes and who rescans; its form carries the token of exactly that list.
    const plan = await (await b.get(`${location}/plan?scope=all`, true)).text();
    expect(plan).toContain("Delete 2 links or files?");
    expect(plan).toContain("tv/Show One/Season 1/S01E02.mkv");
    expect(plan).toMatch(/Then asks to rescan: <strong>Sonarr<\/strong> \(2 paths\)/);
    const token = /name="token" value="([0-9a-f]+)"/.exec(plan)?.[1] as string;
    // Without htmx the plan comes inside the page, its dialog already open.
    const planPage = await (await b.get(`${location}/plan?scope=all`)).text();
    expect(planPage).toContain('<dialog class="symlinks-plan" id="symlinks-plan-dialog"');
    expect(planPage).toMatch(/id="symlinks-plan-dialog" aria-labelledby="symlinks-plan-title" open>/);
    expect(planPage).toContain(`name="token" value="${token}"`);
    // A selection needs ticked findings; a finding of no pending kind gives an empty plan.
    const none = await b.get(`${location}/plan?scope=selected`, true);
    expect(none.status).toBe(400);
    expect(await none.text()).toContain("select at least one finding");
    const badScope = await b.get(`${location}/plan?scope=everything`, true);
    expect(badScope.status).toBe(400);
    const other = await (await b.get(`${location}/plan?scope=selected&ids=999999`, true)).text();
    expect(other).toContain("Nothing to delete in this selection");
    const link = join(env.tree.media, "tv/Show One/Season 1/S01E02.mkv");
    const bad = await b.post(`${location}/confirm`, [
      ["token", "f".repeat(40)],
      ["scope", "all"],
    ]);
    expect(bad.status).toBe(400);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(
      (
        await b.post(`${location}/confirm`, [
          ["token", token],
          ["scope", "all"],
        ])
      ).status,
    ).toBe(303);
    await waitUntil(async () => (await (await b.get(location)).text()).includes("badge-ok"));
    expect(() => lstatSync(link)).toThrow();
    expect(env.sonarr.commands.map((c) => c.body)).toEqual([{ name: "RescanSeries", seriesId: 11 }]);
  });

  test("bad folders come back as a 400 page; settings save, validate, test and detect", async () => {
    await using env = await startSymlinkEnv();
    const b = await browser(createApp(env.deps));
    const escaped = await b.post("/symlinks/scan", [["paths", "../source"]]);
    expect(escaped.status).toBe(400);
    expect(await escaped.text()).toContain("&quot;..&quot; is refused");

    const bad = await b.post("/symlinks/settings", [["mediaRoot", "/nowhere/at/all"]]);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("does not exist");
    const saved = await b.post("/symlinks/settings", [
      ["mediaRoot", env.tree.media],
      ["workers", "3"],
      ["ffprobeTimeoutSec", "12"],
      ["minSizeBytes", "2048"],
      ["historyKeep", "4"],
      ["sonarrEnabled", "on"],
      ["sonarrUrl", env.sonarr.url],
      ["sonarrApiKey", ""],
      ["radarrUrl", env.radarr.url],
    ]);
    expect(saved.status).toBe(200);
    const html = await saved.text();
    expect(html).toContain("Settings saved");
    expect(html).toContain('name="workers" type="number" min="1" max="64" value="3"');
    expect(html).not.toContain(env.sonarr.apiKey);
    const config = await (await b.get("/api/symlinks/config")).json();
    expect(config.settings).toMatchObject({
      workers: 3,
      ffprobeTimeoutMs: 12_000,
      minSizeBytes: 2048,
      historyKeep: 4,
    });
    expect(config.sonarr).toMatchObject({ enabled: true, hasApiKey: true });
    expect(config.radarr).toMatchObject({ enabled: false, hasApiKey: true });

    const ok = await (
      await b.post("/symlinks/services/test/sonarr", [["sonarrUrl", env.sonarr.url]], true)
    ).text();
    expect(ok).toContain("Sonarr 3.0.10.1567");
    const refused = await (
      await b.post("/symlinks/services/test/radarr", [["radarrApiKey", "wrong"]], true)
    ).text();
    expect(refused).toContain("API key was refused");
    const detect = await b.post("/symlinks/services/detect", [], true);
    expect(detect.status).toBe(200);
    expect(await detect.text()).toContain("Docker:");
  });
});
