import type { ProviderFile, ProviderTorrent, ProviderTorrentInfo, TorrentStatus } from "../types.ts";
import type { AdFileNode } from "./wire.ts";

/**
 * AllDebrid `statusCode` (documented table, https://docs.alldebrid.com/#status-codes) → our
 * Real-Debrid vocabulary. The English `status` text is kept beside it (providerStatus).
 *
 * Why each error lands where it does: `dead` means "re-adding may help" (no peers, stalled,
 * links removed); `magnet_error` means the magnet itself could not be resolved (tracker);
 * `error` is everything the provider failed at on its side.
 */
export const AD_STATUS_CODES: Record<number, { text: string; status: TorrentStatus }> = {
  0: { text: "In Queue", status: "queued" },
  1: { text: "Downloading", status: "downloading" },
  2: { text: "Compressing / Moving", status: "compressing" },
  3: { text: "Uploading", status: "uploading" },
  4: { text: "Ready", status: "downloaded" },
  5: { text: "Upload fail", status: "error" },
  6: { text: "Internal error on unpacking", status: "error" },
  7: { text: "Not downloaded in 20 min", status: "dead" },
  8: { text: "File too big", status: "error" },
  9: { text: "Internal error", status: "error" },
  10: { text: "Download took more than 72h", status: "dead" },
  11: { text: "Deleted on the hoster website", status: "dead" },
  12: { text: "Processing failed", status: "error" },
  13: { text: "Processing failed", status: "error" },
  14: { text: "Error while contacting tracker", status: "magnet_error" },
  15: { text: "File not available - no peer", status: "dead" },
};

/** Our status for an AllDebrid statusCode; an unknown code ≥ 5 is an error, < 4 in progress. */
export function statusFromCode(code: number | null): TorrentStatus {
  if (code === null) return "queued";
  const known = AD_STATUS_CODES[code];
  if (known) return known.status;
  return code > 4 ? "error" : "downloading";
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : v == null ? null : String(v));
const num = (v: unknown): number | null => {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return null;
};
const unixToIso = (v: unknown): string | null => {
  const n = num(v);
  return n !== null && n > 0 ? new Date(n * 1000).toISOString() : null;
};

/** One magnet of /v4.1/magnet/status → ProviderTorrent (tolerant, like the Real-Debrid map). */
export function mapMagnet(raw: unknown): ProviderTorrent | null {
  if (!raw || typeof raw !== "object") return null;
  const r = raw as Record<string, unknown>;
  const id = str(r.id);
  if (!id) return null;
  const code = num(r.statusCode);
  const status = statusFromCode(code);
  const size = num(r.size) ?? 0;
  const downloaded = num(r.downloaded);
  // Ready magnets leave out `downloaded`; an error keeps what was reached.
  const progress =
    status === "downloaded"
      ? 100
      : size > 0 && downloaded !== null
        ? Math.min(100, Math.round((downloaded / size) * 10_000) / 100)
        : 0;
  const active = code !== null && code >= 0 && code <= 3;
  return {
    id,
    filename: (str(r.filename) ?? "").normalize("NFC"),
    hash: str(r.hash)?.toLowerCase() ?? null,
    status,
    bytes: size,
    progress,
    host: "alldebrid.com",
    split: null,
    speed: active ? num(r.downloadSpeed) : null,
    seeders: active ? num(r.seeders) : null,
    links: [],
    added: unixToIso(r.uploadDate),
    ended: unixToIso(r.completionDate),
    providerStatus: str(r.status) ?? (code !== null ? (AD_STATUS_CODES[code]?.text ?? null) : null),
  };
}

/**
 * Flattens the /v4/magnet/files tree (folders `{n, e}`, files `{n, s, l}`) depth first, in the
 * order given, into Real-Debrid style files (`/folder/name`, ids from 1, all selected: AllDebrid
 * has no file selection) and their restricted links, index for index.
 */
export function flattenFiles(nodes: unknown): { files: ProviderFile[]; links: string[] } {
  const files: ProviderFile[] = [];
  const links: string[] = [];
  const walk = (list: unknown, prefix: string, depth: number) => {
    if (!Array.isArray(list) || depth > 64) return;
    for (const entry of list) {
      if (!entry || typeof entry !== "object") continue;
      const node = entry as AdFileNode;
      const name = (str(node.n) ?? "").normalize("NFC");
      if (Array.isArray(node.e)) {
        walk(node.e, `${prefix}/${name}`, depth + 1);
        continue;
      }
      files.push({
        id: files.length + 1,
        path: `${prefix}/${name}`,
        bytes: num(node.s) ?? 0,
        selected: true,
      });
      // A file without a link yet (still processing) keeps its place with an empty link.
      links.push(str(node.l) ?? "");
    }
  };
  walk(nodes, "", 0);
  return { files, links };
}

/** Status + file tree → ProviderTorrentInfo. */
export function mapMagnetInfo(raw: unknown, tree: unknown): ProviderTorrentInfo | null {
  // By id, `data.magnets` is one object; tolerate an array of one.
  const value = Array.isArray(raw) ? raw[0] : raw;
  const item = mapMagnet(value);
  if (!item) return null;
  const { files, links } = flattenFiles(tree ?? (value as { files?: unknown }).files);
  const ready = item.status === "downloaded" && links.every((l) => l !== "");
  return {
    ...item,
    links: ready ? links : [],
    originalFilename: item.filename,
    originalBytes: item.bytes,
    files,
  };
}
