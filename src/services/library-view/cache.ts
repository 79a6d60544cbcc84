/**
 * The process's memo (`deps.libraryCache`) of the library's expensive reads (counts over 100,000 rows, ordered id lists
 * for deep pages and searches), each stamped with the library version it was computed at
 * (ui_library_version, moved by triggers on every visible change). A stale entry is recomputed
 * on the next read; nothing is ever served from an older version.
 */
export class VersionedCache {
  private readonly values = new Map<string, { version: number; value: unknown; weight: number }>();
  private weight = 0;

  constructor(
    private readonly maxEntries = 64,
    /** Budget for ordered id lists (sum of their lengths): 4M ids = 16 MB. */
    private readonly maxWeight = 4_000_000,
  ) {}

  get<T>(key: string, version: number, compute: () => T, weigh: (value: T) => number = () => 1): T {
    const hit = this.values.get(key);
    if (hit && hit.version === version) {
      // Move to the back: Map iteration order is the LRU order.
      this.values.delete(key);
      this.values.set(key, hit);
      return hit.value as T;
    }
    if (hit) this.drop(key);
    const value = compute();
    const weight = weigh(value);
    this.values.set(key, { version, value, weight });
    this.weight += weight;
    this.evict();
    return value;
  }

  clear(): void {
    this.values.clear();
    this.weight = 0;
  }

  get size(): number {
    return this.values.size;
  }

  private drop(key: string): void {
    const entry = this.values.get(key);
    if (!entry) return;
    this.weight -= entry.weight;
    this.values.delete(key);
  }

  private evict(): void {
    for (const key of this.values.keys()) {
      if (this.values.size <= this.maxEntries && this.weight <= this.maxWeight) break;
      if (this.values.size === 1) break;
      this.drop(key);
    }
  }
}
