import type { RequestBucket } from "../lib/report-sections.ts";
import type { ProviderRegistry } from "../providers/registry.ts";

export class RequestTimeline {
  private readonly buckets = new Map<number, RequestBucket>();
  private readonly unsubscribe: () => void;

  constructor(providers: ProviderRegistry, now: () => number) {
    this.unsubscribe = providers.onResponse((info) => {
      const second = Math.floor(now() / 1000);
      let bucket = this.buckets.get(second);
      if (!bucket) {
        bucket = { second, ok: 0, rateLimited: 0, failed: 0 };
        this.buckets.set(second, bucket);
      }
      if (info.status === 429) bucket.rateLimited++;
      else if (info.status >= 200 && info.status < 400) bucket.ok++;
      else bucket.failed++;
    });
  }

  stop(): RequestBucket[] {
    this.unsubscribe();
    return [...this.buckets.values()].sort((a, b) => a.second - b.second);
  }
}
