/**
 * What each *arr's download clients said, kept by the process (`deps.arrRoutes`) so the question
 * "which *arr grabbed this category" costs no call per torrent. route.ts fills and reads it.
 */
export interface InstanceRoutes {
  /** The categories this instance grabs with through Redriva (see route-detect.ts). */
  categories: string[];
  /** Enabled qBittorrent entries, and those on Redriva's port: says why nothing was found. */
  qbitClients: number;
  redrivaClients: number;
  /** Epoch ms of the last answer (the categories are kept from it when a later read fails). */
  readAt: number | null;
  error: string | null;
}

export interface RoutesSnapshot {
  /** Epoch ms of the read. */
  at: number;
  /** Which instances (connection fingerprint) it was read from: a changed connection reads again. */
  fingerprint: string;
  byInstance: Map<string, InstanceRoutes>;
}

export class ArrRouteCache {
  snapshot: RoutesSnapshot | null = null;
  /** The read in flight: concurrent callers share it. */
  loading: Promise<RoutesSnapshot> | null = null;
  /** Epoch ms of the last read started for an unknown category (bounded to one a minute). */
  lastMissRead = 0;
}
