import { z } from "zod";

/** symlinks settings. Owned by the symlinks feature; add variables here and document them in .env.example. */
export const symlinksSchema = z.object({});

export function buildSymlinks(_env: z.infer<typeof symlinksSchema>) {
  return {};
}
