import { describe, expect, test } from "bun:test";
import { chmodSync, lstatSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { downloadsOverview } from "../../../src/services/downloads/overview.ts";
import { waitFor } from "../../helpers/downloads.ts";
import type { ArrQbitClient } from "../../helpers/qbit-client.ts";
import { qbitInfo, startSymlinkPipeline } from "../../helpers/symlink-pipeline.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

/** Loopback only, but a loaded 2-core machine: generous bounds, conditions awaited. */
const SLOW_TEST = { timeout: 45_000 };

/** A program that records its environment beside itself, says a line, and exits 0. */
function writeHook(dir: string): string {
  const path = join(dir, "on-complete.sh");
  writeFileSync(
    path,
    `#!/bin/sh\nenv > "${dir}/hook.env.tmp"\nmv "${dir}/hook.env.tmp" "${dir}/hook.env"\necho "linked: $REDRIVA_NAME"\n`,
  );
  chmodSync(path, 0o755);
  return path;
}

function readEnv(dir: string): Map<string, string> {
  return new Map(
    readFileSync(join(dir, "hook.env"), "utf8")
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)] as [string, string]),
  );
}

async function grab(arr: ArrQbitClient, magnet: string) {
  const answer = await arr.call("POST", "torrents/add", {
    form: { urls: magnet, category: "tv-sonarr", paused: "False" },
  });
  expect(await answer.text()).toBe("Ok.");
}

const ARCHIVES_NOTE =
  "2 archives not extracted: in symlink mode the files are links into the debrid mount, which is read-only (DOWNLOAD_MODE=download for this category extracts them)";

/** A pack of two old-style RAR sets and an .nfo, as the provider lists it. */
const PACK = [
  { path: "/Show.S03E01/show.s03e01.rar", bytes: 50_000 },
  { path: "/Show.S03E01/show.s03e01.r00", bytes: 50_000 },
  { path: "/Show.S03E02/show.s03e02.rar", bytes: 40_000 },
  { path: "/Show.S03.nfo", bytes: 700 },
];

describe("symlink mode after the links: DOWNLOAD_ON_COMPLETE runs, archives are left with the reason shown", () => {
  test(
    "the command runs on the links (its variables point at them, counted from the provider's list) before pausedUP",
    async () => {
      using h = tempDir("redriva-symlink-hook-");
      const hook = writeHook(h.path);
      await using s = await startSymlinkPipeline({
        layout: "rclone-realdebrid",
        env: () => ({ DOWNLOAD_ON_COMPLETE: hook }),
      });
      const { hash, magnet } = s.p.magnet("Show.S03.720p", PACK);
      await grab(s.arr, magnet);
      const done = await waitFor(
        async () => {
          const t = await qbitInfo(s.arr, hash);
          return t?.state === "pausedUP" || t?.state === "error" ? t : null;
        },
        { timeoutMs: 30_000, what: `${hash} finished` },
      );
      expect(done.state).toBe("pausedUP");
      const folder = join(s.p.downloadDir, "tv-sonarr", "Show.S03.720p");
      expect(done.content_path).toBe(folder);
      const env = readEnv(h.path);
      expect(env.get("REDRIVA_CONTENT_PATH")).toBe(folder);
      expect(env.get("REDRIVA_HASH")).toBe(hash);
      expect(env.get("REDRIVA_FILE_COUNT")).toBe("4");
      expect(env.get("REDRIVA_SIZE")).toBe(String(140_700));
      // Links, left as they are: nothing extracted, no scratch folder beside them.
      expect(lstatSync(join(folder, "Show.S03E01", "show.s03e01.rar")).isSymbolicLink()).toBe(true);
      expect(readdirSync(join(folder, "Show.S03E01")).sort()).toEqual(["show.s03e01.r00", "show.s03e01.rar"]);
      const row = (await downloadsOverview(s.p.deps)).finished.find((r) => r.hash === hash);
      expect(row?.detail).toStartWith(
        `${ARCHIVES_NOTE} · On-complete command finished: exit 0 · output: /reports/on-complete/`,
      );
      expect(row?.detail).toEndWith(".html · linked: Show.S03.720p");
    },
    SLOW_TEST,
  );

  test(
    "without a command: pausedUP at once, the archives' reason on the torrent",
    async () => {
      await using s = await startSymlinkPipeline({ layout: "rclone-realdebrid" });
      const { hash, magnet } = s.p.magnet("Show.S03.720p", PACK);
      await grab(s.arr, magnet);
      await waitFor(async () => (await qbitInfo(s.arr, hash))?.state === "pausedUP", {
        timeoutMs: 30_000,
        what: `${hash} pausedUP`,
      });
      const row = (await downloadsOverview(s.p.deps)).finished.find((r) => r.hash === hash);
      expect(row?.detail).toBe(ARCHIVES_NOTE);
    },
    SLOW_TEST,
  );
});
