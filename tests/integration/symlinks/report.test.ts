import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { runScan } from "../../../src/services/symlinks/index.ts";
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
});
