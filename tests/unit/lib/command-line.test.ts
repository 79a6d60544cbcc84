import { describe, expect, test } from "bun:test";
import { loadConfig } from "../../../src/config/index.ts";
import { splitCommandLine } from "../../../src/lib/command-line.ts";

describe("splitCommandLine (DOWNLOAD_ON_COMPLETE, no shell)", () => {
  test("words, quotes and escapes; shell syntax stays plain text", () => {
    expect(splitCommandLine(`/bin/notify --to 'my team' "a \\"b\\"" c\\ d`)).toEqual([
      "/bin/notify",
      "--to",
      "my team",
      'a "b"',
      "c d",
    ]);
    expect(splitCommandLine("run ; rm -rf / $(id) `id` > out | cat * && x")).toEqual([
      "run",
      ";",
      "rm",
      "-rf",
      "/",
      "$(id)",
      "`id`",
      ">",
      "out",
      "|",
      "cat",
      "*",
      "&&",
      "x",
    ]);
    expect(splitCommandLine(`'' x`)).toEqual(["", "x"]);
    expect(splitCommandLine("   ")).toEqual([]);
  });

  test("an open quote is an error, and the configuration says so", () => {
    expect(splitCommandLine(`run 'oops`)).toBe("a single quote is not closed");
    expect(splitCommandLine(`run "oops`)).toBe("a double quote is not closed");
    expect(() => loadConfig({ DOWNLOAD_ON_COMPLETE: `notify "oops` })).toThrow(/DOWNLOAD_ON_COMPLETE/);
    expect(loadConfig({ DOWNLOAD_ON_COMPLETE: `notify "a b"` }).downloads.postprocess.onComplete).toEqual({
      argv: ["notify", "a b"],
      timeoutMs: 300_000,
    });
  });
});
