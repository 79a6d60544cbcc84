import { describe, expect, test } from "bun:test";
import { existsSync, lstatSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openMediaRoot } from "../../../src/services/symlinks/beneath.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

describe("entries below the media root, reached without following links", () => {
  test("unlinks through the folders it opened; refuses a symlinked or missing folder", () => {
    using dir = tempDir();
    const root = join(dir.path, "media");
    mkdirSync(join(root, "tv/Shôw «1»"), { recursive: true });
    mkdirSync(join(dir.path, "outside"));
    writeFileSync(join(dir.path, "outside/ep.mkv"), "outside");
    symlinkSync(join(dir.path, "gone.mkv"), join(root, "tv/Shôw «1»/ep.mkv"));
    symlinkSync(join(dir.path, "outside"), join(root, "tv/linked"));
    writeFileSync(join(root, "tv/file"), "not a folder");

    const handle = openMediaRoot(root);
    try {
      const entry = handle.open("tv/Shôw «1»/ep.mkv");
      try {
        // Examined through the open folder: the link itself, not its (missing) target.
        expect(lstatSync(entry.path).isSymbolicLink()).toBe(true);
        entry.unlink();
      } finally {
        entry.close();
      }
      expect(existsSync(join(root, "tv/Shôw «1»/ep.mkv"))).toBe(false);

      expect(() => handle.open("tv/linked/ep.mkv")).toThrow("refusing to delete through a symlinked folder");
      expect(() => handle.open("tv/file/ep.mkv")).toThrow("refusing to delete through a symlinked folder");
      expect(() => handle.open("tv/nowhere/ep.mkv")).toThrow("folder no longer exists");
      expect(() => handle.open("tv/../outside/ep.mkv")).toThrow("not a path below the media root");
      expect(existsSync(join(dir.path, "outside/ep.mkv"))).toBe(true);

      // Folders are never unlinked, even when named as the entry.
      const folder = handle.open("tv/Shôw «1»");
      try {
        expect(() => folder.unlink()).toThrow("EISDIR");
      } finally {
        folder.close();
      }
      expect(lstatSync(join(root, "tv/Shôw «1»")).isDirectory()).toBe(true);
    } finally {
      handle.close();
    }
  });
});
