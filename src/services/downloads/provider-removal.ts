import type { Deps } from "../../deps.ts";
import { ProviderError, type ProviderKind } from "../../providers/types.ts";

/**
 * Removes a torrent from the debrid library it was grabbed at. Never throws: the answer says
 * whether it is gone (already gone counts) or why not, and failures are logged here.
 */
export async function removeFromProvider(
  deps: Deps,
  torrent: { hash: string; provider: string | null; provider_id: string | null },
): Promise<{ removed: true } | { removed: false; error: string }> {
  // Nothing in the debrid library (a file host link, or never handed over): nothing to remove.
  if (!torrent.provider || !torrent.provider_id) return { removed: true };
  const provider = deps.providers.get(torrent.provider as ProviderKind);
  if (!provider) return { removed: false, error: `${torrent.provider} is not configured` };
  const where = { hash: torrent.hash, provider: torrent.provider, id: torrent.provider_id };
  try {
    await provider.deleteTorrent(torrent.provider_id);
    deps.log.info(where, "torrent removed at the provider");
    return { removed: true };
  } catch (error) {
    if (error instanceof ProviderError && error.kind === "not_found") return { removed: true };
    const message = (error as Error).message;
    deps.log.warn(
      { ...where, err: message },
      "could not remove the torrent at the provider; it stays in your debrid library",
    );
    return { removed: false, error: message };
  }
}
