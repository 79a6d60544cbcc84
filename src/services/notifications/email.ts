import type { Config } from "../../config/index.ts";
import { plainMessage, stripControl } from "./plain-text.ts";
import type { WebhookPayload } from "./types.ts";

type EmailTarget = NonNullable<Config["notifications"]["email"]>;

/** SMTP answers 4xx for "try again later"; 5xx and bad credentials are final. */
export function transientSmtpError(error: unknown): boolean {
  const e = error as { responseCode?: number; code?: string };
  if (typeof e.responseCode === "number") return e.responseCode >= 400 && e.responseCode < 500;
  return e.code !== "EAUTH" && e.code !== "EENVELOPE";
}

/** One plain-text e-mail (no HTML: names are shown as typed); nodemailer encodes the headers. */
export async function sendEmail(
  target: EmailTarget,
  payload: WebhookPayload,
  timeoutMs: number,
): Promise<void> {
  const url = new URL(target.smtpUrl);
  const secure = url.protocol === "smtps:";
  // Loaded on the first e-mail: nodemailer is large, and most servers never send one.
  const { createTransport } = await import("nodemailer");
  const transport = createTransport({
    host: url.hostname,
    port: Number(url.port) || (secure ? 465 : 587),
    secure,
    auth: url.username
      ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
      : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  try {
    await transport.sendMail({
      from: target.from,
      to: target.to,
      subject: `[Redriva] ${stripControl(payload.title, false)}`,
      text: `${plainMessage(payload)}\n\n${payload.event} at ${payload.at}\n`,
      headers: { "X-Redriva-Event": payload.event },
    });
  } finally {
    transport.close();
  }
}
