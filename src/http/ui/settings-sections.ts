import type { Deps } from "../../deps.ts";

/**
 * The settings page is a constant list of sections (SETTINGS_SECTIONS in settings.ts); a feature
 * adds its own entry there. A section is a partial under views/partials/ rendered with the page's
 * data plus what `data(deps)` returns.
 *
 * @example
 * { id: "symlinks", title: "Symlinks", order: 40,
 *   partial: "symlinks/settings", data: (deps) => ({ roots: deps.config.symlinks.roots }) }
 */
export interface SettingsSection {
  /** Anchor on the page (#id). */
  id: string;
  title: string;
  /** Path under views/partials/, without .eta. */
  partial: string;
  /** Position on the page; built-in sections use 10, 20, 90. */
  order?: number;
  data?: (deps: Deps) => Record<string, unknown> | Promise<Record<string, unknown>>;
}

/** The sections in page order (a copy: the list itself stays as written). */
export function inPageOrder(sections: readonly SettingsSection[]): SettingsSection[] {
  return [...sections].sort((a, b) => (a.order ?? 50) - (b.order ?? 50));
}
