import type { Deps } from "../../deps.ts";

/** Topic of download events on the bus; the downloader wakes up on "changed". */
export const DOWNLOADS_TOPIC = "downloads";

export function notifyChanged(deps: Pick<Deps, "bus">, data: Record<string, unknown> = {}): void {
  deps.bus.publish(DOWNLOADS_TOPIC, "changed", data);
}
