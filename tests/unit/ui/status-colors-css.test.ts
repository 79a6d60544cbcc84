import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { STATUS_COLORS, UNKNOWN_STATUS_COLOR } from "../../../src/lib/status-colors.ts";

// The list's progress bars take their colour from app.css (no inline colour on every row): the
// stylesheet must say what status-colors.ts says, for every status and for the unknown ones.
test("app.css colours the list's progress bars as status-colors.ts does", () => {
  const css = readFileSync(join(import.meta.dir, "..", "..", "..", "public", "css", "app.css"), "utf8");
  const rules: Record<string, string> = {};
  for (const m of css.matchAll(
    /td\.progress \.bar\[data-status="([a-z_]+)"\] > span \{\s*background: (#[0-9a-f]{6});/g,
  ))
    rules[m[1] as string] = m[2] as string;
  expect(rules).toEqual({ ...STATUS_COLORS });
  const fallback = /td\.progress \.bar > span \{\s*background: (#[0-9a-f]{6});/.exec(css)?.[1];
  expect(fallback).toBe(UNKNOWN_STATUS_COLOR);
});
