import { knownTorrents, saveTorrentDetails, upsertListPage } from "../../db/repo/library.ts";
import type { Deps } from "../../deps.ts";
import { formatCount } from "../../lib/format.ts";
import { type DebridProvider, listedDetails, type RequestMeter } from "../../providers/types.ts";
import { classifyListed, type PlannedFetch, REASON_PRIORITY } from "./plan.ts";
import type { SyncOptions } from "./types.ts";

export interface ListWalkResult {
  seen: number;
  added: number;
  updated: number;
  pages: number;
  planned: PlannedFetch[];
  /** Torrents whose details came with the list (stored already: no request planned for them). */
  described: Set<string>;
  /** The walk reached the end of the list (only then may unseen torrents be marked removed). */
  complete: boolean;
}

/**
 * Reads the whole list page by page. Each page is compared with the database (for the smart
 * plan) and, unless it is a dry run, written at once: memory holds one page, not the library.
 */
export async function walkList(
  deps: Deps,
  provider: DebridProvider,
  walkStartedAt: number,
  options: SyncOptions & { plan: boolean },
  meter: RequestMeter,
): Promise<ListWalkResult> {
  const result: ListWalkResult = {
    seen: 0,
    added: 0,
    updated: 0,
    pages: 0,
    planned: [],
    described: new Set(),
    complete: false,
  };
  const now = deps.clock.now();
  const omits = provider.listOmits ?? {};
  for await (const page of provider.listTorrents({ signal: options.signal, meter })) {
    result.pages++;
    const known = knownTorrents(
      deps.dbh.sqlite,
      provider.kind,
      page.map((t) => t.id),
    );
    for (const item of page) {
      const before = known.get(item.id);
      if (!before) result.added++;
      else if (
        before.status !== item.status ||
        before.progress !== item.progress ||
        (!omits.bytes && before.bytes !== item.bytes) ||
        (!omits.links && before.links !== JSON.stringify(item.links)) ||
        before.filename !== item.filename ||
        before.removed_at !== null
      ) {
        result.updated++;
      }
      if (listedDetails(item)) {
        result.described.add(item.id);
        continue;
      }
      if (options.plan) {
        const reason = classifyListed(item, before, options, now, omits);
        if (reason) result.planned.push({ torrentId: item.id, reason, priority: REASON_PRIORITY[reason] });
      }
    }
    if (!options.dryRun) {
      upsertListPage(deps.dbh, provider.kind, page, walkStartedAt, omits);
      const details = page.map(listedDetails).filter((d) => d !== null);
      if (details.length > 0)
        deps.dbh.sqlite.transaction(() => {
          for (const info of details) saveTorrentDetails(deps.dbh, provider.kind, info, now);
        })();
    }
    result.seen += page.length;
    // A page is a few MB of short-lived strings; collecting now keeps the peak flat on huge
    // libraries instead of letting garbage from twenty pages pile up.
    Bun.gc(true);
    options.onProgress?.({
      phase: "list",
      done: result.seen,
      total: result.seen,
      ratePerMinute: 0,
      etaMs: null,
    });
    options.onLog?.(`list page ${result.pages}: ${formatCount(page.length)} torrents`, "info");
  }
  result.complete = true;
  return result;
}
