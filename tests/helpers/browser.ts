import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import axe from "axe-core";
import { type BrowserContext, chromium, type Page } from "playwright-core";

/**
 * Debian's Chromium through playwright-core, one persistent context per test file: launch,
 * log in, run axe-core on the current page. Shared by the browser tests in tests/integration/ui.
 */
const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));

export const DESKTOP = { width: 1440, height: 900 } as const;
export const PHONE = { width: 390, height: 844 } as const;

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors seen so far. */
  pageErrors: string[];
  close(): Promise<void>;
}

export async function openBrowser(viewport: { width: number; height: number } = DESKTOP): Promise<Browser> {
  if (!CHROMIUM)
    throw new Error("Chromium is not installed: apt-get install chromium (scripts/bootstrap.mjs does it)");
  const profile = mkdtempSync(join(tmpdir(), "redriva-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  // A loaded 2-core machine: generous, since every wait is on a condition.
  page.setDefaultTimeout(20_000);
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  return {
    context,
    page,
    pageErrors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function logIn(page: Page, base: string, user: { username: string; password: string }) {
  await page.goto(`${base}/login`);
  await page.fill("input[name=username]", user.username);
  await page.fill("input[name=password]", user.password);
  await page.click("button[type=submit]");
  await page.waitForURL(`${base}/`);
}

/** A UI fixture's app served on an ephemeral port, and a desktop Chromium logged in to it. */
export interface ServedUi {
  server: ReturnType<typeof Bun.serve>;
  base: string;
  browser: Browser;
  page: Page;
}

export async function serveAndLogIn(
  app: { fetch(request: Request): Response | Promise<Response> },
  user: { username: string; password: string },
): Promise<ServedUi> {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch, idleTimeout: 0 });
  const base = `http://127.0.0.1:${server.port}`;
  const browser = await openBrowser(DESKTOP);
  await logIn(browser.page, base, user);
  return { server, base, browser, page: browser.page };
}

/** The browser, then the server, then the fixture: each only if it was started. */
export async function closeServedUi(ui: Partial<ServedUi>, fixture?: { close(): Promise<void> }) {
  await ui.browser?.close();
  await ui.server?.stop(true);
  await fixture?.close();
}

/** axe-core's serious and critical WCAG A/AA violations on the current page, one line each. */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  // Injected through the DevTools protocol (addScriptTag would be refused by the page's CSP).
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const engine = (window as unknown as { axe: { run: (...args: unknown[]) => Promise<AxeResult> } }).axe;
    type AxeResult = {
      violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
    };
    const result = await engine.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
    });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map(
        (v) =>
          `${v.id} (${v.impact}): ${v.help} — ${v.nodes
            .slice(0, 3)
            .map((n) => n.target.join(" "))
            .join(", ")}`,
      );
  });
  return violations;
}

/** How far the page is wider than the viewport (0 when nothing scrolls sideways). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** The elements sticking out past the right edge, for a readable failure. */
export function widestElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll("body *"))) {
      const box = el.getBoundingClientRect();
      if (box.right > window.innerWidth + 1 && out.length < 5) {
        const cls = typeof el.className === "string" && el.className ? `.${el.className.split(" ")[0]}` : "";
        out.push(
          `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${cls} right=${Math.round(box.right)}`,
        );
      }
    }
    return out;
  });
}
