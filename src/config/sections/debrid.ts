import { z } from "zod";
import type { ProviderDescriptor, ProviderSettings } from "../../providers/descriptor.ts";
import type { ProviderKind } from "../../providers/types.ts";
import { oneOf } from "../fields.ts";

export interface DebridConfig {
  /** Each listed provider's settings by kind; a provider is configured when its credential is set. */
  providers: Readonly<Record<ProviderKind, ProviderSettings>>;
  /** Provider for new downloads when a category does not say. */
  defaultProvider: ProviderKind;
}

/** Debrid accounts: every listed provider's own variables, and which one gets new downloads. */
export function debridSection(list: readonly ProviderDescriptor[]) {
  const kinds = list.map((p) => p.kind) as [string, ...string[]];
  const schema = z.object({
    ...Object.assign({}, ...list.map((p) => p.env.shape)),
    DEFAULT_PROVIDER: oneOf(kinds, kinds[0]),
  });
  const build = (env: Record<string, unknown>): DebridConfig => ({
    providers: Object.freeze(Object.fromEntries(list.map((p) => [p.kind, Object.freeze(p.settings(env))]))),
    defaultProvider: env.DEFAULT_PROVIDER as ProviderKind,
  });
  return { schema, build };
}
