import { createHash } from "node:crypto";
import type { NewDownloadFile, NewDownloadTorrent } from "../../db/repo/downloads.ts";
import type { DownloadStage } from "../../domain/download-stage.ts";
import { buildMagnet, normalizeInfoHash } from "../../domain/magnet.ts";
import { safeSegment } from "../downloads/paths.ts";
import { fromMagnet, fromTorrentFile, type TorrentSource } from "../downloads/sources.ts";
import { parseDotnetDate, providerKind, type RdtDownload, type RdtTorrent } from "./rdt-client-reader.ts";

/** Tag on every imported torrent, so they can be found (and told apart) on /downloads. */
export const IMPORT_TAG = "rdt-client";

export type TorrentPlan =
  | { ok: true; row: NewDownloadTorrent; files: NewDownloadFile[]; note: string }
  | { ok: false; reason: string };

interface PlanContext {
  now: number;
  /** The provider rdt-client used when a row does not say (Settings "Provider:Provider"). */
  defaultProvider: string | null;
  /** Providers Redriva has a key for: an unfinished torrent is only followed at one of them. */
  configured: readonly string[];
  /** Absolute folder of a category in Redriva (null: the category cannot be a folder). */
  folderOf(category: string): string | null;
  queueOrder: number;
}

/**
 * How one rdt-client torrent lands in Redriva's download client:
 * - finished in rdt-client → `done` (history; nothing is downloaded again), its files as rdt-client
 *   fetched them;
 * - failed → `error` with rdt-client's reason (a new grab of the same hash retries it);
 * - unfinished → picked up where it is: polled at the provider when it was already there
 *   (`provider` stage, same provider id), else queued to be added.
 * NZBs and rows without a usable info-hash are not imported.
 */
export function planTorrent(t: RdtTorrent, downloads: RdtDownload[], ctx: PlanContext): TorrentPlan {
  if (t.Type === 1) return { ok: false, reason: "NZB download: Redriva handles torrents only" };
  const hash = normalizeInfoHash(t.Hash ?? "");
  if (!hash) return { ok: false, reason: `no valid info-hash (${JSON.stringify(t.Hash ?? "")})` };
  const category = (t.Category ?? "").trim();
  const savePath = ctx.folderOf(category);
  if (savePath === null)
    return { ok: false, reason: `category ${JSON.stringify(category)} is not a usable folder name` };
  const source = sourceOf(t, hash);
  const name = t.RdName?.trim() || source.name?.trim() || hash;
  const provider = providerKind(t.ClientKind) ?? ctx.defaultProvider;
  const added = parseDotnetDate(t.Added) ?? ctx.now;
  const completed = parseDotnetDate(t.Completed);
  const stage = stageOf(
    t,
    completed,
    provider !== null && ctx.configured.includes(provider) ? provider : null,
  );
  const size = Math.max(0, Number(t.RdSize ?? 0));
  const row: NewDownloadTorrent = {
    hash,
    name,
    source_kind: source.kind,
    magnet: source.magnet,
    torrent_file: source.torrentFile ? Buffer.from(source.torrentFile) : null,
    category,
    save_path: savePath,
    tags: IMPORT_TAG,
    stage,
    queue_order: ctx.queueOrder,
    provider: stage === "queued" ? null : provider,
    provider_id: stage === "queued" ? null : (t.RdId ?? null),
    providers_tried: stage === "queued" || !provider ? "" : provider,
    provider_status: t.RdStatusRaw ?? null,
    provider_progress: Number(t.RdProgress ?? 0),
    size: size || source.size,
    downloaded: stage === "done" ? size : 0,
    error: stage === "error" ? `rdt-client: ${t.Error?.trim() || "failed"}` : null,
    message: "imported from rdt-client",
    root_name: stage === "done" ? safeSegment(name) : null,
    trackers: source.trackers.join("\n"),
    comment: source.comment,
    creation_date: source.creationDate,
    added_on: added,
    completion_on: stage === "done" ? (completed ?? added) : null,
    last_activity: completed ?? added,
    progress_at: completed ?? added,
  };
  const files = stage === "done" || stage === "error" ? filesOf(hash, downloads) : [];
  const unreachable = stage === "queued" && t.RdId && provider ? ` (Redriva has no key for ${provider})` : "";
  return { ok: true, row, files, note: `${describe(stage, provider, files.length)}${unreachable}` };
}

function stageOf(t: RdtTorrent, completed: number | null, provider: string | null): DownloadStage {
  if (t.Error?.trim()) return "error";
  if (completed !== null) return "done";
  return t.RdId && provider ? "provider" : "queued";
}

function describe(stage: DownloadStage, provider: string | null, files: number): string {
  const withFiles = files > 0 ? `, ${files} file${files > 1 ? "s" : ""} of history` : "";
  if (stage === "done") return `finished (history, not downloaded again${withFiles})`;
  if (stage === "error") return `failed in rdt-client (kept with its reason${withFiles})`;
  if (stage === "provider") return `unfinished: followed at ${provider} where rdt-client left it`;
  return "unfinished: queued, Redriva adds it to a provider";
}

/** The stored magnet or .torrent; failing that, a magnet built from the hash (providers resolve it). */
function sourceOf(t: RdtTorrent, hash: string): TorrentSource {
  const stored = (t.FileOrMagnet ?? "").trim();
  if (stored !== "") {
    const parsed = t.IsFile ? fromTorrentFile(base64(stored)) : fromMagnet(stored);
    if (parsed.ok && parsed.source.hash === hash) return parsed.source;
  }
  const built = fromMagnet(buildMagnet(hash, t.RdName));
  if (!built.ok) throw new Error(`unreachable: magnet of a valid hash refused (${hash})`);
  return built.source;
}

function base64(text: string): Uint8Array {
  try {
    return Buffer.from(text, "base64");
  } catch {
    return new Uint8Array();
  }
}

/** rdt-client's Downloads rows of a torrent → file rows (status only: rdt-client stores no sizes). */
function filesOf(hash: string, downloads: RdtDownload[]): NewDownloadFile[] {
  return downloads.map((d, index) => {
    const link = d.Path ?? d.Link ?? "";
    const name = d.FileName?.trim() || lastSegment(link) || `file-${index + 1}`;
    const finished = d.Completed !== null || d.DownloadFinished !== null;
    return {
      hash,
      file_index: index,
      path: safeSegment(name),
      size: 0,
      link,
      gid: stableGid(hash, index),
      // Never "pending": the downloader would take a pending file for work to do.
      status: !d.Error && finished ? "complete" : "error",
      error: d.Error ?? (finished ? null : "not finished in rdt-client"),
    };
  });
}

function lastSegment(link: string): string {
  try {
    return decodeURIComponent(new URL(link).pathname.split("/").pop() ?? "");
  } catch {
    return "";
  }
}

/** Same torrent, same file → same 16-hex gid: rows never collide and a re-run plans the same rows. */
function stableGid(hash: string, index: number): string {
  return createHash("sha1").update(`rdt-client:${hash}:${index}`).digest("hex").slice(0, 16);
}
