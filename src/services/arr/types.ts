/** Shared shapes of the Sonarr/Radarr client (src/services/arr). */
export type ArrKind = "sonarr" | "radarr";

export const ARR_KINDS = ["sonarr", "radarr"] as const satisfies readonly ArrKind[];

/** Default port of each application, probed by auto-detection. */
export const ARR_DEFAULT_PORTS: Record<ArrKind, number> = { sonarr: 8989, radarr: 7878 };

/** Where one instance lives. `enabled` is the user's switch; a disabled one is never called. */
export interface ArrConnection {
  enabled: boolean;
  url?: string;
  apiKey?: string;
}

/** A series (Sonarr) or movie (Radarr), reduced to what matching a file needs. */
export interface ArrItem {
  id: number;
  title: string;
  /** The item's folder as the *arr application sees it (its own container paths). */
  path: string;
}

export interface ArrSystemStatus {
  appName: string;
  version: string;
}

export type ArrTestResult =
  | { ok: true; kind: ArrKind; appName: string; version: string }
  | { ok: false; kind: ArrKind; error: string };

/** What `rescanPaths` did for one instance. */
export interface ArrRescanReport {
  kind: ArrKind;
  /** Items whose folder contains one of the paths, deduplicated. */
  matched: ArrItem[];
  /** Paths no item of this instance claims. */
  unmatched: string[];
  /** Commands actually sent (one per item, or one library-wide rescan above the threshold). */
  commands: number;
  /** True when the item count crossed the threshold and one library-wide rescan was sent. */
  fullRescan: boolean;
}

/** One record of GET /api/v3/queue, reduced to what replacing a failed grab needs. */
export interface ArrQueueRecord {
  id: number;
  /** The download client's id: the info-hash for qBittorrent, upper-case. */
  downloadId: string;
  /** The release title. */
  title: string;
  /** Sonarr: the series and episode the grab is for. */
  seriesId?: number;
  episodeId?: number;
  /** Radarr: the movie. */
  movieId?: number;
}
