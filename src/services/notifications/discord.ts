import { cut } from "./plain-text.ts";
import type { WebhookPayload } from "./types.ts";

const COLORS = { info: 0x3fb950, warning: 0xd29922, error: 0xf85149 } as const;

/** Discord's own markup (**bold**, `code`, links) must not apply to torrent names. */
function plain(text: string): string {
  return text.replace(/([\\*_~`|>[\]()#-])/g, "\\$1");
}

/**
 * A Discord webhook message: one embed, no mentions allowed (a torrent named "@everyone" must
 * not ping a whole server), within Discord's documented field limits.
 */
export function discordMessage(payload: WebhookPayload): Record<string, unknown> {
  const fields = Object.entries(payload.data)
    .filter(([, value]) => value !== null && value !== undefined && typeof value !== "object")
    .slice(0, 10)
    .map(([name, value]) => ({ name: cut(name, 256), value: cut(plain(String(value)), 1024), inline: true }));
  return {
    username: "Redriva",
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: cut(payload.title, 256),
        description: cut(plain(payload.message), 4096),
        color: COLORS[payload.severity],
        timestamp: payload.at,
        fields,
        footer: { text: payload.event },
      },
    ],
  };
}
