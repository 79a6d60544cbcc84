import { z } from "zod";

/**
 * Reusable zod fields for environment variables. Every value arrives as a string (or is absent);
 * each field says in its message what it expected, and the loader appends what it got.
 */

export const positiveInt = (fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, "expected a positive integer")
    .transform(Number)
    .refine((n) => n > 0, "expected a positive integer")
    .optional()
    .transform((n) => n ?? fallback);

export const nonNegativeInt = (fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, "expected a whole number (0 or more)")
    .transform(Number)
    .optional()
    .transform((n) => n ?? fallback);

export const port = (fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, "expected a port number (0-65535)")
    .transform(Number)
    .refine((n) => n >= 0 && n <= 65535, "expected a port number (0-65535)")
    .optional()
    .transform((n) => n ?? fallback);

const TRUE = new Set(["1", "true", "yes", "on"]);
const FALSE = new Set(["0", "false", "no", "off"]);

export const bool = (fallback: boolean) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((s) => TRUE.has(s) || FALSE.has(s), "expected true or false")
    .transform((s) => TRUE.has(s))
    .optional()
    .transform((b) => b ?? fallback);

export const httpUrl = (fallback?: string) =>
  z
    .string()
    .trim()
    .refine((s) => /^https?:\/\/[^\s]+$/i.test(s) && URL.canParse(s), "expected an http(s) URL")
    .transform((s) => s.replace(/\/+$/, ""))
    .optional()
    .transform((s) => s ?? fallback);

/** A secret: empty strings count as "not set" so `RD_API_TOKEN=` in .env does not mean "token is ''". */
export const secret = () =>
  z
    .string()
    .optional()
    .transform((s) => (s && s.trim() !== "" ? s.trim() : undefined));

export const text = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((s) => (s && s.trim() !== "" ? s.trim() : fallback));

export const optionalText = () =>
  z
    .string()
    .optional()
    .transform((s) => (s && s.trim() !== "" ? s.trim() : undefined));

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .refine(
      (s): s is T[number] => (values as readonly string[]).includes(s),
      `expected one of ${values.join(", ")}`,
    )
    .optional()
    .transform((s) => (s ?? fallback) as T[number]);

/** Byte sizes: plain bytes or with a unit (`20GB`, `512MiB`, `5 G`). */
export const byteSize = (fallback: number) =>
  z
    .string()
    .trim()
    .refine((s) => parseByteSize(s) !== null, "expected a size such as 20GB, 512MB or 1073741824")
    .transform((s) => parseByteSize(s) as number)
    .optional()
    .transform((n) => n ?? fallback);

const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

export function parseByteSize(input: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(input.trim());
  if (!match) return null;
  const unit = UNITS[(match[2] ?? "").toLowerCase()];
  if (unit === undefined) return null;
  return Math.round(Number(match[1]) * unit);
}
