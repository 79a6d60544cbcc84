import { z } from "zod";

/**
 * Building blocks for the JSON API's request schemas (query strings and path segments arrive as
 * text): each checks a value with the sentence a user reads in the 400, and converts it.
 */

const shown = (input: unknown) => JSON.stringify(String(input ?? "")).slice(0, 40);

/** A whole number in a query string, absent or empty → `fallback`, above `max` → `max`. */
export function wholeNumberQuery(name: string, fallback: number, max: number) {
  return z
    .string()
    .regex(/^\d{0,6}$/, { error: (iss) => `${name} must be a positive number, got ${shown(iss.input)}` })
    .refine((s) => s === "" || Number(s) >= 1, { error: `${name} must be a positive number, got "0"` })
    .optional()
    .transform((s) => (s === undefined || s === "" ? fallback : Math.min(Number(s), max)))
    .describe(`${name} (1-${max}, default ${fallback})`);
}

/** A numeric id in a path segment. */
export function numericId(what: string) {
  return z
    .string()
    .regex(/^\d{1,12}$/, { error: (iss) => `${what} must be a number, got ${shown(iss.input)}` })
    .transform(Number);
}
