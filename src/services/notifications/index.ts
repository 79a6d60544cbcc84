import type { Deps } from "../../deps.ts";
import { errorMessage } from "../../errors.ts";
import { backoffDelayMs, retryAfterFrom } from "../../lib/backoff.ts";
import { httpDeliveries } from "./channels.ts";
import { sendEmail, transientSmtpError } from "./email.ts";
import { DEFAULT_SEVERITY, type NotificationEvent, type WebhookPayload } from "./types.ts";

export type { NotificationEvent, WebhookPayload } from "./types.ts";

const TIMEOUT_MS = 10_000;
const MAX_RETRY_WAIT_MS = 5_000;
/** The wait before the one retry when the target says nothing (Retry-After). */
const RETRY_BACKOFF = { baseMs: 500, maxMs: MAX_RETRY_WAIT_MS };

export interface NotifyResult {
  /** Targets that accepted the message ("discord", "webhook", "telegram", "ntfy", "apprise", "email"). */
  sent: string[];
  failed: string[];
  /** True when the event type is filtered out by NOTIFY_EVENTS or nothing is configured. */
  skipped: boolean;
}

/**
 * Sends an event to every configured channel (Discord, JSON webhook, Telegram, ntfy, Apprise,
 * e-mail), the same event as plain text everywhere, each delivery retried once. Never throws: a
 * failed delivery is logged (without the URL, which holds a secret) and the caller carries on.
 */
export async function notify(deps: Deps, event: NotificationEvent): Promise<NotifyResult> {
  const config = deps.config.notifications;
  const result: NotifyResult = { sent: [], failed: [], skipped: true };
  if (!config.events.includes(event.type)) return result;
  const payload: WebhookPayload = {
    event: event.type,
    title: event.title,
    message: event.message,
    severity: event.severity ?? DEFAULT_SEVERITY[event.type],
    at: new Date(deps.clock.now()).toISOString(),
    data: Object.fromEntries(Object.entries(event.data ?? {}).filter(([, v]) => v !== undefined)),
    source: "redriva",
  };
  const targets: Array<{ kind: string; host: string; send: () => Promise<void> }> = httpDeliveries(
    config,
    payload,
  ).map((d) => ({ kind: d.kind, host: safeHost(d.url), send: () => post(deps, d.url, d.body, d.headers) }));
  const email = config.email;
  if (email)
    targets.push({ kind: "email", host: safeHost(email.smtpUrl), send: () => mail(deps, email, payload) });
  if (targets.length === 0) return result;
  result.skipped = false;
  await Promise.all(
    targets.map(async (target) => {
      try {
        await target.send();
        result.sent.push(target.kind);
      } catch (error) {
        result.failed.push(target.kind);
        deps.log.warn(
          { target: target.kind, host: target.host, event: event.type, reason: errorMessage(error) },
          "notification not delivered",
        );
      }
    }),
  );
  return result;
}

/** One e-mail, retried once when the server says "later" (4xx) or the connection failed. */
async function mail(
  deps: Deps,
  target: NonNullable<Deps["config"]["notifications"]["email"]>,
  payload: WebhookPayload,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await sendEmail(target, payload, TIMEOUT_MS);
    } catch (error) {
      // nodemailer's messages may quote the URL it was given, credentials included.
      const reason = new Error(errorMessage(error).split(target.smtpUrl).join("[smtp]"));
      if (attempt >= 2 || !transientSmtpError(error)) throw reason;
      await deps.clock.sleep(backoffDelayMs(RETRY_BACKOFF, attempt)).catch(() => undefined);
    }
  }
}

/** One POST, retried once on 429/5xx/network errors (after Retry-After, capped). */
async function post(
  deps: Deps,
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<void> {
  let lastError: Error = new Error("not sent");
  for (let attempt = 1; attempt <= 2; attempt++) {
    let retryAfterMs = backoffDelayMs(RETRY_BACKOFF, attempt);
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "Redriva", ...headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return;
      lastError = new Error(`HTTP ${response.status}`);
      if (response.status !== 429 && response.status < 500) throw lastError;
      retryAfterMs = retryAfterFrom(response.headers, deps.clock.now()) ?? retryAfterMs;
    } catch (error) {
      if (error === lastError) throw error;
      lastError = new Error(errorMessage(error).replace(url, "[webhook]"));
    }
    if (attempt < 2) await deps.clock.sleep(Math.min(retryAfterMs, MAX_RETRY_WAIT_MS)).catch(() => undefined);
  }
  throw lastError;
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "?";
  }
}
