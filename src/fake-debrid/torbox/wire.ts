import type { FakeTorrent } from "../library.ts";
import type { FakeReply } from "../realdebrid/model.ts";
import type { TbMeta } from "./account.ts";

/** The documented JSON of TorBox API v1 (https://api-docs.torbox.app/). */

/** `{success: true, error: null, detail, data}` with HTTP 200 ("200 always means a success"). */
export function ok(data: unknown, detail = "Request successful."): FakeReply {
  return { status: 200, json: { success: true, error: null, detail, data } };
}

/** An error envelope: 400 client, 403 auth, 404 not found, 500 server (documented codes). */
export function tbFail(httpStatus: number, error: string | null, detail: string): FakeReply {
  return { status: httpStatus, json: { success: false, error, detail, data: null } };
}

export const DETAILS: Record<string, string> = {
  NO_AUTH: "No auth was provided. Please provide an API key in the Authorization header.",
  BAD_TOKEN: "The API key is invalid.",
  ITEM_NOT_FOUND: "The item could not be found.",
  ENDPOINT_NOT_FOUND: "The endpoint does not exist.",
  MISSING_REQUIRED_OPTION: "You must provide either a file or magnet link.",
  INVALID_OPTION: "The option is not valid.",
  BOZO_TORRENT: "The torrent sent is not a valid torrent.",
  ACTIVE_LIMIT:
    "User has hit their max active download limit. It is recommended user upgrade their account or purchase addons to bypass this restriction.",
  COOLDOWN_LIMIT: "User is on download cooldown.",
  NO_SERVERS_AVAILABLE_ERROR: "There are no download servers available to handle this request.",
};

export const detail = (code: string): string => DETAILS[code] ?? code;

/** Files as TorBox names them: "<torrent name>/<path>", ids from 0. */
function filesJson(t: FakeTorrent) {
  return t.files.map((f, index) => {
    const short = f.path.split("/").pop() ?? "file";
    return {
      id: index,
      md5: null,
      hash: t.hash,
      name: `${t.filename}${f.path}`,
      size: f.bytes,
      zipped: false,
      s3_path: `${t.hash}/${t.filename}${f.path}`,
      infected: false,
      mimetype: short.endsWith(".mkv") ? "video/x-matroska" : "application/octet-stream",
      short_name: short,
      absolute_path: `/torbox/${t.hash}${f.path}`,
    };
  });
}

/** One torrent of /torrents/mylist: no files while metadata is being fetched (metaDL). */
export function torrentJson(t: FakeTorrent, id: string, meta: TbMeta, authId: string) {
  const size = t.files.reduce((sum, f) => sum + f.bytes, 0);
  const downloading = meta.state === "downloading";
  const files = meta.state === "metaDL" ? [] : filesJson(t);
  if (meta.outcome === "virus" && meta.finished) for (const f of files) f.infected = true;
  return {
    id: Number(id),
    auth_id: authId,
    server: 1,
    hash: t.hash,
    name: t.filename,
    magnet: `magnet:?xt=urn:btih:${t.hash}`,
    size: meta.state === "metaDL" ? 0 : size,
    active: !meta.finished && meta.state !== "error",
    created_at: meta.createdAt,
    updated_at: meta.updatedAt,
    download_state: meta.state,
    seeds: downloading ? (t.seeders ?? 0) : 0,
    peers: downloading ? 3 : 0,
    ratio: 0,
    progress: meta.finished ? 1 : t.progress / 100,
    download_speed: downloading ? (t.speed ?? 0) : 0,
    upload_speed: 0,
    eta: downloading ? 60 : 0,
    torrent_file: false,
    expires_at: null,
    download_present: meta.present,
    files,
    download_path: "",
    availability: downloading ? 1 : 0,
    download_finished: meta.finished,
    tracker: null,
    total_uploaded: 0,
    total_downloaded: meta.finished ? size : Math.floor((size * t.progress) / 100),
    cached: meta.finished && meta.present,
    owner: authId,
    seed_torrent: false,
    allow_zipped: false,
    long_term_seeding: false,
    tracker_message: null,
    cached_at: meta.cachedAt,
    private: false,
    alternative_hashes: [],
    tags: [],
  };
}
