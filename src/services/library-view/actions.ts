import { markRemoved, saveTorrentDetails } from "../../db/repo/library.ts";
import { existingIds } from "../../db/repo/torrent-detail-queries.ts";
import type { Deps } from "../../deps.ts";
import { errorMessage, ValidationError } from "../../errors.ts";
import {
  type DebridProvider,
  ProviderError,
  type ProviderKind,
  type UnrestrictedLink,
} from "../../providers/types.ts";
import { reinjectTorrent } from "../repair/index.ts";
import { parseTorrentToken, type TorrentRef, torrentDetail } from "./detail.ts";

/** Torrent actions of the web UI: thin verbs over the provider, the library and repair. */

function providerOf(deps: Deps, kind: string): DebridProvider {
  try {
    return deps.providers.require(kind as ProviderKind);
  } catch (error) {
    throw new ValidationError(errorMessage(error));
  }
}

/** Fetches the torrent again from its provider and stores what it says. */
export async function refreshTorrent(deps: Deps, ref: TorrentRef): Promise<void> {
  const { torrent } = torrentDetail(deps, ref);
  const provider = providerOf(deps, torrent.provider);
  const info = await provider.getTorrent(ref.id);
  saveTorrentDetails(deps.dbh, torrent.provider, info, deps.clock.now());
}

/** Unrestricts one of the torrent's own links (never an arbitrary URL) into a direct link. */
export async function unrestrictTorrentLink(
  deps: Deps,
  ref: TorrentRef,
  link: string,
): Promise<UnrestrictedLink> {
  const detail = torrentDetail(deps, ref);
  if (!detail.links.includes(link)) throw new ValidationError("this link does not belong to the torrent");
  return providerOf(deps, detail.torrent.provider).unrestrictLink(link);
}

/** Deletes the torrent at the provider and marks it removed here (its history stays). */
export async function deleteTorrent(deps: Deps, ref: TorrentRef): Promise<void> {
  const { torrent } = torrentDetail(deps, ref);
  if (torrent.removed_at === null) {
    try {
      await providerOf(deps, torrent.provider).deleteTorrent(ref.id);
    } catch (error) {
      // Already gone at the provider: the goal (not there any more) is reached.
      if (!(error instanceof ProviderError && error.kind === "not_found")) throw error;
    }
  }
  markRemoved(deps.dbh, torrent.provider, ref.id, deps.clock.now());
}

export type ReinjectOutcome = Awaited<ReturnType<typeof reinjectTorrent>>;

/** Re-injects now through the repair service (dry run while DRY_RUN is on). */
export function reinject(deps: Deps, ref: TorrentRef): Promise<ReinjectOutcome> {
  const { torrent } = torrentDetail(deps, ref);
  return reinjectTorrent(deps, ref.id, { trigger: "manual", provider: torrent.provider as ProviderKind });
}

export const BULK_ACTIONS = ["reinject", "refresh", "delete"] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];
export const MAX_BULK = 200;

export interface BulkOutcome {
  id: string;
  ok: boolean;
  message: string;
  /** A dry run: the action was only planned, nothing changed. */
  planned?: boolean;
  /** The dry run's steps, when there was one. */
  plan?: string[];
}

/**
 * Runs an action over selected torrents one by one (the provider client paces the requests).
 * `tokens` are `provider:id` (a bare id is read as the one provider that has it).
 */
export async function bulkAction(deps: Deps, action: BulkAction, tokens: string[]): Promise<BulkOutcome[]> {
  if (tokens.length === 0) throw new ValidationError("select at least one torrent");
  if (tokens.length > MAX_BULK)
    throw new ValidationError(`at most ${MAX_BULK} torrents at once (got ${tokens.length})`);
  const refs: Array<TorrentRef | null> = tokens.map((token) => {
    try {
      return parseTorrentToken(deps, token);
    } catch (error) {
      if (error instanceof ValidationError) throw error;
      return null; // not in the library: reported as unknown below
    }
  });
  const outcomes: BulkOutcome[] = [];
  for (const [i, ref] of refs.entries()) {
    const id = ref ? ref.id : (tokens[i] as string);
    if (!ref || existingIds(deps.dbh, ref.provider, [ref.id]).length === 0) {
      outcomes.push({ id, ok: false, message: "unknown torrent" });
      continue;
    }
    try {
      if (action === "delete") {
        await deleteTorrent(deps, ref);
        outcomes.push({ id, ok: true, message: "deleted" });
      } else if (action === "refresh") {
        await refreshTorrent(deps, ref);
        outcomes.push({ id, ok: true, message: "refreshed" });
      } else {
        const result = await reinject(deps, ref);
        const planned = result.outcome === "planned";
        outcomes.push({
          id,
          ok: result.outcome !== "failed",
          message: describeReinject(result),
          ...(planned ? { planned, plan: result.plan?.steps ?? [] } : {}),
        });
      }
    } catch (error) {
      outcomes.push({ id, ok: false, message: errorMessage(error) });
    }
  }
  return outcomes;
}

export function describeReinject(result: ReinjectOutcome): string {
  switch (result.outcome) {
    case "repaired":
      return `re-injected as ${result.newTorrentId ?? "a new torrent"}`;
    case "planned":
      return "dry run (DRY_RUN=true): nothing was changed";
    case "retry":
      return `will retry${result.error ? `: ${result.error}` : ""}`;
    default:
      return result.error ? `${result.outcome}: ${result.error}` : result.outcome;
  }
}
