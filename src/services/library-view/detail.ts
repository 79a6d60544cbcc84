import type { AttemptRow } from "../../db/repo/repair.ts";
import {
  type DetailsRecord,
  detailsById,
  type FileRecord,
  filesOf,
  providersWithId,
  type TorrentRecord,
  torrentById,
} from "../../db/repo/torrent-detail-queries.ts";
import type { Deps } from "../../deps.ts";
import { NotFoundError, ValidationError } from "../../errors.ts";
import { PROVIDER_NAME } from "../../providers/types.ts";
import { type ImportSummary, importSummaries } from "../arr/imports-view.ts";
import { replacementTexts } from "../arr/replace-view.ts";
import { torrentRepairAttempts } from "../repair/index.ts";

/** Provider torrent ids (Real-Debrid: 13 base32 chars; AllDebrid: digits). */
export const TORRENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function assertTorrentId(id: string): string {
  if (!TORRENT_ID.test(id))
    throw new ValidationError(`invalid torrent id ${JSON.stringify(id.slice(0, 80))}`);
  return id;
}

/** A torrent of the library: ids are only unique within their provider. */
export interface TorrentRef {
  provider: string;
  id: string;
}

function assertTorrentRef(ref: TorrentRef): TorrentRef {
  if (!PROVIDER_NAME.test(ref.provider))
    throw new ValidationError(`invalid provider ${JSON.stringify(ref.provider.slice(0, 40))}`);
  assertTorrentId(ref.id);
  return ref;
}

/** `provider:id`, the form bulk actions send; a bare id is read as the only provider that has it. */
export function parseTorrentToken(deps: Deps, token: string): TorrentRef {
  const colon = token.indexOf(":");
  if (colon > 0) return assertTorrentRef({ provider: token.slice(0, colon), id: token.slice(colon + 1) });
  return resolveTorrentId(deps, assertTorrentId(token));
}

/**
 * The library torrent behind a bare id (old links, pasted ids): the one provider that has it.
 * NotFoundError when none has it; ValidationError naming the providers when several do.
 */
export function resolveTorrentId(deps: Deps, id: string): TorrentRef {
  assertTorrentId(id);
  const providers = providersWithId(deps.dbh, id);
  if (providers.length === 0) throw new NotFoundError("torrent", id);
  if (providers.length > 1)
    throw new ValidationError(`torrent ${id} exists at ${providers.join(" and ")}: name the provider`);
  return { provider: providers[0] as string, id };
}

export interface TorrentDetail {
  torrent: TorrentRecord;
  details: DetailsRecord | null;
  files: FileRecord[];
  /** Restricted links (from the details when known, else from the list). */
  links: string[];
  attempts: AttemptRow[];
  /** Grabbed through the qBit API and confirmed imported by an *arr (src/services/arr/imports.ts). */
  arrImport: ImportSummary | null;
  /** Grabbed through the qBit API, failed for good: what was done with Sonarr/Radarr (src/services/arr/replace.ts). */
  arrReplacement: string | null;
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

/** Everything stored about one torrent; NotFoundError when the provider has no such id. */
export function torrentDetail(deps: Deps, ref: TorrentRef): TorrentDetail {
  const { provider, id } = assertTorrentRef(ref);
  const torrent = torrentById(deps.dbh, provider, id);
  if (!torrent) throw new NotFoundError("torrent", `${provider}:${id}`);
  const details = detailsById(deps.dbh, provider, id);
  return {
    torrent,
    details,
    files: filesOf(deps.dbh, provider, id),
    links: parseLinks(torrent, details),
    attempts: torrentRepairAttempts(deps, provider, id),
    arrImport: torrent.hash ? (importSummaries(deps, [torrent.hash]).get(torrent.hash) ?? null) : null,
    arrReplacement: torrent.hash ? (replacementTexts(deps, [torrent.hash]).get(torrent.hash) ?? null) : null,
  };
}
