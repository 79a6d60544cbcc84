/**
 * Magnet links and info-hashes. A v1 info-hash is 40 hex characters or 32 base32 characters;
 * everything is normalised to lower-case hex.
 */
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** Lower-case hex of a hex or base32 info-hash; null when invalid. */
export function normalizeInfoHash(hash: string): string | null {
  const h = hash.trim();
  if (/^[0-9a-f]{40}$/i.test(h)) return h.toLowerCase();
  if (!/^[A-Z2-7]{32}$/i.test(h)) return null;
  let bits = "";
  for (const c of h.toUpperCase()) bits += BASE32.indexOf(c).toString(2).padStart(5, "0");
  let hex = "";
  for (let i = 0; i < 160; i += 4) hex += Number.parseInt(bits.slice(i, i + 4), 2).toString(16);
  return hex;
}

export interface ParsedMagnet {
  hash: string;
  name: string | null;
  trackers: string[];
}

/** Parses a magnet URI; null when it has no valid btih. */
export function parseMagnet(uri: string): ParsedMagnet | null {
  if (!/^magnet:\?/i.test(uri.trim())) return null;
  const params = new URLSearchParams(uri.trim().slice(uri.indexOf("?") + 1));
  for (const xt of params.getAll("xt")) {
    const match = /^urn:btih:(.+)$/i.exec(xt);
    const hash = match?.[1] ? normalizeInfoHash(match[1]) : null;
    if (hash) return { hash, name: params.get("dn"), trackers: params.getAll("tr") };
  }
  return null;
}

/** A magnet for a hash (repair rebuilds dead torrents from their hash). */
export function buildMagnet(hash: string, name?: string | null): string {
  const normalized = normalizeInfoHash(hash);
  if (!normalized) throw new Error(`invalid info-hash: ${hash}`);
  return `magnet:?xt=urn:btih:${normalized}${name ? `&dn=${encodeURIComponent(name)}` : ""}`;
}
