import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { startUiFixture, type UiFixture } from "./ui-fixture.ts";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
export const UI_LOGIN = { REDRIVA_USERNAME: "demo", REDRIVA_PASSWORD: "demo-password" };

export interface UiBrowser {
  fx: UiFixture;
  page: Page;
  base: string;
  /** Uncaught page errors, collected: a test ends by expecting none. */
  pageErrors: string[];
  /** Native dialogs seen (dismissed). */
  dialogs: string[];
  close(): Promise<void>;
}

/**
 * A logged-in headless Chromium (Debian's) on a real server over the UI fixture. Generous default
 * timeouts: the machine running the tests may be loaded.
 */
export async function openUiBrowser(options: Parameters<typeof startUiFixture>[0] = {}): Promise<UiBrowser> {
  if (!CHROMIUM)
    throw new Error("Chromium is not installed: apt-get install chromium (scripts/bootstrap.mjs does it)");
  const fx = await startUiFixture({ ...options, env: { ...UI_LOGIN, ...options.env } });
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: fx.app.fetch, idleTimeout: 0 });
  const base = `http://127.0.0.1:${server.port}`;
  const profile = mkdtempSync(join(tmpdir(), "redriva-chromium-"));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 1000 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
      ],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(20_000);
    const pageErrors: string[] = [];
    const dialogs: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`${base}/login`);
    await page.fill("input[name=username]", UI_LOGIN.REDRIVA_USERNAME);
    await page.fill("input[name=password]", UI_LOGIN.REDRIVA_PASSWORD);
    await page.click("button[type=submit]");
    await page.waitForURL(`${base}/`);
    const opened = context;
    return {
      fx,
      page,
      base,
      pageErrors,
      dialogs,
      async close() {
        await opened.close();
        await server.stop(true);
        await fx.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await context?.close();
    await server.stop(true);
    await fx.close();
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
