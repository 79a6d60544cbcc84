import { randomBytes } from "node:crypto";
import {
  type DownloadTorrent,
  filesOf,
  getTorrent,
  insertFiles,
  inTransaction,
  updateFile,
  updateTorrent,
} from "../../db/repo/downloads.ts";
import type { Deps } from "../../deps.ts";
import { FINAL_STAGE, moveTo } from "../../domain/download-stage.ts";
import { backoffDelayMs } from "../../lib/backoff.ts";
import { ProviderError, type UnrestrictedLink } from "../../providers/types.ts";
import {
  hosterLinkProviders,
  NO_HOSTER_LINK_PROVIDER,
  refusalWords,
  unrestrictHosterLinkWith,
} from "./hoster-link.ts";
import { planLayout } from "./paths.ts";

/**
 * The provider half of a file host link (source_kind link): no torrent to wait for, the link is
 * unrestricted (checked: the host still has the file, the provider still takes it) and recorded
 * as the download's one file; the transfer unrestricts it again before it starts (transfer.ts),
 * so the direct URL, a credential, is never stored. Refusals go to the next provider that takes
 * hoster links; busy or rate-limited providers are asked again later.
 */
export async function hosterLinkStep(deps: Deps, torrent: DownloadTorrent): Promise<void> {
  if (!torrent.link) return fail(deps, torrent, "the download has no link (added by an older version?)");
  const order = hosterLinkProviders(deps, torrent);
  if (order.length === 0) {
    const none = deps.providers.configured().length === 0;
    const error = none ? deps.providers.noneConfigured() : NO_HOSTER_LINK_PROVIDER;
    return fail(deps, torrent, error);
  }
  const tried = torrent.providers_tried.split(",").filter((s) => s !== "");
  const refusals: string[] = [];
  for (const kind of order) {
    const answer = await unrestrictHosterLinkWith(deps, kind, torrent.link);
    if (answer.ok) return recordLinkFile(deps, torrent, kind, answer.link);
    const words = refusalWords(kind, answer.error);
    if (isTransient(answer.error)) return retryLater(deps, torrent, words);
    tried.push(kind);
    refusals.push(words);
  }
  updateTorrent(deps.dbh.db, torrent.hash, { providers_tried: tried.join(",") });
  fail(deps, torrent, refusals.join("; "));
}

/**
 * Rate limits and dropped connections pass: asked again later. "Unavailable" (the host or the
 * file, after the HTTP client's own retries) is this provider's answer for the link: the next one.
 */
function isTransient(error: Error): boolean {
  if (!(error instanceof ProviderError)) return true;
  return error.retryable && error.kind !== "unavailable";
}

function retryLater(deps: Deps, torrent: DownloadTorrent, words: string): void {
  const attempts = torrent.attempts + 1;
  const max = deps.config.downloads.maxAttempts;
  if (attempts >= max) {
    fail(deps, torrent, `${words} (after ${attempts} attempts)`);
    return;
  }
  const wait = backoffDelayMs(
    { baseMs: deps.config.downloads.providerPollMs, maxMs: 10 * 60_000, jitter: "none" },
    attempts,
  );
  updateTorrent(deps.dbh.db, torrent.hash, {
    attempts,
    message: `${words}; retry ${attempts + 1}/${max} in ${Math.max(1, Math.round(wait / 1000))} s`,
    next_attempt_at: deps.clock.now() + wait,
  });
  deps.log.warn({ hash: torrent.hash, attempts }, "file host link: provider busy, retrying later");
}

function recordLinkFile(
  deps: Deps,
  torrent: DownloadTorrent,
  kind: string,
  unrestricted: UnrestrictedLink,
): void {
  const db = deps.dbh.db;
  const link = torrent.link as string;
  const name = unrestricted.filename || torrent.name;
  const layout = planLayout(name, [name]);
  inTransaction(db, () => {
    // Deleted by the user while the provider answered: nothing to record.
    const current = getTorrent(db, torrent.hash);
    if (!current || current.stage === FINAL_STAGE) return;
    const existing = filesOf(db, torrent.hash)[0];
    // Started over after a failure: the same file, from a clean slate.
    if (existing)
      updateFile(db, existing.id, {
        status: "pending",
        attempts: 0,
        error: null,
        speed: 0,
        link,
        size: unrestricted.filesize,
      });
    else
      insertFiles(db, [
        {
          hash: torrent.hash,
          file_index: 1,
          path: layout.relative[0] ?? "",
          size: unrestricted.filesize,
          link,
          gid: randomBytes(8).toString("hex"),
          status: "pending",
        },
      ]);
    // queued → provider → waiting in one write: the link needs no wait at the provider.
    moveTo(current.stage, "provider");
    updateTorrent(db, torrent.hash, {
      ...moveTo("provider", "waiting"),
      provider: kind,
      provider_status: "downloaded",
      provider_progress: 100,
      provider_speed: 0,
      root_name: layout.rootName,
      name,
      size: unrestricted.filesize,
      attempts: 0,
      message: null,
      error: null,
      progress_at: deps.clock.now(),
    });
  });
  deps.log.info({ hash: torrent.hash, provider: kind }, "file host link ready to download");
}

function fail(deps: Deps, torrent: DownloadTorrent, error: string): void {
  updateTorrent(deps.dbh.db, torrent.hash, {
    ...moveTo(torrent.stage, "error"),
    error,
    message: null,
    fail_reason: "errors",
    failed_at: deps.clock.now(),
  });
  deps.log.error({ hash: torrent.hash, name: torrent.name, error }, "download failed");
}
