import { z } from "zod";
import type { ProviderKind } from "./types.ts";

/**
 * DOWNLOAD_PROVIDER_ORDER: the order new downloads fall back through when the chosen provider
 * (the category's, or DEFAULT_PROVIDER) refuses. `torbox, realdebrid` → ["torbox", "realdebrid"];
 * null when a name is not a provider of `kinds` or comes twice. Configured providers left out are
 * tried last, in their usual order: leaving one out never hides it.
 */
export function parseProviderOrder(input: string, kinds: readonly ProviderKind[]): ProviderKind[] | null {
  const order = input
    .split(",")
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part !== "");
  if (order.some((kind) => !kinds.includes(kind))) return null;
  return new Set(order).size === order.length ? order : null;
}

export const providerOrderField = (kinds: readonly ProviderKind[]) =>
  z
    .string()
    .optional()
    .transform((s) => s ?? "")
    .refine(
      (s) => parseProviderOrder(s, kinds) !== null,
      `expected provider names separated by commas, each once, among ${kinds.join(", ")}`,
    )
    .transform((s) => parseProviderOrder(s, kinds) as ProviderKind[]);

/** `configured` sorted by `order` (listed ones first, in that order; the others after, as they were). */
export function inFallbackOrder(
  configured: readonly ProviderKind[],
  order: readonly ProviderKind[] = [],
): ProviderKind[] {
  const rank = (kind: ProviderKind) => {
    const at = order.indexOf(kind);
    return at === -1 ? order.length : at;
  };
  return configured
    .map((kind, index) => ({ kind, index }))
    .sort((a, b) => rank(a.kind) - rank(b.kind) || a.index - b.index)
    .map((entry) => entry.kind);
}
