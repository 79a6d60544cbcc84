import type { Config, Env } from "../../config/index.ts";

/** Told the configuration before and after a change (its sections are new objects when they changed). */
export type SettingsListener = (previous: Config, next: Config) => void;

/**
 * Applies /settings values to the running process (`deps.settings`). Everything reads
 * `deps.config.<section>.<value>` when it uses it, so the rebuilt sections are assigned to that
 * one config object in place; what was built from a value at start (the logger's level, clients,
 * schedules) observes `onChange` and rebuilds itself (wired in compose.ts).
 */
export class LiveSettings {
  private readonly listeners = new Set<SettingsListener>();

  constructor(private readonly config: Config) {}

  /** False when this config cannot be rebuilt (not made by loadConfig): changes wait for a restart. */
  get canApply(): boolean {
    return typeof this.config.rebuild === "function";
  }

  /** Returns the unsubscribe function. */
  onChange(listener: SettingsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The environment with `stored` over it becomes the running configuration. Throws the
   * ConfigError of an invalid combination, leaving the running configuration as it was.
   */
  apply(stored: Env): boolean {
    const rebuild = this.config.rebuild;
    if (!rebuild) return false;
    const next = rebuild(stored);
    const previous = { ...this.config } as Config;
    Object.assign(this.config, next);
    for (const listener of this.listeners) listener(previous, this.config);
    return true;
  }

  /** What the process would run with, without applying it (validation of a whole form). */
  preview(stored: Env): Config | null {
    return this.config.rebuild ? this.config.rebuild(stored) : null;
  }
}
