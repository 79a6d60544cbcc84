import { AppError } from "../errors.ts";

/**
 * A provider's kind as its descriptor names it ("realdebrid", "alldebrid"). A plain string on
 * purpose: the list in src/providers/list.ts is the one source of truth, checked at runtime
 * (config validation, the registry), so adding a provider edits no type here.
 */
export type ProviderKind = string;

/** Provider kinds as they appear in URLs and the `provider` column. */
export const PROVIDER_NAME = /^[a-z0-9_-]{1,32}$/;

/**
 * Torrent statuses, in Real-Debrid's vocabulary (the richest one). Other providers map onto it.
 * Unknown strings from a provider are stored as they come: never crash on a new status.
 */
export const TORRENT_STATUSES = [
  "magnet_conversion",
  "waiting_files_selection",
  "queued",
  "downloading",
  "compressing",
  "uploading",
  "downloaded",
  "magnet_error",
  "error",
  "virus",
  "dead",
] as const;
export type TorrentStatus = (typeof TORRENT_STATUSES)[number];

export const ACTIVE_STATUSES: readonly string[] = [
  "magnet_conversion",
  "waiting_files_selection",
  "queued",
  "downloading",
  "compressing",
  "uploading",
];
export const FAILED_STATUSES: readonly string[] = ["magnet_error", "error", "virus", "dead"];

/** A torrent as listed by the provider (cheap: thousands per request). */
export interface ProviderTorrent {
  id: string;
  filename: string;
  hash: string | null;
  status: string;
  bytes: number;
  /** 0..100 */
  progress: number;
  host: string | null;
  split: number | null;
  speed: number | null;
  seeders: number | null;
  links: string[];
  added: string | null;
  ended: string | null;
  /**
   * The provider's own status words when `status` is a translation (AllDebrid: "Downloading",
   * "File too big" with its statusCode); absent for Real-Debrid, whose words `status` already is.
   */
  providerStatus?: string | null;
  /**
   * The list item already holds everything getTorrent would answer: it is a ProviderTorrentInfo,
   * files included (TorBox's mylist). A sync stores it as the torrent's details and spends no
   * request per torrent.
   */
  complete?: boolean;
}

/** The item's details when the list carried them (see ProviderTorrent.complete), else null. */
export function listedDetails(item: ProviderTorrent): ProviderTorrentInfo | null {
  return item.complete === true && Array.isArray((item as ProviderTorrentInfo).files)
    ? (item as ProviderTorrentInfo)
    : null;
}

/** What an add returns. */
export interface AddedTorrent {
  id: string;
  /**
   * The provider already has the content (AllDebrid's `ready`). Undefined when the provider does
   * not say at add time (Real-Debrid: only a later status tells).
   */
  cached?: boolean;
}

export interface ProviderFile {
  id: number;
  /** Starts with "/" (Real-Debrid style). */
  path: string;
  bytes: number;
  selected: boolean;
}

/** One torrent with everything the provider knows (one request per torrent). */
export interface ProviderTorrentInfo extends ProviderTorrent {
  originalFilename: string | null;
  originalBytes: number | null;
  files: ProviderFile[];
}

export interface UnrestrictedLink {
  /** Direct download URL. */
  download: string;
  filename: string;
  filesize: number;
  host: string | null;
  /** Parallel connections the host allows, when the provider says. */
  chunks: number | null;
  mimeType: string | null;
  /** Epoch ms when the direct link stops working, when the provider says (WebDAV reuses it until then). */
  expiresAt?: number | null;
}

export interface AccountInfo {
  username: string;
  email: string | null;
  premium: boolean;
  /** Seconds of premium left. */
  premiumSecondsLeft: number;
  expiration: string | null;
  /** Per host traffic left, when the provider tells. */
  traffic: Array<{ host: string; left: number | null; type: string | null }>;
}

export interface RequestStats {
  requests: number;
  rateLimited: number;
  retries: number;
  failures: number;
}

/**
 * Requests made on behalf of one caller (a sync run, a repair scan), counted apart from the
 * client's totals, which every user of the provider shares (downloads, the web UI...).
 */
export interface RequestMeter {
  requests: number;
  rateLimited: number;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Counts every HTTP request of this call, retries included. */
  meter?: RequestMeter;
}

