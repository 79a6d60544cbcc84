import { describe, expect, test } from "bun:test";
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  isInside,
  normalizeRelative,
  realMediaRoot,
  resolveEntryForDeletion,
  resolveFolder,
  resolveFolders,
} from "../../../src/services/symlinks/paths.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

function fixture(base: string) {
  const root = join(base, "media");
  const outside = join(base, "outside");
  mkdirSync(join(root, "tv/Show"), { recursive: true });
  mkdirSync(join(root, "movies"), { recursive: true });
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, "secret.mkv"), "x");
  symlinkSync(outside, join(root, "escape"));
  symlinkSync(join(root, "tv"), join(root, "tv-alias"));
  symlinkSync(join(outside, "secret.mkv"), join(root, "movies/link.mkv"));
  return { root: realpathSync(root), outside };
}

describe("path confinement", () => {
  test("normalizeRelative refuses .., absolute paths, NUL and non-strings", () => {
    expect(normalizeRelative("tv//Show/./")).toBe("tv/Show");
    expect(normalizeRelative("")).toBe("");
    expect(normalizeRelative("tv\\Show")).toBe("tv/Show");
    for (const bad of ["../etc", "tv/../../x", "/etc", "C:\\x", "\\\\server\\x", "a\0b"]) {
      expect(() => normalizeRelative(bad)).toThrow();
    }
    expect(() => normalizeRelative(42)).toThrow("strings");
  });

  test("resolveFolder keeps folders inside the real root and refuses symlink tricks", () => {
    using dir = tempDir();
    const { root } = fixture(dir.path);
    expect(resolveFolder(root, "tv/Show")).toEqual({ rel: "tv/Show", abs: join(root, "tv/Show") });
    expect(resolveFolder(root, "")).toEqual({ rel: "", abs: root });
    expect(() => resolveFolder(root, "escape")).toThrow("outside the media root");
    expect(() => resolveFolder(root, "tv-alias/Show")).toThrow("symlink");
    expect(() => resolveFolder(root, "missing")).toThrow("no such folder");
    expect(() => resolveFolder(root, "movies/link.mkv")).toThrow();
    expect(() => resolveFolder(root, "../outside")).toThrow('".."');
  });

  test("resolveFolders drops folders covered by another", () => {
    using dir = tempDir();
    const { root } = fixture(dir.path);
    expect(resolveFolders(root, ["tv/Show", "tv", "movies"]).map((f) => f.rel)).toEqual(["movies", "tv"]);
    expect(resolveFolders(root, []).map((f) => f.rel)).toEqual([""]);
    expect(resolveFolders(root, ["tv", ""]).map((f) => f.rel)).toEqual([""]);
  });

  test("deletion paths: the entry itself, its parent really inside the root", () => {
    using dir = tempDir();
    const { root } = fixture(dir.path);
    expect(resolveEntryForDeletion(root, "movies/link.mkv")).toBe(join(root, "movies/link.mkv"));
    expect(() => resolveEntryForDeletion(root, "escape/secret.mkv")).toThrow("symlinked folder");
    expect(() => resolveEntryForDeletion(root, "")).toThrow("media root");
    expect(() => resolveEntryForDeletion(root, "../outside/secret.mkv")).toThrow();
  });

  test("realMediaRoot needs an existing absolute folder", () => {
    using dir = tempDir();
    expect(() => realMediaRoot(undefined)).toThrow("no media root");
    expect(() => realMediaRoot("relative/path")).toThrow("absolute");
    expect(() => realMediaRoot(join(dir.path, "nope"))).toThrow("does not exist");
    writeFileSync(join(dir.path, "file"), "");
    expect(() => realMediaRoot(join(dir.path, "file"))).toThrow("not a folder");
    expect(realMediaRoot(dir.path)).toBe(realpathSync(dir.path));
    expect(isInside("/a/b", "/a/b")).toBe(true);
    expect(isInside("/a/b", "/a/bc")).toBe(false);
    expect(isInside("/a/b", "/a/b/c")).toBe(true);
  });
});
