import { z } from "zod";

/** arr settings. Owned by the arr feature; add variables here and document them in .env.example. */
export const arrSchema = z.object({});

export function buildArr(_env: z.infer<typeof arrSchema>) {
  return {};
}
