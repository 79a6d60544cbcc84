import { z } from "zod";

/** jobs settings. Owned by the jobs feature; add variables here and document them in .env.example. */
export const jobsSchema = z.object({});

export function buildJobs(_env: z.infer<typeof jobsSchema>) {
  return {};
}
