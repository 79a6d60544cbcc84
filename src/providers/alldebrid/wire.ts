/**
 * Raw AllDebrid API v4/v4.1 JSON, as documented at https://docs.alldebrid.com/.
 * Only this folder (and the fake server) reads these shapes; everything else sees the
 * normalised provider types.
 */

/** Every answer: `{status: "success", data}` or `{status: "error", error: {code, message}}`. */
export type AdEnvelope<T> =
  | { status: "success"; data: T; demo?: boolean; deprecated?: boolean }
  | { status: "error"; error: AdErrorBody };

export interface AdErrorBody {
  code: string;
  message: string;
}

/** One magnet of POST /v4.1/magnet/status (list, or by id: then `data.magnets` is this object). */
export interface AdMagnet {
  id: number;
  filename: string;
  size: number;
  hash?: string;
  status: string;
  statusCode: number;
  /** Absent once ready. */
  downloaded?: number;
  uploaded?: number;
  seeders?: number;
  downloadSpeed?: number;
  uploadSpeed?: number;
  /** Unix seconds. */
  uploadDate: number;
  /** Unix seconds, 0 until done. */
  completionDate: number;
  type?: string;
  notified?: boolean;
  version?: number;
  nbLinks?: number;
  /** Only in the by-id answer of some API versions; the list never carries it (v4.1). */
  files?: AdFileNode[];
}

/** A node of the /v4/magnet/files tree: a folder `{n, e}` or a file `{n, s, l}`. */
export interface AdFileNode {
  n: string;
  s?: number;
  l?: string;
  e?: AdFileNode[];
}

/** POST /v4/magnet/upload: `data.magnets`, one per magnet sent, in order. */
export type AdUploadedMagnet =
  | { magnet: string; hash: string; name: string; size: number; ready: boolean; id: number }
  | { magnet: string; error: AdErrorBody };

/** POST /v4/magnet/upload/file: `data.files`. */
export type AdUploadedFile =
  | { file: string; hash: string; name: string; size: number; ready: boolean; id: number }
  | { file: string; error: AdErrorBody };

/** POST /v4/magnet/files: `data.magnets`. */
export type AdMagnetFiles =
  | { id: string | number; files: AdFileNode[] }
  | { id: string | number; error: AdErrorBody };

/** POST /v4/link/unlock: `data`. */
export interface AdUnlock {
  /** Direct download URL (empty while `delayed`). */
  link: string;
  host: string;
  filename: string;
  paws: boolean;
  filesize: number;
  streams: unknown[];
  id: string;
  hostDomain: string;
  /** Present when the link needs time: poll /v4/link/delayed with this id. */
  delayed?: number;
}

/** POST /v4/link/delayed: `data`. status 1 = processing, 2 = ready, 3 = error. */
export interface AdDelayed {
  status: 1 | 2 | 3;
  time_left: number;
  link?: string;
}

/** GET /v4/user: `data.user`. */
export interface AdUser {
  username: string;
  email: string;
  isPremium: boolean;
  isSubscribed: boolean;
  isTrial: boolean;
  /** Unix seconds, 0 if not premium. */
  premiumUntil: number;
  lang: string;
  preferedDomain: string;
  fidelityPoints: number;
  /** host → MB left. */
  limitedHostersQuotas: Record<string, number>;
  remainingTrialQuota?: number;
  notifications: unknown[];
}
