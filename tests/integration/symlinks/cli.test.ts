import { describe, expect, test } from "bun:test";
import { chmodSync, chownSync, lstatSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "../../helpers/cli.ts";
import { readableCheckout } from "../../helpers/readable-checkout.ts";
import { startSymlinkEnv } from "./helpers.ts";
import { snapshotTree } from "./media-tree.ts";

describe("redriva symlinks (CLI)", () => {
  test("scan: dry-run lists problems and changes nothing; bad usage exits 2; a failed scan exits 1", async () => {
    await using env = await startSymlinkEnv();
    const base = { DATA_DIR: env.deps.dataDir, MEDIA_ROOT: env.tree.media, SYMLINK_WORKERS: "2" };
    const before = snapshotTree(env.tree.base);
    const dry = await cli(["symlinks", "scan", "--paths", "tv"], base);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("broken       tv/Show One/Season 1/S01E02.mkv  (target missing)");
    expect(dry.stdout).toMatch(/Scan #\d+ completed in/);
    expect(dry.stdout).toContain("broken link: 3");
    expect(dry.stdout).toContain("report: ");
    expect(snapshotTree(env.tree.base)).toEqual(before);

    const noYes = await cli(["symlinks", "scan", "--real"], base);
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain("add --yes");
    const escaped = await cli(["symlinks", "scan", "--paths", "../source"], base);
    expect(escaped.code).toBe(2);
    expect(escaped.stderr).toContain('".." is refused');
    const noRoot = await cli(["symlinks", "scan"], { DATA_DIR: env.deps.dataDir });
    expect(noRoot.code).toBe(2);
    expect(noRoot.stderr).toContain("no media root configured");
    const noProbe = await cli(["symlinks", "scan", "--full"], {
      ...base,
      FFPROBE_PATH: "/nonexistent/ffprobe",
    });
    expect(noProbe.code).toBe(1);
    expect(noProbe.stdout).toContain("ffprobe could not run");
    expect(snapshotTree(env.tree.base)).toEqual(before);

    const history = await cli(["symlinks", "history"], base);
    expect(history.code).toBe(0);
    expect(history.stdout.split("\n")).toHaveLength(2);
    expect(history.stdout).toContain("failed");
  });

  test("scan --real --yes deletes what it found and asks Sonarr/Radarr to rescan", async () => {
    await using env = await startSymlinkEnv();
    const run = await cli(["symlinks", "scan", "--real", "--yes", "--paths", "movies", "--json"], {
      DATA_DIR: env.deps.dataDir,
      MEDIA_ROOT: env.tree.media,
      SONARR_URL: env.sonarr.url,
      SONARR_API_KEY: env.sonarr.apiKey,
      RADARR_URL: env.radarr.url,
      RADARR_API_KEY: env.radarr.apiKey,
    });
    expect(run.code).toBe(0);
    const final = JSON.parse(run.stdout);
    expect(final).toMatchObject({ status: "completed", deleted: 1, rescans: 1, mode: "real" });
    expect(() => lstatSync(join(env.tree.media, "movies/Gone Movie (2018)/Gone Movie.mkv"))).toThrow();
    expect(lstatSync(join(env.tree.media, "movies/Good Movie (2020)/Good Movie.mp4")).isSymbolicLink()).toBe(
      true,
    );
    expect(env.radarr.commands.map((c) => c.body)).toEqual([{ name: "RescanMovie", movieId: 21 }]);
    expect(env.sonarr.commands).toEqual([]);
  });

  /**
   * The chmod 000 case end to end: root reads anything, so when the suite runs as root the
   * CLI runs as "nobody" (setpriv), with a data dir that user owns.
   */
  test("an unreadable file is reported as inaccessible by a scan run as an ordinary user", async () => {
    await using env = await startSymlinkEnv();
    const asRoot = process.getuid?.() === 0;
    const dataDir = mkdtempSync(join(tmpdir(), "redriva-nobody-"));
    // The CLI runs from a world-readable copy: the checkout may sit in a folder "nobody" cannot enter.
    using checkout = readableCheckout();
    try {
      chmodSync(env.tree.base, 0o755);
      if (asRoot) chownSync(dataDir, 65534, 65534);
      const prefix = asRoot ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : [];
      const proc = Bun.spawnSync(
        [
          ...prefix,
          process.execPath,
          join(checkout.path, "src/cli/index.ts"),
          "symlinks",
          "scan",
          "--json",
          "--paths",
          "tv/Show Two",
        ],
        {
          env: {
            PATH: process.env.PATH,
            HOME: dataDir,
            DATA_DIR: dataDir,
            MEDIA_ROOT: env.tree.media,
            LOG_LEVEL: "silent",
          },
          cwd: checkout.path,
        },
      );
      expect(proc.stderr.toString()).not.toContain("rror");
      expect(proc.exitCode).toBe(0);
      const final = JSON.parse(proc.stdout.toString().slice(proc.stdout.toString().indexOf("{")));
      expect(final.counts).toMatchObject({ inaccessible: 1, broken: 2, empty: 1 });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
