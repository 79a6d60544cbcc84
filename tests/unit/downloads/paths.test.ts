import { describe, expect, test } from "bun:test";
import { loadConfig } from "../../../src/config/index.ts";
import { HOSTILE_NAMES } from "../../../src/fake-debrid/library.ts";
import {
  planLayout,
  resolveInside,
  resolveSavePath,
  safeRelativePath,
  safeSegment,
} from "../../../src/services/downloads/paths.ts";

const config = loadConfig({ DOWNLOAD_DIR: "/data/downloads" }).downloads;

describe("names from strangers", () => {
  test.each(HOSTILE_NAMES.map((n) => [n]))("%p becomes one harmless segment", (name) => {
    const s = safeSegment(name);
    expect(s).not.toContain("/");
    expect(s).not.toContain("\\");
    expect(new TextEncoder().encode(s).length).toBeLessThanOrEqual(200);
    expect(s.startsWith(".")).toBe(false);
  });

  test("traversal never leaves the folder", () => {
    expect(safeRelativePath("../../etc/passwd")).toBe("etc/passwd");
    expect(safeSegment("..")).toBe("_");
    expect(safeSegment(".hidden")).toBe("_hidden");
    expect(resolveInside("/data/downloads", "../etc")).toBeNull();
    expect(resolveInside("/data/downloads", "/data/downloads-evil")).toBeNull();
    expect(resolveInside("/data/downloads", "tv/show")).toBe("/data/downloads/tv/show");
  });

  test("long names keep their extension", () => {
    const s = safeSegment(`${"x".repeat(400)}.mkv`);
    expect(s.endsWith(".mkv")).toBe(true);
  });
});

describe("layout", () => {
  test("one file lands as itself, several in the folder they share", () => {
    expect(planLayout("Movie", ["/Movie.2020.mkv"])).toEqual({ rootName: "Movie.2020.mkv", relative: [""] });
    expect(planLayout("Show.S01", ["/Show.S01/E01.mkv", "/Show.S01/E02.mkv"])).toEqual({
      rootName: "Show.S01",
      relative: ["E01.mkv", "E02.mkv"],
    });
    expect(planLayout("Show.S01", ["/E01.mkv", "/Extras/E02.mkv"])).toEqual({
      rootName: "Show.S01",
      relative: ["E01.mkv", "Extras/E02.mkv"],
    });
  });

  test("save paths: category folder, explicit savepath inside DOWNLOAD_DIR only", () => {
    expect(resolveSavePath(config, { category: "tv-sonarr", categorySavePath: "" })).toEqual({
      path: "/data/downloads/tv-sonarr",
    });
    expect(resolveSavePath(config, { category: "", categorySavePath: "" })).toEqual({
      path: "/data/downloads",
    });
    expect(resolveSavePath(config, { category: "tv", categorySavePath: "series" })).toEqual({
      path: "/data/downloads/series",
    });
    expect(resolveSavePath(config, { category: "../x", categorySavePath: "" })).toEqual({
      path: "/data/downloads/_/x",
    });
    expect(
      "error" in resolveSavePath(config, { category: "", categorySavePath: "", savepath: "/mnt/other" }),
    ).toBe(true);
  });
});
