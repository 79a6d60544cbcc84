import { z } from "zod";
import { byteSize, httpUrl, optionalText, secret } from "../fields.ts";

/** Where notifications go and which events are sent (src/services/notifications/). */
export const NOTIFICATION_EVENTS = [
  "job_failed",
  "torrent_failed",
  "download_completed",
  "download_failed",
  "disk_space_low",
  "grab_replaced",
  "grab_replacements_stopped",
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

/** smtp://user:password@host:587 (STARTTLS when offered) or smtps://…:465, or absent. */
const smtpUrl = () =>
  optionalText().refine(
    (s) => s === undefined || (/^smtps?:\/\/\S+$/i.test(s) && URL.canParse(s)),
    "expected smtp://user:password@host:port or smtps://…",
  );

/** A comma-separated list (paths, e-mail addresses); empty or unset is none. */
const commaList = () =>
  optionalText().transform((s) =>
    s === undefined
      ? []
      : s
          .split(",")
          .map((item) => item.trim())
          .filter((item) => item !== ""),
  );

export const notificationsSchema = z.object({
  /** Discord channel webhook (Server settings > Integrations > Webhooks). */
  DISCORD_WEBHOOK_URL: webhookUrl(),
  /** Any URL that accepts a JSON POST ({event, title, message, severity, at, data}). */
  WEBHOOK_URL: webhookUrl(),
  /** Telegram: a bot's token (from @BotFather) and the chat it writes to. */
  TELEGRAM_BOT_TOKEN: secret(),
  TELEGRAM_CHAT_ID: optionalText(),
  /** Only for a self-hosted Bot API server (and the tests). */
  TELEGRAM_API_URL: httpUrl("https://api.telegram.org"),
  /** ntfy: the topic's URL (https://ntfy.sh/<topic> or your server's), and a token if it needs one. */
  NTFY_URL: webhookUrl(),
  NTFY_TOKEN: secret(),
  /** E-mail over SMTP: the server with its credentials, the sender and the recipients (comma-separated). */
  SMTP_URL: smtpUrl(),
  SMTP_FROM: optionalText(),
  SMTP_TO: commaList(),
  /**
   * An Apprise API server's notify endpoint (http://apprise:8000/notify/<key>, or /notify with
   * APPRISE_TARGETS: Apprise URLs such as tgram://… mailto://…, comma-separated).
   */
  APPRISE_URL: webhookUrl(),
  APPRISE_TARGETS: secret(),
  NOTIFY_EVENTS: eventList(),
  /** The disk-check job warns when free space under DATA_DIR (and DISK_SPACE_PATHS) drops below. */
  DISK_SPACE_LOW: byteSize(10 * 1024 ** 3),
  DISK_SPACE_PATHS: commaList(),
});

export const notificationsSection = notificationsSchema.superRefine((env, ctx) => {
  if (Boolean(env.TELEGRAM_BOT_TOKEN) !== Boolean(env.TELEGRAM_CHAT_ID))
    ctx.addIssue({
      code: "custom",
      path: ["TELEGRAM_CHAT_ID"],
      message: "TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID go together",
    });
  if (env.SMTP_URL && (!env.SMTP_FROM || env.SMTP_TO.length === 0))
    ctx.addIssue({
      code: "custom",
      path: ["SMTP_TO"],
      message: "SMTP_URL needs SMTP_FROM and at least one SMTP_TO address",
    });
});

export function buildNotifications(env: z.infer<typeof notificationsSchema>) {
  return {
    discordWebhookUrl: env.DISCORD_WEBHOOK_URL,
    webhookUrl: env.WEBHOOK_URL,
    telegram:
      env.TELEGRAM_BOT_TOKEN && env.TELEGRAM_CHAT_ID
        ? {
            botToken: env.TELEGRAM_BOT_TOKEN,
            chatId: env.TELEGRAM_CHAT_ID,
            apiUrl: env.TELEGRAM_API_URL as string,
          }
        : null,
    ntfy: env.NTFY_URL ? { topicUrl: env.NTFY_URL, token: env.NTFY_TOKEN ?? null } : null,
    email:
      env.SMTP_URL && env.SMTP_FROM && env.SMTP_TO.length > 0
        ? { smtpUrl: env.SMTP_URL, from: env.SMTP_FROM, to: env.SMTP_TO }
        : null,
    apprise: env.APPRISE_URL
      ? { appriseUrl: env.APPRISE_URL, appriseTargets: env.APPRISE_TARGETS ?? null }
      : null,
    events: env.NOTIFY_EVENTS as NotificationEventType[],
    diskSpaceLowBytes: env.DISK_SPACE_LOW,
    diskSpacePaths: env.DISK_SPACE_PATHS,
  };
}
