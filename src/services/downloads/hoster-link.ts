import { createHash } from "node:crypto";
import type { DownloadTorrent } from "../../db/repo/downloads.ts";
import type { Deps } from "../../deps.ts";
import { ProviderError, type ProviderKind, type UnrestrictedLink } from "../../providers/types.ts";
import { remainingProviders } from "./provider-step.ts";
import type { SourceResult } from "./sources.ts";

/**
 * File host links ("hoster links": 1fichier, Rapidgator... pages) pasted in the Add box: no
 * torrent, so a provider that unrestricts such links (DebridProvider.unrestrictHosterLink) turns
 * each into one direct download, fetched by aria2c like a torrent's files.
 */

/** Said when no configured provider can take file host links. */
export const NO_HOSTER_LINK_PROVIDER =
  "no configured provider downloads file host links (Real-Debrid, AllDebrid and Premiumize do)";

/** A link's row key: 40 hex like an info-hash (qBit clients expect one), stable for the same link. */
export function hosterLinkHash(link: string): string {
  return createHash("sha1").update(`hoster-link:${link}`).digest("hex");
}

/** Whether the provider's client can unrestrict file host links. */
export function canUnrestrictHosterLinks(deps: Deps, kind: ProviderKind): boolean {
  return typeof deps.providers.get(kind)?.unrestrictHosterLink === "function";
}

/**
 * Providers to ask for a link, in order: the one chosen (or that took it at the add) first, then
 * the category's route and DOWNLOAD_PROVIDER_ORDER, leaving out those already tried and those
 * that cannot unrestrict hoster links.
 */
export function hosterLinkProviders(
  deps: Deps,
  torrent: Pick<DownloadTorrent, "category" | "providers_tried" | "provider">,
): ProviderKind[] {
  const remaining = remainingProviders(deps, torrent);
  const chosen = torrent.provider && remaining.includes(torrent.provider) ? [torrent.provider] : [];
  return [...chosen, ...remaining.filter((k) => !chosen.includes(k))].filter((k) =>
    canUnrestrictHosterLinks(deps, k),
  );
}

/** The link through one provider: the unrestricted answer, or the error in words. */
export async function unrestrictHosterLinkWith(
  deps: Deps,
  kind: ProviderKind,
  link: string,
): Promise<{ ok: true; link: UnrestrictedLink } | { ok: false; error: Error }> {
  const provider = deps.providers.get(kind);
  if (!provider?.unrestrictHosterLink)
    return { ok: false, error: new Error(`${kind} cannot download file host links`) };
  try {
    return { ok: true, link: await provider.unrestrictHosterLink(link) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
  }
}

/** The words of a refusal, with the provider's name when its message does not say it. */
export function refusalWords(kind: ProviderKind, error: Error): string {
  if (error instanceof ProviderError) return error.message;
  return `${kind}: ${error.message}`;
}

/**
 * An http(s) URL that gave no .torrent (`notTorrent` says why): asked to the providers that
 * unrestrict file host links, in order. The first that takes it names the download (the file's
 * name and size); when none does, the refusal says why in words. The unrestricted URL is not kept.
 */
export async function resolveHosterLink(
  deps: Deps,
  link: string,
  options: { category: string; provider: string; notTorrent: string },
): Promise<SourceResult> {
  const order = hosterLinkProviders(deps, {
    category: options.category,
    provider: options.provider || null,
    providers_tried: "",
  });
  if (order.length === 0)
    return {
      ok: false,
      reason: `not a .torrent (${options.notTorrent}), and ${NO_HOSTER_LINK_PROVIDER}`,
    };
  const refusals: string[] = [];
  for (const kind of order) {
    const answer = await unrestrictHosterLinkWith(deps, kind, link);
    if (!answer.ok) {
      refusals.push(refusalWords(kind, answer.error));
      continue;
    }
    return {
      ok: true,
      source: {
        hash: hosterLinkHash(link),
        name: answer.link.filename || fileNameOf(link),
        kind: "link",
        magnet: null,
        torrentFile: null,
        link,
        provider: kind,
        size: answer.link.filesize,
        trackers: [],
        comment: null,
        creationDate: null,
      },
    };
  }
  return {
    ok: false,
    reason: `not a .torrent (${options.notTorrent}), and no provider could download it as a file host link: ${refusals.join("; ")}`,
  };
}

/** The last segment of the link's path, for a host that names no file. */
function fileNameOf(link: string): string {
  try {
    const segment = new URL(link).pathname.split("/").filter(Boolean).pop();
    return segment ? decodeURIComponent(segment) : new URL(link).host;
  } catch {
    return "download";
  }
}
