import { describe, expect, test } from "bun:test";
import type { ProviderFile } from "../../../src/providers/types.ts";
import { chooseFiles } from "../../../src/services/repair/select.ts";

const files = (paths: string[]): ProviderFile[] =>
  paths.map((path, i) => ({ id: i + 1, path, bytes: 100, selected: false }));

describe("choosing the files of a re-added torrent", () => {
  const pack = files([
    "/Pack/E01.mkv",
    "/Pack/E02.mkv",
    "/Pack/E03.mkv",
    "/Pack/sample.mkv",
    "/Pack/info.nfo",
  ]);

  test("the same files as the original, matched by path", () => {
    expect(
      chooseFiles(pack, [
        { id: 9, path: "/Pack/E02.mkv" },
        { id: 8, path: "Pack/E03.mkv" },
      ]),
    ).toEqual({
      ids: [2, 3],
      basis: "original",
      paths: ["/Pack/E02.mkv", "/Pack/E03.mkv"],
    });
  });

  test("by id when the paths changed (Unicode normalisation, renamed root)", () => {
    expect(chooseFiles(pack, [{ id: 1, path: "/Other/E01.mkv" }]).ids).toEqual([1]);
  });

  test("the video files without samples when the original selection is unknown", () => {
    expect(chooseFiles(pack, [])).toMatchObject({ ids: [1, 2, 3], basis: "video" });
  });

  test("only a sample: it is still a video; no video at all: every file", () => {
    expect(chooseFiles(files(["/x/sample.mkv", "/x/a.nfo"]), []).ids).toEqual([1]);
    expect(chooseFiles(files(["/x/a.flac", "/x/b.cue"]), [])).toMatchObject({ ids: "all", basis: "all" });
  });
});
