import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../../src/config/index.ts";
import { parseDuration } from "../../../src/config/sections/download-mode.ts";
import { downloadModeOf, linkTextFor, mountPathFor } from "../../../src/services/downloads/mode.ts";
import { locateInMount } from "../../../src/services/downloads/mount-locate.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const downloads = (env: Record<string, string>) => loadConfig({ DOWNLOAD_DIR: "/data/dl", ...env }).downloads;

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig({ DOWNLOAD_DIR: "/data/dl", ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("DOWNLOAD_MODE and friends", () => {
  test("download by default; a category may differ", () => {
    const c = downloads({ DOWNLOAD_CATEGORY_MODES: "tv-sonarr=symlink, radarr-4k=download" });
    expect(downloadModeOf(c, "tv-sonarr")).toBe("symlink");
    expect(downloadModeOf(c, "radarr-4k")).toBe("download");
    expect(downloadModeOf(c, "radarr")).toBe("download");
    expect(downloadModeOf(downloads({ DOWNLOAD_MODE: "Symlink" }), "")).toBe("symlink");
  });

  test("bad values are refused with what was expected", () => {
    expect(problems({ DOWNLOAD_MODE: "copy" })[0]).toContain(
      "DOWNLOAD_MODE: expected one of download, symlink",
    );
    expect(problems({ DOWNLOAD_CATEGORY_MODES: "tv-sonarr=link" })[0]).toContain("DOWNLOAD_CATEGORY_MODES");
    expect(problems({ SYMLINK_MOUNT_PATH: "mnt/rd" })[0]).toContain("expected an absolute path");
    expect(problems({ SYMLINK_MOUNT_PATHS: "premiumise=/mnt/pm" })[0]).toContain("SYMLINK_MOUNT_PATHS");
    expect(problems({ SYMLINK_PATH_MAPPINGS: "/mnt/rd" })[0]).toContain("SYMLINK_PATH_MAPPINGS");
    expect(problems({ SYMLINK_MOUNT_TIMEOUT: "soon" })[0]).toContain("expected a duration");
    expect(problems({ SYMLINK_MOUNT_TIMEOUT: "0" })[0]).toContain("expected a duration");
  });

  test("durations: bare seconds or a unit; 10 min by default", () => {
    expect(parseDuration("600")).toBe(600_000);
    expect(parseDuration("90s")).toBe(90_000);
    expect(parseDuration("10m")).toBe(600_000);
    expect(parseDuration("1h")).toBe(3_600_000);
    expect(parseDuration("1500ms")).toBe(1_500);
    expect(downloads({}).linking.mountTimeoutMs).toBe(600_000);
  });

  test("a provider's own mount wins over SYMLINK_MOUNT_PATH", () => {
    const c = downloads({ SYMLINK_MOUNT_PATH: "/mnt/debrid", SYMLINK_MOUNT_PATHS: "alldebrid=/mnt/ad/" });
    expect(mountPathFor(c, "alldebrid")).toBe("/mnt/ad");
    expect(mountPathFor(c, "realdebrid")).toBe("/mnt/debrid");
    expect(mountPathFor(downloads({}), "realdebrid")).toBeUndefined();
  });

  test("path mappings: longest prefix first, whole segments only, unmapped paths unchanged", () => {
    const c = downloads({ SYMLINK_PATH_MAPPINGS: "/mnt=/x,/mnt/rd=/data/rd" });
    expect(linkTextFor(c, "/mnt/rd/__all__/A/a.mkv")).toBe("/data/rd/__all__/A/a.mkv");
    expect(linkTextFor(c, "/mnt/ad/a.mkv")).toBe("/x/ad/a.mkv");
    expect(linkTextFor(c, "/mnt-other/a.mkv")).toBe("/mnt-other/a.mkv");
    expect(linkTextFor(c, "/srv/a.mkv")).toBe("/srv/a.mkv");
  });
});

describe("finding a torrent's files in a mount", () => {
  test("names Redriva cleaned are matched with the raw names the mount shows", async () => {
    using dir = tempDir("redriva-locate-");
    const folder = join(dir.path, "__all__", "Show");
    mkdirSync(join(folder, ".hidden"), { recursive: true });
    writeFileSync(join(folder, ".hidden", "a\\b.mkv"), "x".repeat(10));
    const found = await locateInMount(dir.path, ["Show"], "Show", [
      { id: 7, path: "_hidden/a_b.mkv", size: 10 },
    ]);
    expect(found.found.get(7)).toBe(join(folder, ".hidden", "a\\b.mkv"));
  });

  test("a file of another size is not taken for the wanted one", async () => {
    using dir = tempDir("redriva-locate-");
    mkdirSync(join(dir.path, "torrents", "Movie"), { recursive: true });
    writeFileSync(join(dir.path, "torrents", "Movie", "Movie.mkv"), "partial");
    const lookup = await locateInMount(dir.path, ["Movie"], "Movie.mkv", [{ id: 1, path: "", size: 1000 }]);
    expect(lookup.found.size).toBe(0);
    expect(lookup.lookedIn).toEqual([dir.path, join(dir.path, "torrents")]);
  });

  test("a name from the provider never leads outside the mount", async () => {
    using dir = tempDir("redriva-locate-");
    const mount = join(dir.path, "mount");
    mkdirSync(join(mount, "__all__"), { recursive: true });
    writeFileSync(join(dir.path, "secret.mkv"), "x".repeat(10));
    const names = ["../../secret.mkv", "..", "../secret.mkv", "__all__/../../secret.mkv"];
    const lookup = await locateInMount(mount, names, "secret.mkv", [{ id: 1, path: "", size: 10 }]);
    expect(lookup.found.size).toBe(0);
  });

  test("an absent mount is looked at, not an error", async () => {
    const lookup = await locateInMount("/nonexistent/mount", ["X"], "X", [{ id: 1, path: "", size: 1 }]);
    expect(lookup.found.size).toBe(0);
    expect(lookup.lookedIn).toEqual(["/nonexistent/mount"]);
  });
});
