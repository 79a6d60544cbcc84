import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { runScan } from "../../../src/services/symlinks/index.ts";
import { writeScanReport } from "../../../src/services/symlinks/report.ts";
import { makeTestDeps } from "../../helpers/deps.ts";
import { htmlProblems } from "../../helpers/html-check.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

/** A file name cannot hold "/": markup that needs no closing tag. */
const HOSTILE = `"><img src=x onerror=alert(1)><b onmouseover='x'>&amp;`;

/** Issue 11 §5: the symlink report goes through the report templates, which escape every value. */
describe("symlink scan report", () => {
  test("a hostile file, folder and target name is escaped everywhere in the report", async () => {
    using dir = tempDir("redriva-report-");
    const media = join(dir.path, "media");
    const folder = join(media, `${HOSTILE} show`);
    mkdirSync(folder, { recursive: true });
    symlinkSync(join(dir.path, `${HOSTILE}.mkv`), join(folder, `${HOSTILE}.mkv`));
    using deps = makeTestDeps({ MEDIA_ROOT: media, SYMLINK_WORKERS: "1" });

    const scan = await runScan(deps, { mode: "dry-run", paths: [`${HOSTILE} show`] });
    expect(scan).toMatchObject({ status: "completed", problems: 1 });
    const report = readFileSync(scan.reportPath as string, "utf8");
    expect(htmlProblems(report)).toEqual([]);
    expect(report).not.toContain("<img");
    expect(report).not.toContain("<b ");
    const escaped = "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&lt;b onmouseover=&#39;x&#39;&gt;&amp;amp;";
    // The path (row), the folder scanned (header) and the link target (row).
    expect(report).toContain(`<td class="path">${escaped} show/${escaped}.mkv</td>`);
    expect(report).toContain(`<td class="path">${escaped} show</td>`);
    expect(report).toContain(`<td class="path">${dir.path}/${escaped}.mkv</td>`);
    expect(report).toContain("<th>Broken link</th><td>1</td>");
  });

  test("counts, dates and durations in the app's formats; findings bounded, with 'and K more'", async () => {
    using dir = tempDir("redriva-report-");
    const media = join(dir.path, "media");
    mkdirSync(join(media, "flat"), { recursive: true });
    const LINKS = 1203;
    for (let i = 0; i < LINKS; i++)
      symlinkSync(
        join(dir.path, `missing-${i}.mkv`),
        join(media, "flat", `e${String(i).padStart(4, "0")}.mkv`),
      );
    using deps = makeTestDeps({ MEDIA_ROOT: media, SYMLINK_WORKERS: "2", JOBS_TIMEZONE: "Asia/Kolkata" });
    const scan = await runScan(deps, { mode: "dry-run" });
    expect(scan).toMatchObject({ status: "completed", problems: LINKS });
    const full = readFileSync(scan.reportPath as string, "utf8");
    expect(full.match(/<tr class="t-broken">/g)?.length).toBe(LINKS);
    expect(full).not.toContain('id="more"');

    const bounded = readFileSync(writeScanReport(deps, scan.scanId, 1000), "utf8");
    expect(htmlProblems(bounded)).toEqual([]);
    expect(bounded.match(/<tr class="t-broken">/g)?.length).toBe(1000);
    expect(bounded).toContain('<p class="muted" id="more">and 203 more:');
    expect(bounded).toContain("<h2>Findings (1,203)</h2>");
    expect(bounded).toContain("<th>Broken link</th><td>1,203</td>");
    expect(bounded).toContain("<b>1,203 of 1,203</b>");
    expect(bounded).toContain(`<b>${deps.time.dateTime(scan.startedAt)} (Asia/Kolkata)</b>`);
    expect(bounded).toMatch(/<span class="muted">Duration<\/span><b>\d+(\.\d+)? (s|min \d\d s)<\/b>/);
    expect(bounded).toContain('<td class="path">flat/e0000.mkv</td>');
    expect(bounded).toContain("<td>link</td>");
  });
});
