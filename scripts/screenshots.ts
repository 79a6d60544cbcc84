/**
 * README screenshots: starts the demo (fake debrid, a week of history), opens Debian's Chromium
 * through playwright-core and saves the dashboard and the torrent list into docs/screenshots/.
 *
 *   bun scripts/screenshots.ts        (needs chromium: apt-get install chromium)
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const ROOT = join(import.meta.dir, "..");
const OUT = join(ROOT, "docs", "screenshots");
const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
const PAGES = [
  { file: "dashboard.png", path: "/" },
  { file: "torrents.png", path: "/torrents" },
];

/** Starts `bun src/demo.ts` and resolves with its address once it prints it. */
async function startDemo() {
  const child = Bun.spawn(["bun", "src/demo.ts", "--size", "600", "--port", "0"], {
    cwd: ROOT,
    env: { ...process.env, MEDIA_ROOT: "" },
    stdout: "pipe",
    stderr: "inherit",
  });
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const match = /demo is running: (\S+)/.exec(text);
    if (match?.[1]) return { url: match[1], child };
    const { value, done } = await reader.read();
    if (done) throw new Error(`the demo ended before it started:\n${text}`);
    text += decoder.decode(value);
  }
}

async function main() {
  if (!CHROMIUM) throw new Error("Chromium is not installed: apt-get install chromium");
  mkdirSync(OUT, { recursive: true });
  const demo = await startDemo();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    // The demo's own login (printed by the demo), so no "no login configured" banner shows.
    await page.goto(`${demo.url}/login`);
    await page.fill("input[name=username]", "demo");
    await page.fill("input[name=password]", "demo");
    await page.click("button[type=submit]");
    await page.waitForURL(`${demo.url}/`);
    for (const shot of PAGES) {
      await page.goto(`${demo.url}${shot.path}`, { waitUntil: "load" });
      await page.screenshot({ path: join(OUT, shot.file) });
      process.stdout.write(`saved docs/screenshots/${shot.file}\n`);
    }
  } finally {
    await browser.close();
    demo.child.kill("SIGTERM");
    await demo.child.exited;
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
