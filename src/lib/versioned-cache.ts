/**
 * A small keyed cache that empties itself whenever the version it is read under changes (a write
 * to the data it mirrors, a time bucket). Built once by createDeps and passed down: no module
 * keeps its own.
 */
export class VersionedCache<V> {
  private readonly entries = new Map<string, V>();
  private version = "";

  constructor(private readonly maxEntries: number) {}

  get(version: string, key: string, build: () => V): V {
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
    }
    let value = this.entries.get(key);
    if (value === undefined) {
      value = build();
      if (this.entries.size < this.maxEntries) this.entries.set(key, value);
    }
    return value;
  }
}
