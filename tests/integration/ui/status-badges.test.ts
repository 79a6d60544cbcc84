import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { addTorrents } from "../../../src/services/downloads/add.ts";
import { scanForRepair } from "../../../src/services/repair/index.ts";
import {
  type Browser,
  closeServedUi,
  DESKTOP,
  horizontalOverflow,
  PHONE,
  seriousAxeViolations,
  serveAndLogIn,
} from "../../helpers/browser.ts";
import { startUiFixture, type UiFixture } from "../../helpers/ui-fixture.ts";

/**
 * Issue 13: status badges are grouped by colour the same way on every page (ok, active, warning,
 * error, neutral): the same word never has two colours, and there are five colours in all.
 */
const LOGIN = { username: "demo", password: "demo-password" };
const TONES = ["badge-ok", "badge-active", "badge-warn", "badge-failed", "badge-muted"];

/** The group a word belongs to, whichever page shows it. */
const EXPECTED_TONE: Record<string, string> = {
  downloaded: "badge-ok",
  succeeded: "badge-ok",
  downloading: "badge-active",
  provider: "badge-active",
  pending: "badge-warn",
  waiting_for_file_selection: "badge-warn",
  dead: "badge-failed",
  error: "badge-failed",
};

let fx: UiFixture;
let server: ReturnType<typeof Bun.serve>;
let base: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  fx = await startUiFixture({
    size: 120,
    env: { REDRIVA_USERNAME: LOGIN.username, REDRIVA_PASSWORD: LOGIN.password },
    fake: { library: { mix: { downloading: 0.15, dead: 0.2 } } },
  });
  // A download waiting in the queue, a repair scan and a finished job run: each page has badges.
  const added = await addTorrents(fx.deps, {
    urls: [`magnet:?xt=urn:btih:${"e5".repeat(20)}&dn=Queued.Download`],
    files: [],
    category: "",
  });
  if (added.added.length !== 1) throw new Error(`fixture add: ${JSON.stringify(added.failed)}`);
  const scan = await scanForRepair(fx.deps, "quick");
  if (scan.status !== "succeeded") throw new Error(`fixture repair scan ${scan.status}`);
  await fx.deps.jobs.trigger("cleanup", "manual").done;
  ({ server, base, browser, page } = await serveAndLogIn(fx.app, LOGIN));
}, 180_000);

afterAll(() => closeServedUi({ browser, server }, fx));

interface Badge {
  path: string;
  word: string;
  tones: string[];
  color: string;
}

async function badgesOf(path: string): Promise<Badge[]> {
  await page.goto(`${base}${path}`);
  await page.waitForLoadState("load");
  const found = await page.locator("main .badge").evaluateAll((els) =>
    els.map((e) => ({
      word: (e.textContent ?? "").trim().toLowerCase().replaceAll(" ", "_"),
      classes: Array.from(e.classList),
      color: getComputedStyle(e).color,
    })),
  );
  return found.map((b) => ({
    path,
    word: b.word,
    tones: b.classes.filter((c) => TONES.includes(c)),
    color: b.color,
  }));
}

async function detailPath(): Promise<string> {
  await page.goto(`${base}/torrents?status=active`);
  const href = await page
    .locator("table.torrents td.name a")
    .first()
    .evaluate((a) => (a as HTMLAnchorElement).href);
  return new URL(href).pathname;
}

for (const viewport of [DESKTOP, PHONE]) {
  test(`at ${viewport.width}px: one colour per status word on the list, detail, downloads, repair and jobs`, async () => {
    await page.setViewportSize(viewport);
    const paths = [
      "/torrents",
      "/torrents?status=active",
      "/torrents?status=failed",
      await detailPath(),
      "/downloads",
      "/repair",
      "/jobs",
      "/symlinks",
    ];
    const badges: Badge[] = [];
    const problems: string[] = [];
    for (const path of paths) {
      badges.push(...(await badgesOf(path)));
      for (const v of await seriousAxeViolations(page)) problems.push(`${path}: ${v}`);
      if ((await horizontalOverflow(page)) > 0) problems.push(`${path} is wider than ${viewport.width}px`);
    }
    expect(problems).toEqual([]);
    // Every page drew badges, and the words the pages share are there.
    expect(paths.filter((path) => !badges.some((b) => b.path === path))).toEqual([]);
    const words = new Set(badges.map((b) => b.word));
    for (const word of ["downloading", "dead", "succeeded"]) expect(words).toContain(word);

    for (const b of badges) expect({ ...b, tones: b.tones.length }).toEqual({ ...b, tones: 1 });
    const colourOf = new Map<string, Set<string>>();
    for (const b of badges) colourOf.set(b.word, (colourOf.get(b.word) ?? new Set()).add(b.color));
    const twoColoured = [...colourOf].filter(([, colours]) => colours.size > 1).map(([w]) => w);
    expect(twoColoured).toEqual([]);
    expect(new Set(badges.map((b) => b.color)).size).toBeLessThanOrEqual(5);
    // Grouped by meaning: moving is blue (a download at the provider too), waiting is amber.
    const wrongGroup = badges
      .filter((b) => EXPECTED_TONE[b.word] !== undefined && b.tones[0] !== EXPECTED_TONE[b.word])
      .map((b) => `${b.path}: ${b.word} is ${b.tones[0]}, not ${EXPECTED_TONE[b.word]}`);
    expect(wrongGroup).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  }, 240_000);
}
