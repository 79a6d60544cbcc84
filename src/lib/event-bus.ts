/**
 * In-process publish/subscribe for live updates (sync log lines, job progress, download rows).
 * Pages subscribe through server-sent events; nothing here is persisted.
 */
export interface BusEvent {
  topic: string;
  type: string;
  data: Record<string, unknown>;
  at: number;
}

type Listener = (event: BusEvent) => void;

export class EventBus {
  private readonly listeners = new Map<string, Set<Listener>>();

  publish(topic: string, type: string, data: Record<string, unknown> = {}): void {
    const event: BusEvent = { topic, type, data, at: Date.now() };
    for (const key of [topic, "*"]) {
      for (const listener of this.listeners.get(key) ?? []) {
        try {
          listener(event);
        } catch {
          // a broken subscriber (closed stream) must not break the publisher
        }
      }
    }
  }

  /** Returns the unsubscribe function. `*` receives every topic. */
  subscribe(topic: string, listener: Listener): () => void {
    let set = this.listeners.get(topic);
    if (!set) {
      set = new Set();
      this.listeners.set(topic, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }
}
