import type { WebhookPayload } from "./types.ts";

/** Control characters (newlines kept where allowed) never reach a message: names come from strangers. */
export function stripControl(text: string, keepNewlines = true): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  const pattern = keepNewlines ? /[\u0000-\u0009\u000b-\u001f\u007f]/g : /[\u0000-\u001f\u007f]/g;
  return text.replace(pattern, " ");
}

export const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The flat facts of an event as "name: value" lines. */
export function factLines(payload: WebhookPayload): string[] {
  return Object.entries(payload.data)
    .filter(([, value]) => value !== null && value !== undefined && typeof value !== "object")
    .slice(0, 10)
    .map(([name, value]) => `${name}: ${stripControl(String(value), false)}`);
}

/** Title, message and facts as plain text (Telegram, ntfy, Apprise, e-mail: no markup is ever parsed). */
export function plainMessage(payload: WebhookPayload): string {
  return [stripControl(payload.message), "", ...factLines(payload)].join("\n").trim();
}
