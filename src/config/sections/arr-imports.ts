import { z } from "zod";
import { positiveInt } from "../fields.ts";

/** Watching the *arrs' history for the import of finished downloads (src/services/arr/imports.ts). */
export const arrImportFields = {
  /** How often each *arr's import history is read while finished downloads wait for their import. */
  ARR_IMPORT_CHECK_MS: z
    .string()
    .trim()
    .regex(/^\d+$/, "expected a positive integer")
    .transform(Number)
    .refine((n) => n >= 100, "expected at least 100 (ms)")
    .optional()
    .transform((n) => n ?? 60_000),
  /** A finished download nobody imported within this many hours is no longer watched. */
  ARR_IMPORT_WATCH_HOURS: positiveInt(72),
};

export function buildArrImports(env: { ARR_IMPORT_CHECK_MS: number; ARR_IMPORT_WATCH_HOURS: number }) {
  return { checkMs: env.ARR_IMPORT_CHECK_MS, watchMs: env.ARR_IMPORT_WATCH_HOURS * 3_600_000 };
}
