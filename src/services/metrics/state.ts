import type { Registry } from "prom-client";
import type { ProviderRegistry } from "../../providers/registry.ts";
import type { ProviderCounts } from "./builtin.ts";

/**
 * Metrics of one process (built by createDeps). prom-client (~16 MB resident) is loaded on the
 * first scrape only: until then the process counts debrid responses in a few plain maps, from the
 * first use on (the server calls startCounting at start).
 */
export class Metrics {
  registry: Registry | null = null;
  readonly builders: Array<(registry: Registry) => void> = [];
  readonly counts: ProviderCounts = { requests: new Map(), rateLimited: new Map(), seconds: new Map() };
  /** Requests since the last sample, by provider, for metric_samples. */
  readonly minute = new Map<string, { requests: number; rateLimited: number }>();
  private counting = false;

  constructor(private readonly providers: ProviderRegistry) {}

  /** Starts counting debrid responses (once; later calls do nothing). */
  startCounting(): this {
    if (this.counting) return this;
    this.counting = true;
    const { counts, minute } = this;
    this.providers.onResponse((info) => {
      const key = `${info.provider}\u0000${info.status}`;
      counts.requests.set(key, (counts.requests.get(key) ?? 0) + 1);
      counts.seconds.set(info.provider, (counts.seconds.get(info.provider) ?? 0) + info.elapsedMs / 1000);
      if (info.status === 429)
        counts.rateLimited.set(info.provider, (counts.rateLimited.get(info.provider) ?? 0) + 1);
      const m = minute.get(info.provider) ?? { requests: 0, rateLimited: 0 };
      m.requests++;
      if (info.status === 429) m.rateLimited++;
      minute.set(info.provider, m);
    });
    return this;
  }
}
