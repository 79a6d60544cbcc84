import type { Deps } from "../../deps.ts";

/**
 * The settings page is a list of sections; each feature adds its own with
 * `registerSettingsSection` from its route module (e.g. symlinks, jobs). A section is a partial
 * under views/partials/ rendered with the page's data plus what `data(deps)` returns.
 *
 * @example
 * registerSettingsSection({ id: "symlinks", title: "Symlinks", order: 40,
 *   partial: "symlinks/settings", data: (deps) => ({ roots: deps.config.symlinks.roots }) });
 */
export interface SettingsSection {
  /** Anchor on the page (#id) and identity: registering the same id again replaces it. */
  id: string;
  title: string;
  /** Path under views/partials/, without .eta. */
  partial: string;
  /** Position on the page; built-in sections use 10, 20, 90. */
  order?: number;
  data?: (deps: Deps) => Record<string, unknown> | Promise<Record<string, unknown>>;
}

const sections = new Map<string, SettingsSection>();

export function registerSettingsSection(section: SettingsSection): void {
  sections.set(section.id, section);
}

export function settingsSections(): SettingsSection[] {
  return [...sections.values()].sort((a, b) => (a.order ?? 50) - (b.order ?? 50));
}
