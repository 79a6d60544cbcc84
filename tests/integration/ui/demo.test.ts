import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";
import { DEMO_MEDIA_PROBLEMS } from "../../../src/demo-media.ts";

/** Issue 13 §9: `bun run demo --help` works; the demo brings a media tree with broken links. */
const ROOT = join(import.meta.dir, "..", "..", "..");
const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));

interface Demo {
  url: string;
  output: () => string;
  stop(): Promise<void>;
}

/** Starts `bun src/demo.ts` and waits (generously) for the line that gives its address. */
async function startDemo(env: Record<string, string> = {}): Promise<Demo> {
  const child = Bun.spawn(["bun", "src/demo.ts", "--size", "30", "--port", "0", "--no-login"], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  let text = "";
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  const deadline = Date.now() + 120_000;
  while (!/demo is running: (\S+)/.test(text)) {
    if (Date.now() > deadline) throw new Error(`demo did not start: ${text}`);
    const { value, done } = await reader.read();
    if (done) throw new Error(`demo ended: ${text}${await new Response(child.stderr).text()}`);
    text += decoder.decode(value);
  }
  const url = (/demo is running: (\S+)/.exec(text) as RegExpExecArray)[1] as string;
  return {
    url,
    output: () => text,
    async stop() {
      child.kill("SIGTERM");
      await child.exited;
    },
  };
}

let context: BrowserContext;
let profile: string;

beforeAll(async () => {
  if (!CHROMIUM) throw new Error("Chromium is not installed: apt-get install chromium");
  profile = mkdtempSync(join(tmpdir(), "redriva-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test("bun run demo --help prints the options and exits 0", async () => {
  const run = Bun.spawnSync(["bun", "run", "demo", "--help"], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  const out = run.stdout.toString();
  expect(run.stderr.toString()).not.toContain("Unknown option");
  expect(run.exitCode).toBe(0);
  expect(out).toContain("Usage: bun run demo");
  expect(out).toContain("--size");
  expect(out).toContain("MEDIA_ROOT");
}, 60_000);

test("the demo's symlink pages show a finished scan of its own media tree, broken links included", async () => {
  const demo = await startDemo({ MEDIA_ROOT: "" });
  try {
    expect(demo.output()).toContain("a few links broken on purpose");
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${demo.url}/symlinks`);
    const problems = page.locator("table.symlinks-history tbody tr").first().locator("td.right").nth(1);
    await expect(problems.textContent()).resolves.toBe(
      String(DEMO_MEDIA_PROBLEMS.broken + DEMO_MEDIA_PROBLEMS.empty),
    );
    await page.locator("table.symlinks-history tbody tr a").first().click();
    await page.waitForFunction(() => document.body.textContent?.includes("Dark.S02E04.1080p.mkv"));
    await page.close();
  } finally {
    await demo.stop();
  }
}, 180_000);

test("the demo honours MEDIA_ROOT: the symlink pages use that folder", async () => {
  const own = mkdtempSync(join(tmpdir(), "redriva-own-media-"));
  const demo = await startDemo({ MEDIA_ROOT: own });
  try {
    expect(demo.output()).toContain(`${own} (MEDIA_ROOT)`);
    const config = await fetch(`${demo.url}/api/symlinks/config`).then((r) => r.json());
    expect(JSON.stringify(config)).toContain(own);
  } finally {
    await demo.stop();
    rmSync(own, { recursive: true, force: true });
  }
}, 180_000);
