import { z } from "zod";
import { byteSize, optionalText } from "../fields.ts";

/** Where notifications go and which events are sent (src/services/notifications/). */
export const NOTIFICATION_EVENTS = [
  "job_failed",
  "torrent_failed",
  "download_completed",
  "download_failed",
  "disk_space_low",
] as const;
export type NotificationEventType = (typeof NOTIFICATION_EVENTS)[number];

const eventList = () =>
  optionalText()
    .transform((s) =>
      s === undefined || s.toLowerCase() === "all"
        ? [...NOTIFICATION_EVENTS]
        : s
            .split(",")
            .map((e) => e.trim().toLowerCase())
            .filter((e) => e !== ""),
    )
    .refine(
      (events) => events.every((e) => (NOTIFICATION_EVENTS as readonly string[]).includes(e)),
      `expected "all" or a comma-separated list of ${NOTIFICATION_EVENTS.join(", ")}`,
    );

/** A webhook URL, or absent: `WEBHOOK_URL=` left empty in .env means "no webhook". */
const webhookUrl = () =>
  optionalText().refine(
    (s) => s === undefined || (/^https?:\/\/\S+$/i.test(s) && URL.canParse(s)),
    "expected an http(s) URL",
  );

const pathList = () =>
  optionalText().transform((s) =>
    s === undefined
      ? []
      : s
          .split(",")
          .map((p) => p.trim())
          .filter((p) => p !== ""),
  );

export const notificationsSchema = z.object({
  /** Discord channel webhook (Server settings > Integrations > Webhooks). */
  DISCORD_WEBHOOK_URL: webhookUrl(),
  /** Any URL that accepts a JSON POST ({event, title, message, severity, at, data}). */
  WEBHOOK_URL: webhookUrl(),
  NOTIFY_EVENTS: eventList(),
  /** The disk-check job warns when free space under DATA_DIR (and DISK_SPACE_PATHS) drops below. */
  DISK_SPACE_LOW: byteSize(10 * 1024 ** 3),
  DISK_SPACE_PATHS: pathList(),
});

export function buildNotifications(env: z.infer<typeof notificationsSchema>) {
  return {
    discordWebhookUrl: env.DISCORD_WEBHOOK_URL,
    webhookUrl: env.WEBHOOK_URL,
    events: env.NOTIFY_EVENTS as NotificationEventType[],
    diskSpaceLowBytes: env.DISK_SPACE_LOW,
    diskSpacePaths: env.DISK_SPACE_PATHS,
  };
}
