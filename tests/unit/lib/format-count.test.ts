import { describe, expect, test } from "bun:test";
import { formatCount } from "../../../src/lib/format.ts";

describe("formatCount", () => {
  test("groups whole numbers by thousands, as en-US does", () => {
    expect(formatCount(0)).toBe("0");
    expect(formatCount(999)).toBe("999");
    expect(formatCount(1000)).toBe("1,000");
    expect(formatCount(100_000)).toBe("100,000");
    expect(formatCount(1_234_567)).toBe("1,234,567");
    expect(formatCount(-9_876_543)).toBe("-9,876,543");
  });

  test("says exactly what toLocaleString('en-US') says, edge values included", () => {
    const values = [-0, 1, 12, 123, 1234, 12_345, -1, -999, -1000, 1.5, 1234.5678, Number.NaN];
    values.push(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 53, 1e21, Number.POSITIVE_INFINITY);
    for (let digits = 1; digits <= 16; digits++) values.push(10 ** digits - 1, -(10 ** digits) + 7);
    for (const n of values) expect(`${n}: ${formatCount(n)}`).toBe(`${n}: ${n.toLocaleString("en-US")}`);
  });
});
