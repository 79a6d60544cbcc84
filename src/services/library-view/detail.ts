import type { AttemptRow } from "../../db/repo/repair.ts";
import {
  type DetailsRecord,
  detailsById,
  type FileRecord,
  filesOf,
  type TorrentRecord,
  torrentById,
} from "../../db/repo/torrent-detail-queries.ts";
import type { Deps } from "../../deps.ts";
import { NotFoundError, ValidationError } from "../../errors.ts";
import { torrentRepairAttempts } from "../repair/index.ts";

/** Provider torrent ids (Real-Debrid: 13 base32 chars; AllDebrid: digits). */
export const TORRENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function assertTorrentId(id: string): string {
  if (!TORRENT_ID.test(id))
    throw new ValidationError(`invalid torrent id ${JSON.stringify(id.slice(0, 80))}`);
  return id;
}

export interface TorrentDetail {
  torrent: TorrentRecord;
  details: DetailsRecord | null;
  files: FileRecord[];
  /** Restricted links (from the details when known, else from the list). */
  links: string[];
  attempts: AttemptRow[];
}

function parseLinks(torrent: TorrentRecord, details: DetailsRecord | null): string[] {
  if (details?.links) return details.links.split(",").filter(Boolean);
  try {
    const list = JSON.parse(torrent.links) as unknown;
    return Array.isArray(list) ? list.filter((l): l is string => typeof l === "string") : [];
  } catch {
    return [];
  }
}

/** Everything stored about one torrent; NotFoundError when the id is unknown. */
export function torrentDetail(deps: Deps, id: string): TorrentDetail {
  assertTorrentId(id);
  const torrent = torrentById(deps.dbh, id);
  if (!torrent) throw new NotFoundError("torrent", id);
  const details = detailsById(deps.dbh, id);
  return {
    torrent,
    details,
    files: filesOf(deps.dbh, id),
    links: parseLinks(torrent, details),
    attempts: torrentRepairAttempts(deps, id),
  };
}
