import type { ProviderFile, ProviderTorrent, ProviderTorrentInfo } from "../types.ts";

/**
 * Wire → normalised. Tolerant on purpose: the API has sent floats for `progress`, omits fields
 * by status, and a stranger chose every name. A field of the wrong type becomes null/0 rather
 * than failing the whole sync; an item without an id is the only thing dropped (by the caller).
 */
const str = (v: unknown): string | null => (typeof v === "string" ? v : v == null ? null : String(v));
const num = (v: unknown): number | null => {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return null;
};

export function mapTorrentItem(raw: unknown): ProviderTorrent | null {
  if (!raw || typeof raw !== "object") return null;
  const r = raw as Record<string, unknown>;
  const id = str(r.id);
  if (!id) return null;
  return {
    id,
    filename: (str(r.filename) ?? "").normalize("NFC"),
    hash: str(r.hash)?.toLowerCase() ?? null,
    status: str(r.status) ?? "unknown",
    bytes: num(r.bytes) ?? 0,
    progress: num(r.progress) ?? 0,
    host: str(r.host),
    split: num(r.split),
    speed: num(r.speed),
    seeders: num(r.seeders),
    links: Array.isArray(r.links) ? r.links.filter((l): l is string => typeof l === "string") : [],
    added: str(r.added),
    ended: str(r.ended),
  };
}

export function mapTorrentInfo(raw: unknown): ProviderTorrentInfo | null {
  // The docs print the answer inside [ ]; the endpoint returns an object. Accept both.
  const value = Array.isArray(raw) ? raw[0] : raw;
  const item = mapTorrentItem(value);
  if (!item) return null;
  const r = value as Record<string, unknown>;
  const files: ProviderFile[] = Array.isArray(r.files)
    ? r.files.flatMap((f) => {
        if (!f || typeof f !== "object") return [];
        const file = f as Record<string, unknown>;
        const id = num(file.id);
        if (id === null) return [];
        return [
          {
            id,
            path: (str(file.path) ?? "").normalize("NFC"),
            bytes: num(file.bytes) ?? 0,
            selected: num(file.selected) === 1 || file.selected === true,
          },
        ];
      })
    : [];
  return {
    ...item,
    originalFilename: str(r.original_filename),
    originalBytes: num(r.original_bytes),
    files,
  };
}
