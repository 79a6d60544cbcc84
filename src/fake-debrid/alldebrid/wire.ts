import type { AdEnvelope, AdFileNode, AdMagnet } from "../../providers/alldebrid/wire.ts";
import type { FakeTorrent } from "../library.ts";
import type { FakeReply } from "../realdebrid/model.ts";
import type { AdMagnetMeta } from "./account.ts";

/** The documented JSON of the AllDebrid API v4/v4.1 (https://docs.alldebrid.com/). */

/**
 * The documented statusCode table. Written out here rather than imported from the adapter, so a
 * mistake in one is caught by the other.
 */
export const STATUS_TEXT: Record<number, string> = {
  0: "In Queue",
  1: "Downloading",
  2: "Compressing / Moving",
  3: "Uploading",
  4: "Ready",
  5: "Upload fail",
  6: "Internal error on unpacking",
  7: "Not downloaded in 20 min",
  8: "File too big",
  9: "Internal error",
  10: "Download took more than 72h",
  11: "Deleted on the hoster website",
  12: "Processing failed",
  13: "Processing failed",
  14: "Error while contacting tracker",
  15: "File not available - no peer",
};

export function ok(data: unknown): FakeReply {
  const json: AdEnvelope<unknown> = { status: "success", data };
  return { status: 200, json };
}

/** Application errors come back with HTTP 200 (changelog 14/11/2023) unless told otherwise. */
export function adFail(code: string, message: string, httpStatus = 200): FakeReply {
  const json: AdEnvelope<never> = { status: "error", error: { code, message } };
  return { status: httpStatus, json };
}

export const MESSAGES: Record<string, string> = {
  AUTH_MISSING_APIKEY: "The auth apikey was not sent",
  AUTH_BAD_APIKEY: "The auth apikey is invalid",
  MAGNET_NO_URI: "No magnet sent",
  MAGNET_INVALID_URI: "Magnet is not valid",
  MAGNET_INVALID_FILE: "File is not a valid torrent",
  MAGNET_INVALID_ID: "Magnet ID is invalid",
  MAGNET_TOO_MANY_ACTIVE: "Already have maximum allowed active magnets (30)",
  MAGNET_TOO_MANY: "Too many magnets, delete some first",
  MAGNET_PROCESSING: "Magnet is processing or completed",
  MAINTENANCE: "AllDebrid is under maintenance, retry later",
  LINK_IS_MISSING: "No link was sent",
  LINK_DOWN: "This link is not available on the file hoster website",
  LINK_HOST_NOT_SUPPORTED: "This host or link is not supported",
  DELAYED_INVALID_ID: "This delayed ID is invalid",
  "404": "Endpoint doesn't exist",
};

export const message = (code: string): string => MESSAGES[code] ?? code;

/** One magnet of /v4.1/magnet/status: ready magnets leave out the transfer fields (doc example). */
export function magnetJson(t: FakeTorrent, meta: AdMagnetMeta): AdMagnet {
  const size = t.files.reduce((sum, f) => sum + f.bytes, 0);
  const json: AdMagnet = {
    id: Number(t.id),
    filename: t.filename,
    size,
    hash: t.hash,
    status: STATUS_TEXT[meta.statusCode] ?? "Error",
    statusCode: meta.statusCode,
    uploadDate: meta.uploadDate,
    completionDate: meta.completionDate,
    type: "m",
    notified: false,
    version: 2,
    nbLinks: t.linkIds.length,
  };
  if (meta.statusCode !== 4) {
    json.downloaded = meta.statusCode === 0 ? 0 : Math.floor((size * t.progress) / 100);
    json.uploaded = 0;
    json.seeders = meta.statusCode === 1 ? (t.seeders ?? 0) : 0;
    json.downloadSpeed = meta.statusCode === 1 ? (t.speed ?? 0) : 0;
    json.uploadSpeed = 0;
  }
  return json;
}

/**
 * The /v4/magnet/files tree: folders `{n, e}`, files `{n, s, l}`. Links (`l`) exist once the
 * magnet is Ready; before that the tree comes without them [unverified: the documentation only
 * shows ready magnets], and In Queue magnets have no tree yet.
 */
export function filesTree(t: FakeTorrent, meta: AdMagnetMeta): AdFileNode[] {
  if (meta.statusCode === 0 || meta.statusCode > 4) return [];
  const root: AdFileNode[] = [];
  const links = new Map<number, string>();
  if (meta.statusCode === 4) {
    const selected = t.files.filter((f) => f.selected);
    t.linkIds.forEach((linkId, i) => {
      const file = selected[i];
      if (file) links.set(file.id, `https://alldebrid.com/f/${linkId}`);
    });
  }
  for (const file of t.files) {
    const parts = file.path.split("/").filter((p) => p !== "");
    let level = root;
    for (const folder of parts.slice(0, -1)) {
      let node = level.find((n) => n.n === folder && Array.isArray(n.e));
      if (!node) {
        node = { n: folder, e: [] };
        level.push(node);
      }
      level = node.e as AdFileNode[];
    }
    const leaf: AdFileNode = { n: parts.at(-1) ?? "file", s: file.bytes };
    const link = links.get(file.id);
    if (link) leaf.l = link;
    level.push(leaf);
  }
  return root;
}

/** Which magnets a `status` filter of /v4.1/magnet/status keeps. */
export function matchesFilter(filter: string | null, statusCode: number): boolean {
  switch (filter) {
    case "active":
      return statusCode <= 3;
    case "ready":
      return statusCode === 4;
    case "error":
      return statusCode > 4;
    case "expired":
      return false; // the fake never expires magnets
    default:
      return true;
  }
}
