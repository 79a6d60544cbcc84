import { describe, expect, test } from "bun:test";
import { AD_ERROR_CODES, AD_ERROR_WORDS, adError } from "../../../src/providers/alldebrid/errors.ts";
import { DL_ERROR_CODES, DL_ERROR_WORDS, dlError } from "../../../src/providers/debridlink/errors.ts";
import { KIND_WORDS } from "../../../src/providers/error-words.ts";
import { PROVIDERS } from "../../../src/providers/list.ts";
import { pmError } from "../../../src/providers/premiumize/errors.ts";
import { mapRealDebridError, RD_ERROR_WORDS } from "../../../src/providers/realdebrid/errors.ts";
import { TB_ERROR_CODES, TB_ERROR_WORDS, tbError } from "../../../src/providers/torbox/errors.ts";
import type { ProviderError } from "../../../src/providers/types.ts";

/** Each provider with documented codes: its code table, its words, and one error built from a code. */
const CODED = [
  {
    kind: "alldebrid",
    codes: AD_ERROR_CODES,
    words: AD_ERROR_WORDS,
    make: (c: string) => adError(c, "", 200),
  },
  { kind: "torbox", codes: TB_ERROR_CODES, words: TB_ERROR_WORDS, make: (c: string) => tbError(c, "", 400) },
  {
    kind: "debridlink",
    codes: DL_ERROR_CODES,
    words: DL_ERROR_WORDS,
    make: (c: string) => dlError(c, "", 400),
  },
] as const;

describe("provider error codes in plain words", () => {
  test("every provider's descriptor carries its words (a field, not a switch on its kind)", () => {
    const byKind = new Map(PROVIDERS.map((p) => [p.kind, p.errorWords]));
    expect(byKind.get("realdebrid")).toBe(RD_ERROR_WORDS);
    for (const { kind, words } of CODED) expect(byKind.get(kind)).toBe(words);
    expect(byKind.get("premiumize")).toEqual({});
  });

  for (const { kind, codes, words, make } of CODED) {
    test(`${kind}: every documented code has words, and its messages say them beside the code`, () => {
      expect(Object.keys(words).sort()).toEqual(Object.keys(codes).sort());
      for (const code of Object.keys(codes)) {
        const error: ProviderError = make(code);
        // Auth refusals say which variable to fix instead (their own wording).
        if (error.kind === "auth") continue;
        expect(error.message).toContain(words[code] as string);
        expect(error.message).toContain(code);
      }
    });
  }

  test("Real-Debrid: a documented code in words; one without words in those of its kind", () => {
    const answer = (code: number, status: number) =>
      mapRealDebridError({ status, text: JSON.stringify({ error: "x", error_code: code }) } as never);
    expect(answer(25, 503).message).toContain("Real-Debrid is unavailable");
    expect(answer(21, 509).message).toContain("too many active downloads");
  });

  test("Premiumize documents no codes: its sentence comes after the words of its kind", () => {
    const error = pmError("You have reached the limit of active transfers.", null, 200);
    expect(error.kind).toBe("too_many_active");
    expect(error.message).toBe(
      `Premiumize: ${KIND_WORDS.too_many_active} (You have reached the limit of active transfers.)`,
    );
  });
});
