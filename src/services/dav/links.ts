import { davTorrentIdentity } from "../../db/repo/dav.ts";
import { upsertCandidate } from "../../db/repo/repair.ts";
import type { Deps } from "../../deps.ts";
import { errorMessage } from "../../errors.ts";
import { ProviderError } from "../../providers/types.ts";
import { isDeadLinkError } from "../repair/detect.ts";
import type { CachedLink } from "./state.ts";
import type { DavFile, DavTorrent } from "./tree.ts";

/** Why a read cannot be served; `status` is what the WebDAV client gets (502 or 503). */
export class DavReadError extends Error {
  constructor(
    readonly status: 502 | 503,
    message: string,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = "DavReadError";
  }
}

/** Keeps the link cache from growing past every file of a big library. */
const MAX_CACHED_LINKS = 20_000;

function keyOf(torrent: DavTorrent, file: DavFile): string {
  return `${torrent.provider}\u0000${file.link}`;
}

/** Records the torrent as a repair candidate: its link is dead at the provider. */
export function reportDeadLink(deps: Deps, torrent: DavTorrent, file: DavFile, error: string): void {
  deps.dav.counters.deadLinks++;
  const known = davTorrentIdentity(deps.dbh, torrent.provider, torrent.id);
  const reason = "link_unavailable";
  const priority = deps.config.repair.priority.indexOf(reason);
  upsertCandidate(
    deps.dbh.db,
    {
      provider: torrent.provider,
      torrentId: torrent.id,
      hash: known?.hash ?? null,
      filename: known?.filename ?? torrent.name,
      reason,
      statusSeen: known?.status ?? null,
      detail: { link: file.link, file: file.name, error, via: "webdav" },
      priority: priority < 0 ? deps.config.repair.priority.length : priority,
    },
    deps.clock.now(),
  );
  deps.log.warn(
    { provider: torrent.provider, torrentId: torrent.id, file: file.name, error },
    "WebDAV read found a dead link: repair candidate recorded",
  );
}

async function unrestrict(deps: Deps, torrent: DavTorrent, file: DavFile): Promise<CachedLink> {
  const provider = deps.providers.get(torrent.provider);
  if (!provider) throw new DavReadError(503, deps.providers.notConfigured(torrent.provider));
  deps.dav.counters.unrestricts++;
  try {
    const u = await provider.unrestrictLink(file.link as string);
    const now = deps.clock.now();
    return {
      url: u.download,
      expiresAt: u.expiresAt ?? now + deps.config.dav.linkTtlMs,
      obtainedAt: now,
      // Just issued by the provider: as good as checked.
      checkedAt: now,
    };
  } catch (error) {
    if (isDeadLinkError(error)) {
      reportDeadLink(deps, torrent, file, errorMessage(error));
      throw new DavReadError(
        502,
        `${torrent.provider}: this file is no longer available (${errorMessage(error)})`,
      );
    }
    if (error instanceof ProviderError && error.kind === "rate_limited")
      throw new DavReadError(503, `${torrent.provider} is rate limiting: try again shortly`, 30);
    throw new DavReadError(
      502,
      `${torrent.provider}: could not get a download link (${errorMessage(error)})`,
    );
  }
}

/** A redirected client reads on its own for a while: at most this long, a quarter of a link's life. */
const REDIRECT_MIN_REMAINING_MS = 10 * 60_000;

/** How long a link must still last to be handed to a client that reads it without Redriva. */
function redirectMargin(link: CachedLink): number {
  return Math.min(REDIRECT_MIN_REMAINING_MS, (link.expiresAt - link.obtainedAt) / 4);
}

/**
 * The direct URL of a file: the cached one while it lasts, else one unrestrict shared by every
 * reader asking at the same time. `stale` is a URL that just failed: it is replaced (once, however
 * many readers saw it fail). `forRedirect`: the client reads the link itself, so one near its expiry
 * (redirectMargin) is renewed first: Redriva could not renew it under the client mid-read.
 */
export async function directLink(
  deps: Deps,
  torrent: DavTorrent,
  file: DavFile,
  stale: string | null = null,
  forRedirect = false,
): Promise<string> {
  if (file.link === null)
    throw new DavReadError(502, `${torrent.provider} gave no link for this file: refresh the torrent`);
  const { dav } = deps;
  const key = keyOf(torrent, file);
  const cached = dav.links.get(key);
  const margin = cached && forRedirect ? redirectMargin(cached) : 0;
  if (cached && cached.url !== stale && cached.expiresAt - margin > deps.clock.now()) {
    if (stale === null) dav.counters.linkCacheHits++;
    return cached.url;
  }
  if (cached && cached.url === stale) {
    dav.links.delete(key);
    dav.counters.linksRenewed++;
  }
  let pending = dav.unrestrictsInFlight.get(key);
  if (!pending) {
    pending = unrestrict(deps, torrent, file).finally(() => dav.unrestrictsInFlight.delete(key));
    dav.unrestrictsInFlight.set(key, pending);
  }
  const fresh = await pending;
  dav.links.delete(key);
  dav.links.set(key, fresh);
  if (dav.links.size > MAX_CACHED_LINKS) dav.links.delete(dav.links.keys().next().value as string);
  return fresh.url;
}

/** A link handed to a redirected client is tried first when it was last seen working this long ago. */
const REDIRECT_CHECK_AFTER_MS = 60_000;

/** Whether the cached link of a file should be tried before a client is sent to it. */
export function linkCheckDue(deps: Deps, torrent: DavTorrent, file: DavFile): boolean {
  const cached = deps.dav.links.get(keyOf(torrent, file));
  return cached !== undefined && deps.clock.now() - cached.checkedAt > REDIRECT_CHECK_AFTER_MS;
}

/** The link answered: it needs no check for a while. */
export function markLinkChecked(deps: Deps, torrent: DavTorrent, file: DavFile, url: string): void {
  const cached = deps.dav.links.get(keyOf(torrent, file));
  if (cached?.url === url) cached.checkedAt = deps.clock.now();
}
