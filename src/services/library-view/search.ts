import { ValidationError } from "../../errors.ts";

export const MAX_QUERY_LENGTH = 200;
const MAX_TERMS = 12;

/**
 * Turns what a user typed into a safe FTS5 expression: each word becomes a quoted phrase with a
 * prefix star (`"sever"*`), all of them required. Quotes are doubled as FTS5 wants, so no input
 * can inject FTS5 syntax (NEAR, column filters, parentheses); the expression is then bound as a
 * parameter, never spliced into SQL. Words without a letter or digit are dropped (the tokenizer
 * would ignore them). Returns null when nothing searchable is left.
 */
export function buildMatchExpression(input: string): string | null {
  if (input.length > MAX_QUERY_LENGTH) {
    throw new ValidationError(`search is too long (${input.length} characters, at most ${MAX_QUERY_LENGTH})`);
  }
  // Torrent names use dots, dashes and underscores as spaces: split on them like the tokenizer.
  const words = input
    .split(/[\s._\-/\\[\](){}]+/u)
    .map((w) => w.replace(/\p{Cc}/gu, ""))
    .filter((w) => /[\p{L}\p{N}]/u.test(w));
  if (words.length > MAX_TERMS) throw new ValidationError(`search has too many words (at most ${MAX_TERMS})`);
  if (words.length === 0) return null;
  return words.map((w) => `"${w.replaceAll('"', '""')}"*`).join(" ");
}