/** What a provider's list leaves out: the sync keeps the stored values (from the details) instead. */
export interface ListOmits {
  /** Sizes come only with the details (Premiumize: a transfer has no size). */
  readonly bytes?: boolean;
  /** Links come only with the details: "finished" is then told by the status alone. */
  readonly links?: boolean;
}

export interface DebridProvider {
  readonly kind: ProviderKind;
  /** Absent when the list carries sizes and links (Real-Debrid). */
  readonly listOmits?: ListOmits;
  /** Yields the whole library page by page, deduplicated by id. */
  listTorrents(options?: { pageSize?: number } & CallOptions): AsyncIterable<ProviderTorrent[]>;
  getTorrent(id: string, options?: CallOptions): Promise<ProviderTorrentInfo>;
  /**
   * Several torrents' details in fewer requests than one each (AllDebrid's magnet/files takes
   * many ids): each id found maps to its details, or to the error for that id alone; an id left
   * out is gone. Absent: the sync asks getTorrent for each torrent.
   */
  getTorrents?(
    ids: readonly string[],
    options?: CallOptions,
  ): Promise<Map<string, ProviderTorrentInfo | Error>>;
  /** How many ids one getTorrents call takes. */
  readonly detailsBatch?: number;
  addMagnet(magnet: string): Promise<AddedTorrent>;
  addTorrentFile(torrent: Uint8Array): Promise<AddedTorrent>;
  /** `all` selects every file. Providers without file selection (AllDebrid) do nothing. */
  selectFiles(id: string, fileIds: number[] | "all"): Promise<void>;
  deleteTorrent(id: string): Promise<void>;
  unrestrictLink(link: string): Promise<UnrestrictedLink>;
  /**
   * A file host's link pasted by a user (not one of the provider's own torrent links) → its
   * direct download URL. Absent: the provider cannot download hoster links. The answer's
   * `download` holds a credential-like token: never logged nor stored.
   */
  unrestrictHosterLink?(link: string): Promise<UnrestrictedLink>;
  getAccount(): Promise<AccountInfo>;
  /** Request counters since the provider was created. */
  stats(): RequestStats;
}

/** What went wrong, in words every caller can act on. */
export type ProviderErrorKind =
  | "auth" // bad token, account locked: stop at once
  | "rate_limited" // 429 / too_many_requests: retry later
  | "fair_usage" // fair usage limit: retry much later
  | "too_many_active" // too many active downloads: retry later
  | "infringing" // infringing file: permanent
  | "not_found" // unknown resource
  | "unavailable" // hoster/file/service unavailable, 5xx
  | "bad_request" // bad parameter, invalid magnet/torrent
  | "traffic_exhausted"
  | "disabled_endpoint"
  | "network" // timeout, dropped connection
  | "bad_response" // malformed JSON
  | "unknown";

const RETRYABLE: ReadonlySet<ProviderErrorKind> = new Set([
  "rate_limited",
  "fair_usage",
  "too_many_active",
  "unavailable",
  "network",
  "bad_response",
]);

export class ProviderError extends AppError {
  readonly provider: ProviderKind;
  readonly kind: ProviderErrorKind;
  readonly httpStatus: number | null;
  /** The provider's own code: a number for Real-Debrid, an UPPER_SNAKE string for AllDebrid. */
  readonly providerCode: number | string | null;
  /** The provider's error name (`infringing_file`, `MAGNET_INVALID_URI`...). */
  readonly providerError: string | null;

  constructor(init: {
    provider: ProviderKind;
    kind: ProviderErrorKind;
    message: string;
    httpStatus?: number | null;
    providerCode?: number | string | null;
    providerError?: string | null;
    cause?: unknown;
  }) {
    const code =
      init.kind === "auth"
        ? "upstream_auth"
        : init.kind === "rate_limited"
          ? "upstream_rate_limited"
          : init.kind === "not_found"
            ? "not_found"
            : init.kind === "network" || init.kind === "unavailable"
              ? "upstream_unavailable"
              : "upstream_error";
    super(code, init.message, {
      retryable: RETRYABLE.has(init.kind),
      cause: init.cause,
      context: { provider: init.provider, httpStatus: init.httpStatus, providerCode: init.providerCode },
    });
    this.name = "ProviderError";
    this.provider = init.provider;
    this.kind = init.kind;
    this.httpStatus = init.httpStatus ?? null;
    this.providerCode = init.providerCode ?? null;
    this.providerError = init.providerError ?? null;
  }
}
