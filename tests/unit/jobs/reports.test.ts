import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { recentRuns } from "../../../src/db/repo/jobs.ts";
import { startFakeDebrid } from "../../../src/fake-debrid/index.ts";
import { JobRunner } from "../../../src/jobs/runner.ts";
import type { JobDefinition } from "../../../src/jobs/types.ts";
import { makeTestDeps } from "../../helpers/deps.ts";
import { htmlProblems } from "../../helpers/html-check.ts";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const HOSTILE = `<script>alert("pwned")</script><img src=x onerror=alert(1)> & 'quoted' "name"`;

/** A job that puts a hostile name everywhere a report shows text, and calls the provider. */
const hostileJob: JobDefinition = {
  name: "hostile",
  description: `Handles ${HOSTILE}`,
  defaultSchedule: "off",
  async run(ctx) {
    ctx.log(`processing ${HOSTILE}`);
    ctx.log("a warning", "warn");
    const provider = ctx.deps.providers.get("realdebrid");
    if (provider) for (let i = 0; i < 3; i++) await provider.getAccount();
    return {
      status: "failed",
      error: `could not fetch ${HOSTILE}`,
      summary: `summary of ${HOSTILE}`,
      counts: { items: 3, [`weird_${HOSTILE}`]: 1 },
      report: [
        {
          kind: "table",
          title: `Table ${HOSTILE}`,
          columns: ["Name", "Size"],
          rows: [
            [HOSTILE, 12],
            ["plain", null],
          ],
          more: 7,
        },
        {
          kind: "bars",
          title: "By status",
          bars: [
            { label: HOSTILE, value: 5 },
            { label: "downloaded", value: 20 },
          ],
        },
        { kind: "text", title: "Notes", lines: [HOSTILE] },
      ],
    };
  },
};

function chromiumDom(path: string): string {
  const browser = Bun.which("chromium") ?? Bun.which("chromium-browser");
  if (!browser) throw new Error("chromium is needed (bun run test installs it): apt-get install chromium");
  const result = Bun.spawnSync(
    [browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", `file://${path}`],
    {
      stderr: "ignore",
    },
  );
  return result.stdout.toString();
}

describe("HTML reports", () => {
  test("each run writes a self-contained, valid report that escapes hostile names", async () => {
    const fake = await startFakeDebrid({ library: { size: 2, seed: 3 } });
    cleanups.push(() => fake.close());
    const deps = makeTestDeps({ RD_API_TOKEN: "fake-token", RD_API_URL: fake.rdApiUrl });
    cleanups.push(() => deps[Symbol.dispose]());
    const finished = await new JobRunner(deps, [hostileJob]).trigger("hostile", "manual").done;
    expect(finished.status).toBe("failed");
    const path = join(deps.dataDir, "reports", finished.reportPath as string);
    const html = readFileSync(path, "utf8");

    expect(htmlProblems(html)).toEqual([]);
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;");
    // Self-contained: inline style, no external resource; links go to the index and back to the app.
    expect(html).toContain("<style>");
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect([...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1])).toEqual(["/", "/jobs", "../index.html"]);
    // Charts: the requests the job made, and the bars section, as inline SVG.
    expect(html).toContain("Debrid requests");
    expect(html.match(/<svg /g)?.length).toBe(2);
    expect(html).toContain("… and 7 more.");

    // A real browser opening the file from disk: one table with the rows, the names as text.
    const dom = chromiumDom(path);
    expect(dom).toContain("<h1>hostile");
    expect(dom).not.toContain("<script");
    expect(dom.match(/<tr>/g)?.length).toBe(3);
    expect(dom).toContain('&lt;script&gt;alert("pwned")&lt;/script&gt;');

    const index = readFileSync(join(deps.dataDir, "reports", "index.html"), "utf8");
    expect(htmlProblems(index)).toEqual([]);
    expect(index).toContain(`href="${finished.reportPath}"`);
  });

  test("retention keeps the last REPORTS_KEEP reports per job", async () => {
    const deps = makeTestDeps({ REPORTS_KEEP: "2" });
    cleanups.push(() => deps[Symbol.dispose]());
    const quick: JobDefinition = {
      name: "quick",
      description: "q",
      defaultSchedule: "off",
      run: async () => ({}),
    };
    const runner = new JobRunner(deps, [quick, { ...quick, name: "other" }]);
    for (let i = 0; i < 4; i++) await runner.trigger("quick", "manual").done;
    await runner.trigger("other", "manual").done;
    expect(readdirSync(join(deps.dataDir, "reports", "quick"))).toHaveLength(2);
    const runs = recentRuns(deps.dbh, { job: "quick" });
    expect(runs.map((r) => r.report_path !== null)).toEqual([true, true, false, false]);
    for (const run of runs.slice(0, 2))
      expect(existsSync(join(deps.dataDir, "reports", run.report_path as string))).toBe(true);
    const index = readFileSync(join(deps.dataDir, "reports", "index.html"), "utf8");
    expect(index.match(/<tr>/g)?.length).toBe(2 + 2 + 1); // one header row per job, three runs
  });

  test("the checker used above finds what it should", () => {
    expect(htmlProblems("<!doctype html><p>a < b</p>")).toEqual([expect.stringContaining('stray "<"')]);
    expect(htmlProblems("<!doctype html><div><p></div>")).toContain("</div> closes <p> at 8");
    expect(htmlProblems("<!doctype html><script>x</script>")).toContain("contains a <script>");
    expect(htmlProblems("<p></p>")).toContain("missing <!doctype html>");
  });
});
