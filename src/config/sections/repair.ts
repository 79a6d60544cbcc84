import { z } from "zod";

/** repair settings. Owned by the repair feature; add variables here and document them in .env.example. */
export const repairSchema = z.object({});

export function buildRepair(_env: z.infer<typeof repairSchema>) {
  return {};
}
