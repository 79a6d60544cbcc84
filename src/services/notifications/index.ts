import type { Deps } from "../../deps.ts";
import { errorMessage } from "../../errors.ts";
import { backoffDelayMs, retryAfterFrom } from "../../lib/backoff.ts";
import { discordMessage } from "./discord.ts";
import { DEFAULT_SEVERITY, type NotificationEvent, type WebhookPayload } from "./types.ts";

export type { NotificationEvent, WebhookPayload } from "./types.ts";

const TIMEOUT_MS = 10_000;
const MAX_RETRY_WAIT_MS = 5_000;
/** The wait before the one retry when the target says nothing (Retry-After). */
const RETRY_BACKOFF = { baseMs: 500, maxMs: MAX_RETRY_WAIT_MS };

export interface NotifyResult {
  /** Targets that accepted the message ("discord", "webhook"). */
  sent: string[];
  failed: string[];
  /** True when the event type is filtered out by NOTIFY_EVENTS or nothing is configured. */
  skipped: boolean;
}

/**
 * Sends an event to the configured Discord webhook and/or JSON webhook. Never throws: a failed
 * delivery is logged (without the URL, which holds a secret) and the caller carries on.
 */
export async function notify(deps: Deps, event: NotificationEvent): Promise<NotifyResult> {
  const config = deps.config.notifications;
  const targets: Array<{ kind: string; url: string; body: unknown }> = [];
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
  if (config.discordWebhookUrl)
    targets.push({ kind: "discord", url: config.discordWebhookUrl, body: discordMessage(payload) });
  if (config.webhookUrl) targets.push({ kind: "webhook", url: config.webhookUrl, body: payload });
  if (targets.length === 0) return result;
  result.skipped = false;
  await Promise.all(
    targets.map(async (target) => {
      try {
        await post(deps, target.url, target.body);
        result.sent.push(target.kind);
      } catch (error) {
        result.failed.push(target.kind);
        deps.log.warn(
          { target: target.kind, host: safeHost(target.url), event: event.type, reason: errorMessage(error) },
          "notification not delivered",
        );
      }
    }),
  );
  return result;
}

/** One POST, retried once on 429/5xx/network errors (after Retry-After, capped). */
async function post(deps: Deps, url: string, body: unknown): Promise<void> {
  let lastError: Error = new Error("not sent");
  for (let attempt = 1; attempt <= 2; attempt++) {
    let retryAfterMs = backoffDelayMs(RETRY_BACKOFF, attempt);
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "Redriva" },
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
