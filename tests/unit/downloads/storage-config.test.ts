import { describe, expect, test } from "bun:test";
import { ConfigError, loadConfig } from "../../../src/config/index.ts";
import { buildProfile, downloadOptions, globalOptions } from "../../../src/downloader/profile.ts";
import { detectStorage, diskSpace, readRotational, writeTest } from "../../../src/downloader/storage.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

describe("storage detection", () => {
  test("STORAGE_TYPE=hdd|ssd is taken as said", async () => {
    using dir = tempDir();
    expect(await detectStorage(dir.path, "hdd")).toEqual({ type: "hdd", how: "STORAGE_TYPE" });
    expect(await detectStorage(dir.path, "ssd")).toEqual({ type: "ssd", how: "STORAGE_TYPE" });
  });

  test("auto reads the rotational flag when there is a block device, else runs the write test", async () => {
    using dir = tempDir();
    const flag = readRotational(dir.path);
    const detected = await detectStorage(dir.path, "auto");
    if (flag) {
      expect(detected.type).toBe(flag.value ? "hdd" : "ssd");
      expect(detected.how).toContain(flag.device);
    } else {
      expect(detected.how).toContain("write test");
    }
    const test = writeTest(dir.path);
    expect(test.msPerWrite).toBeGreaterThan(0);
  });

  test("free space comes from statfs", async () => {
    using dir = tempDir();
    const space = await diskSpace(dir.path);
    expect(space.free).toBeGreaterThan(0);
    expect(space.total).toBeGreaterThanOrEqual(space.free);
  });
});

describe("config and aria2 profiles", () => {
  test("defaults: 20 GB / 5 GB thresholds, HDD sequential-friendly, SSD more connections", () => {
    const config = loadConfig({}).downloads;
    expect(config.largeFileThreshold).toBe(20 * 1024 ** 3);
    expect(config.smallFileThreshold).toBe(5 * 1024 ** 3);
    const hdd = buildProfile("hdd", config);
    const ssd = buildProfile("ssd", config);
    expect(hdd.fileAllocation).toBe("falloc");
    expect(hdd.minSplitSize).toBe(1024 ** 3);
    expect(ssd.split).toBeGreaterThan(hdd.split);
    expect(globalOptions(hdd, 6)["max-concurrent-downloads"]).toBe("8");
  });

  test("ARIA2_* overrides win; the host's chunk limit caps connections", () => {
    const config = loadConfig({
      ARIA2_SPLIT: "2",
      ARIA2_FILE_ALLOCATION: "prealloc",
      ARIA2_DISK_CACHE: "32M",
    }).downloads;
    const p = buildProfile("ssd", config);
    expect(p).toMatchObject({ split: 2, fileAllocation: "prealloc", diskCache: 32 * 1024 ** 2 });
    const opts = downloadOptions(buildProfile("ssd", loadConfig({}).downloads), {
      gid: "0123456789abcdef",
      dir: "/d",
      out: "f",
      chunks: 4,
    });
    expect(opts.split).toBe("4");
    expect(opts["max-connection-per-server"]).toBe("4");
  });

  test("bad values are refused with the variable's name", () => {
    const error = (() => {
      try {
        loadConfig({
          STORAGE_TYPE: "tape",
          LARGE_FILE_THRESHOLD: "big",
          DOWNLOAD_CATEGORY_PROVIDERS: "tv=putio",
        });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const text = error?.problems.join("\n") ?? "";
    expect(text).toContain("STORAGE_TYPE");
    expect(text).toContain("LARGE_FILE_THRESHOLD");
    expect(text).toContain("DOWNLOAD_CATEGORY_PROVIDERS");
  });
});
