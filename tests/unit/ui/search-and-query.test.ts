import { describe, expect, test } from "bun:test";
import { ValidationError } from "../../../src/errors.ts";
import { listUrl, parseListQuery } from "../../../src/http/ui/list-query.ts";
import { buildMatchExpression } from "../../../src/services/library-view/search.ts";

describe("buildMatchExpression", () => {
  test("each word becomes a required quoted prefix phrase", () => {
    expect(buildMatchExpression("dark s02")).toBe('"dark"* "s02"*');
  });

  test("dots, dashes and underscores separate words like in torrent names", () => {
    expect(buildMatchExpression("The.Bear_S01-1080p")).toBe('"The"* "Bear"* "S01"* "1080p"*');
  });

  test("quotes are doubled so nothing escapes the phrase", () => {
    expect(buildMatchExpression('a"b OR')).toBe('"a""b"* "OR"*');
  });

  test("FTS5 operators are plain words", () => {
    expect(buildMatchExpression("NEAR(x y) name:z")).toBe('"NEAR"* "x"* "y"* "name:z"*');
  });

  test("nothing searchable gives null; too long or too many words is a ValidationError", () => {
    expect(buildMatchExpression("  -- ** ")).toBeNull();
    expect(buildMatchExpression("")).toBeNull();
    expect(() => buildMatchExpression("x".repeat(201))).toThrow(ValidationError);
    expect(() => buildMatchExpression(Array.from({ length: 13 }, (_, i) => `w${i}`).join(" "))).toThrow(
      "too many words",
    );
  });

  test("unicode letters count", () => {
    expect(buildMatchExpression("名前 Ünï")).toBe('"名前"* "Ünï"*');
  });
});

describe("parseListQuery", () => {
  test("defaults: all statuses, newest first, 50 per page", () => {
    expect(parseListQuery({})).toEqual({
      status: "all",
      provider: "all",
      q: "",
      sort: "added",
      dir: "desc",
      page: 1,
      perPage: 50,
    });
  });

  test("each sort has its natural direction unless one is given", () => {
    expect(parseListQuery({ sort: "name" }).dir).toBe("asc");
    expect(parseListQuery({ sort: "size" }).dir).toBe("desc");
    expect(parseListQuery({ sort: "name", dir: "desc" }).dir).toBe("desc");
  });

  test("empty values count as absent (an empty search box)", () => {
    expect(parseListQuery({ q: "", status: "", page: "" })).toMatchObject({ q: "", status: "all", page: 1 });
  });

  test.each([
    [{ page: "0" }, "page must be between 1 and 100000"],
    [{ page: "-1" }, "page must be a whole number"],
    [{ page: "1.5" }, "page must be a whole number"],
    [{ per_page: "1000" }, "per_page must be one of"],
    [{ sort: "seeders" }, "sort must be one of"],
    [{ dir: "sideways" }, "dir must be asc or desc"],
    [{ status: "Downloaded" }, "status must be a status name"],
    [{ status: "a b" }, "status must be a status name"],
  ])("%o is refused: %s", (raw, message) => {
    expect(() => parseListQuery(raw as Record<string, string>)).toThrow(message);
  });

  test("listUrl leaves defaults out and keeps the rest", () => {
    const q = parseListQuery({ status: "failed", q: "dark s02", sort: "name", page: "3" });
    expect(listUrl(q)).toBe("/torrents?status=failed&q=dark+s02&sort=name&page=3");
    expect(listUrl(q, { page: 1, sort: "added", dir: "desc" })).toBe("/torrents?status=failed&q=dark+s02");
    expect(listUrl(parseListQuery({}))).toBe("/torrents");
    expect(parseListQuery(Object.fromEntries(new URL(`http://x${listUrl(q)}`).searchParams))).toEqual(q);
  });
});
