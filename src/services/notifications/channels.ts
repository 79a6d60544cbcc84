import type { Config } from "../../config/index.ts";
import { discordMessage } from "./discord.ts";
import { cut, plainMessage, stripControl } from "./plain-text.ts";
import type { Severity, WebhookPayload } from "./types.ts";

/** An HTTP target: where to POST which JSON (and its headers). */
export interface HttpDelivery {
  kind: string;
  url: string;
  body: unknown;
  headers?: Record<string, string>;
}

type Notifications = Config["notifications"];

const NTFY_PRIORITY: Record<Severity, number> = { info: 3, warning: 4, error: 5 };
const NTFY_TAGS: Record<Severity, string> = {
  info: "white_check_mark",
  warning: "warning",
  error: "rotating_light",
};
const APPRISE_TYPE: Record<Severity, string> = { info: "info", warning: "warning", error: "failure" };

/** Every configured HTTP channel with the body it wants for this event. */
export function httpDeliveries(config: Notifications, payload: WebhookPayload): HttpDelivery[] {
  const out: HttpDelivery[] = [];
  if (config.discordWebhookUrl)
    out.push({ kind: "discord", url: config.discordWebhookUrl, body: discordMessage(payload) });
  if (config.webhookUrl) out.push({ kind: "webhook", url: config.webhookUrl, body: payload });
  if (config.telegram) out.push(telegram(config.telegram, payload));
  if (config.ntfy) out.push(ntfy(config.ntfy, payload));
  if (config.apprise) out.push(apprise(config.apprise, payload));
  return out;
}

/** sendMessage without parse_mode: Telegram shows the text as typed, no HTML or Markdown. */
function telegram(target: NonNullable<Notifications["telegram"]>, payload: WebhookPayload): HttpDelivery {
  return {
    kind: "telegram",
    url: `${target.apiUrl}/bot${target.botToken}/sendMessage`,
    body: {
      chat_id: target.chatId,
      text: cut(`${stripControl(payload.title, false)}\n\n${plainMessage(payload)}`, 4096),
      disable_web_page_preview: true,
    },
  };
}

/** ntfy's JSON publishing (to the server's root, topic in the body): no header encoding issues. */
function ntfy(target: NonNullable<Notifications["ntfy"]>, payload: WebhookPayload): HttpDelivery {
  const url = new URL(target.topicUrl);
  const topic = url.pathname.split("/").filter(Boolean).pop() ?? "redriva";
  const root = `${url.origin}${url.pathname.slice(0, url.pathname.lastIndexOf("/")) || "/"}`;
  return {
    kind: "ntfy",
    url: root,
    body: {
      topic,
      title: cut(stripControl(payload.title, false), 250),
      message: cut(plainMessage(payload), 4000),
      priority: NTFY_PRIORITY[payload.severity],
      tags: [NTFY_TAGS[payload.severity], payload.event],
    },
    headers: target.token ? { authorization: `Bearer ${target.token}` } : undefined,
  };
}

/** The Apprise API's notify endpoint: stateful (key in the URL) or stateless (urls in the body). */
function apprise(target: NonNullable<Notifications["apprise"]>, payload: WebhookPayload): HttpDelivery {
  return {
    kind: "apprise",
    url: target.appriseUrl,
    body: {
      ...(target.appriseTargets ? { urls: target.appriseTargets } : {}),
      title: stripControl(payload.title, false),
      body: plainMessage(payload),
      type: APPRISE_TYPE[payload.severity],
      format: "text",
    },
  };
}
