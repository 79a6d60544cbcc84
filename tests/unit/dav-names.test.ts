import { describe, expect, test } from "bun:test";
import { safeName, uniqueNames } from "../../src/services/dav/names.ts";

describe("WebDAV names", () => {
  test("no separators, control characters, NUL or Windows-reserved characters survive", () => {
    expect(safeName("a/b\\c")).toBe("a_b_c");
    expect(safeName("x\u0000y\u001fz\u007f")).toBe("x_y_z_");
    expect(safeName("<img src=x onerror=alert(1)>.mkv")).toBe("_img src=x onerror=alert(1)_.mkv");
    expect(safeName('a:b*c?d"e|f')).toBe("a_b_c_d_e_f");
    expect(safeName("..")).toBe("_");
    expect(safeName("")).toBe("_");
    expect(safeName("name. . ")).toBe("name");
    expect(safeName("CON")).toBe("_CON");
    expect(safeName("nul.txt")).toBe("_nul.txt");
  });

  test("long names are cut to 255 UTF-8 bytes without splitting a character", () => {
    const long = `${"é".repeat(300)}.mkv`;
    const safe = safeName(long);
    expect(new TextEncoder().encode(safe).length).toBeLessThanOrEqual(255);
    expect(safe.endsWith(".mkv")).toBe(true);
    expect(safe.includes("\ufffd")).toBe(false);
  });

  test("duplicates (case folded) are told apart by their own id, the oldest keeps the plain name", () => {
    const items = [
      { name: "Movie.mkv", id: "AAA" },
      { name: "movie.mkv", id: "BBB" },
      { name: "Movie.mkv", id: "CCC" },
      { name: "Other", id: "DDD" },
    ];
    const names = uniqueNames(
      items,
      (i) => i.name,
      (i) => i.id,
      true,
    );
    expect(names).toEqual(["Movie.mkv", "movie [BBB].mkv", "Movie [CCC].mkv", "Other"]);
    // Stable: the same items give the same names, and dropping one renames no other duplicate.
    expect(
      uniqueNames(
        items,
        (i) => i.name,
        (i) => i.id,
        true,
      ),
    ).toEqual(names);
    expect(
      uniqueNames(
        [items[0], items[2]] as typeof items,
        (i) => i.name,
        (i) => i.id,
        true,
      ),
    ).toEqual(["Movie.mkv", "Movie [CCC].mkv"]);
    // Folders keep the suffix at the end (their "extension" is part of the name).
    expect(
      uniqueNames(
        ["Show.S01.WEB-DL", "Show.S01.WEB-DL"],
        (n) => n,
        () => "X",
        false,
      ),
    ).toEqual(["Show.S01.WEB-DL", "Show.S01.WEB-DL [X]"]);
  });
});
