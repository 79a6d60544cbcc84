import { z } from "zod";

/** notifications settings. Owned by the notifications feature; add variables here and document them in .env.example. */
export const notificationsSchema = z.object({});

export function buildNotifications(_env: z.infer<typeof notificationsSchema>) {
  return {};
}
