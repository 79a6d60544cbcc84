/**
 * Raw Debrid-Link API v2 JSON (https://debrid-link.com/api_doc/v2/introduction). Only this folder
 * and the fake server read these shapes; everything else sees the normalised provider types.
 */

/** Every answer: `{success: true, value, pagination?}` or `{success: false, error, error_description?}`. */
export type DlEnvelope<T> =
  | { success: true; value: T; pagination?: DlPagination }
  | { success: false; error: string; error_description?: string };

/** Paged lists (seedbox/list): pages count from 0; `next` is -1 on the last page. */
export interface DlPagination {
  page: number;
  pages: number;
  next: number;
  previous: number;
}

/** One file of a seedbox torrent. `downloadUrl` is already a direct link. */
export interface DlFile {
  id: string;
  name: string;
  downloadUrl: string;
  size: number;
  downloadPercent: number;
}

/**
 * One seedbox torrent (seedbox/list, seedbox/add). `status` is Transmission's: 0 stopped,
 * 1 check wait, 2 checking, 3 download wait, 4 downloading, 5 seed wait, 6 seeding; `error` is
 * Transmission's too: 0 none, 1 tracker warning, 2 tracker error, 3 local error.
 */
export interface DlTorrent {
  id: string;
  name: string;
  hashString: string;
  uploadRatio: number;
  serverId: string;
  wait: boolean;
  peersConnected: number;
  status: number;
  error: number;
  errorString: string;
  totalSize: number;
  files: DlFile[];
  trackers: Array<{ announce: string }>;
  isZip: boolean;
  /** Unix seconds. */
  created: number;
  downloadPercent: number;
  downloadSpeed: number;
  uploadSpeed: number;
}

/** GET /account/infos: `value`. accountType 0 free, 1 premium, 2 lifetime. */
export interface DlAccount {
  username: string;
  email: string;
  accountType: number;
  /** Seconds of premium left. */
  premiumLeft: number;
  pts: number;
  trafficshare: number;
}
