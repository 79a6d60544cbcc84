import { allDebrid } from "./alldebrid/descriptor.ts";
import { debridLink } from "./debridlink/descriptor.ts";
import type { ProviderDescriptor } from "./descriptor.ts";
import { premiumize } from "./premiumize/descriptor.ts";
import { realDebrid } from "./realdebrid/descriptor.ts";
import { torBox } from "./torbox/descriptor.ts";

/**
 * Every provider Redriva knows, in the order they are shown and tried. Adding a provider is one
 * folder under src/providers/ with a descriptor, one entry here and one fake under src/fake-debrid/.
 */
export const PROVIDERS: readonly ProviderDescriptor[] = checkProviders([
  realDebrid,
  allDebrid,
  debridLink,
  premiumize,
  torBox,
]);

/** Refuses a list where two providers would share a kind or a variable (a developer's mistake). */
export function checkProviders(list: readonly ProviderDescriptor[]): readonly ProviderDescriptor[] {
  const kinds = new Set<string>();
  const variables = new Map<string, string>();
  for (const provider of list) {
    if (!/^[a-z0-9]+$/.test(provider.kind))
      throw new Error(`provider kind "${provider.kind}" must be lowercase letters and digits`);
    if (kinds.has(provider.kind)) throw new Error(`provider kind "${provider.kind}" is listed twice`);
    kinds.add(provider.kind);
    const names = [...Object.keys(provider.env.shape), ...Object.values(provider.aliases).flat()];
    for (const name of names) {
      const owner = variables.get(name);
      if (owner) throw new Error(`${name} is claimed by both ${owner} and ${provider.kind}`);
      variables.set(name, provider.kind);
    }
  }
  return Object.freeze([...list]);
}

/** Where the providers' secrets sit in the configuration, as pino redaction paths. */
export function providerSecretPaths(list: readonly ProviderDescriptor[]): string[] {
  return list.flatMap((p) => p.secretFields.map((field) => `config.providers.${p.kind}.${field}`));
}
