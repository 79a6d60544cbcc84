import { z } from "zod";

/** downloads settings. Owned by the downloads feature; add variables here and document them in .env.example. */
export const downloadsSchema = z.object({});

export function buildDownloads(_env: z.infer<typeof downloadsSchema>) {
  return {};
}
