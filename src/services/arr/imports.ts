import {
  type AwaitingImport,
  importedAtProvider,
  markProviderRemovalFailed,
  markRemovedAtProvider,
  recordImport,
  torrentsAwaitingImport,
} from "../../db/repo/arr-imports.ts";
import type { Deps } from "../../deps.ts";
import { errorMessage } from "../../errors.ts";
import { isSymlinkMode } from "../downloads/mode.ts";
import { removeFromProvider } from "../downloads/provider-removal.ts";
import { DOWNLOAD_FOLDER_IMPORTED, importEvents } from "./imports-history.ts";
import { type ArrRoute, arrForCategory } from "./route.ts";

/**
 * Import confirmation: finished downloads wait until the *arr that grabbed them (route.ts) shows
 * their import in its history; then they are recorded as imported (/downloads shows it) and, with
 * DOWNLOAD_DELETE_AT_PROVIDER=imported, removed from the provider: never before the history says
 * so, and never in symlink mode (the imported files are links into the provider's library).
 *
 * One `GET /api/v3/history/since` per instance and round, only while something waits, from the
 * oldest waiting download (or the previous read) minus a margin for the two clocks. A category
 * no *arr claims (a manual add) costs no call: it waits for the routes' periodic read.
 */
const CLOCK_MARGIN_MS = 10 * 60_000;

/** Per instance: when the last read started and which downloads it covered. */
export type ImportCursors = Map<string, { checkedAt: number; hashes: Set<string> }>;

export interface ImportRound {
  waiting: number;
  imported: number;
  removedAtProvider: number;
}

export async function importRound(deps: Deps, cursors: ImportCursors): Promise<ImportRound> {
  const now = deps.clock.now();
  const waiting = torrentsAwaitingImport(deps.dbh.db, now - deps.config.arr.imports.watchMs);
  let imported = 0;
  for (const { route, torrents } of await groupByInstance(deps, waiting)) {
    imported += await checkInstance(deps, route, torrents, cursors);
  }
  const removedAtProvider =
    deps.config.downloads.deleteAtProvider === "imported" ? await removeImported(deps) : 0;
  return { waiting: waiting.length, imported, removedAtProvider };
}

async function groupByInstance(deps: Deps, waiting: AwaitingImport[]) {
  const routes = new Map<string, ArrRoute | undefined>();
  const groups = new Map<string, { route: ArrRoute; torrents: AwaitingImport[] }>();
  for (const torrent of waiting) {
    if (!routes.has(torrent.category))
      routes.set(torrent.category, await arrForCategory(deps, torrent.category, { readOnMiss: false }));
    const route = routes.get(torrent.category);
    if (!route) continue;
    const group = groups.get(route.instance.id) ?? { route, torrents: [] };
    group.torrents.push(torrent);
    groups.set(route.instance.id, group);
  }
  return [...groups.values()];
}

async function checkInstance(
  deps: Deps,
  route: ArrRoute,
  torrents: AwaitingImport[],
  cursors: ImportCursors,
): Promise<number> {
  const id = route.instance.id;
  const previous = cursors.get(id);
  // A download the previous read covered only needs what happened since; a new one, since it finished.
  const from = Math.min(
    ...torrents.map((t) => (previous?.hashes.has(t.hash) ? previous.checkedAt : t.completion_on)),
  );
  const checkedAt = deps.clock.now();
  let answer: unknown;
  try {
    const date = new Date(from - CLOCK_MARGIN_MS).toISOString();
    answer = await route.client.read(
      `/api/v3/history/since?date=${encodeURIComponent(date)}&eventType=${DOWNLOAD_FOLDER_IMPORTED}`,
    );
  } catch (error) {
    deps.log.warn({ arr: id, err: errorMessage(error) }, "could not read the *arr's import history");
    return 0;
  }
  cursors.set(id, { checkedAt, hashes: new Set(torrents.map((t) => t.hash)) });
  const events = new Map(importEvents(answer).map((e) => [e.downloadId, e]));
  let imported = 0;
  for (const torrent of torrents) {
    const event = events.get(torrent.hash.toUpperCase());
    if (!event) continue;
    recordImport(deps.dbh.db, {
      hash: torrent.hash,
      arr_instance: id,
      imported_at: event.date || checkedAt,
      source_title: event.sourceTitle,
    });
    deps.log.info({ hash: torrent.hash, arr: id }, "import confirmed by the *arr");
    imported++;
  }
  return imported;
}

/** DOWNLOAD_DELETE_AT_PROVIDER=imported: the provider's copy of what was imported goes. */
async function removeImported(deps: Deps): Promise<number> {
  let removed = 0;
  for (const torrent of importedAtProvider(deps.dbh.db)) {
    if (isSymlinkMode(deps.config.downloads, torrent)) continue;
    const result = await removeFromProvider(deps, torrent);
    if (result.removed) {
      markRemovedAtProvider(deps.dbh.db, torrent.hash, deps.clock.now());
      removed++;
    } else markProviderRemovalFailed(deps.dbh.db, torrent.hash, result.error);
  }
  return removed;
}

/**
 * For a finished download deleted before a round saw its import (the *arr removes it right after
 * importing): asks its *arr's history for that one download id. Never throws: false when unsure.
 */
export async function importShownInHistory(deps: Deps, torrent: { hash: string; category: string }) {
  try {
    const route = await arrForCategory(deps, torrent.category);
    if (!route) return false;
    const downloadId = torrent.hash.toUpperCase();
    const answer = await route.client.read(
      `/api/v3/history?page=1&pageSize=10&eventType=${DOWNLOAD_FOLDER_IMPORTED}&downloadId=${downloadId}`,
    );
    return importEvents(answer).some((e) => e.downloadId === downloadId);
  } catch (error) {
    deps.log.warn(
      { hash: torrent.hash, err: errorMessage(error) },
      "could not ask the *arr whether it imported",
    );
    return false;
  }
}

/** Runs `importRound` every ARR_IMPORT_CHECK_MS (the download runtime starts and stops it). */
export function startImportWatch(deps: Deps) {
  const cursors: ImportCursors = new Map();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<ImportRound> | null = null;
  let stopped = false;
  const round = (): Promise<ImportRound> => {
    running ??= importRound(deps, cursors).finally(() => {
      running = null;
    });
    return running;
  };
  const next = () => {
    // The database closed under a watch nobody stopped (a test's teardown): nothing more to do.
    if (stopped || deps.dbh.closed) return;
    timer = setTimeout(async () => {
      await round().catch((error) => deps.log.error({ err: errorMessage(error) }, "import round failed"));
      next();
    }, deps.config.arr.imports.checkMs);
  };
  next();
  return {
    round,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => {});
    },
  };
}
