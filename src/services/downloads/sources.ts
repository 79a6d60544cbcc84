import { parseMagnet } from "../../domain/magnet.ts";
import { parseTorrentFile } from "../../domain/torrent-file.ts";

/** A torrent as given to `torrents/add`, reduced to what Redriva keeps. */
export interface TorrentSource {
  hash: string;
  name: string | null;
  kind: "magnet" | "torrent";
  magnet: string | null;
  torrentFile: Uint8Array | null;
  /** Known for .torrent files, 0 for magnets. */
  size: number;
}

export type SourceResult = { ok: true; source: TorrentSource } | { ok: false; reason: string };

const MAX_TORRENT_BYTES = 10 * 1024 * 1024;

export function fromMagnet(uri: string): SourceResult {
  const parsed = parseMagnet(uri);
  if (!parsed) return { ok: false, reason: "not a magnet link with a valid btih info-hash" };
  return {
    ok: true,
    source: {
      hash: parsed.hash,
      name: parsed.name,
      kind: "magnet",
      magnet: uri.trim(),
      torrentFile: null,
      size: 0,
    },
  };
}

export function fromTorrentFile(bytes: Uint8Array): SourceResult {
  if (bytes.length > MAX_TORRENT_BYTES) return { ok: false, reason: "torrent file larger than 10 MB" };
  const parsed = parseTorrentFile(bytes);
  if (!parsed) return { ok: false, reason: "not a valid .torrent file (bencode with an info dictionary)" };
  return {
    ok: true,
    source: {
      hash: parsed.hash,
      name: parsed.name,
      kind: "torrent",
      magnet: null,
      torrentFile: bytes,
      size: parsed.size,
    },
  };
}

/**
 * One entry of `urls`: a magnet, or an http(s) URL of a .torrent (fetched here; a redirect to a
 * magnet, as some indexers answer, is followed).
 */
export async function fromUrl(url: string, timeoutMs = 15_000): Promise<SourceResult> {
  const trimmed = url.trim();
  if (/^magnet:/i.test(trimmed)) return fromMagnet(trimmed);
  if (/^[0-9a-f]{40}$/i.test(trimmed)) return fromMagnet(`magnet:?xt=urn:btih:${trimmed}`);
  if (!/^https?:\/\//i.test(trimmed) || !URL.canParse(trimmed))
    return { ok: false, reason: "expected a magnet link or an http(s) URL of a .torrent file" };
  let current = trimmed;
  for (let hop = 0; hop < 5; hop++) {
    let res: Response;
    try {
      res = await fetch(current, { redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      return { ok: false, reason: `could not fetch the .torrent: ${(error as Error).message}` };
    }
    if (res.status >= 300 && res.status < 400) {
      const location = res.headers.get("location");
      await res.body?.cancel();
      if (!location)
        return { ok: false, reason: `redirect without a Location from ${new URL(current).host}` };
      if (/^magnet:/i.test(location)) return fromMagnet(location);
      current = new URL(location, current).toString();
      continue;
    }
    if (!res.ok) {
      await res.body?.cancel();
      return { ok: false, reason: `fetching the .torrent answered HTTP ${res.status}` };
    }
    const length = Number(res.headers.get("content-length") ?? 0);
    if (length > MAX_TORRENT_BYTES) {
      await res.body?.cancel();
      return { ok: false, reason: "torrent file larger than 10 MB" };
    }
    return fromTorrentFile(new Uint8Array(await res.arrayBuffer()));
  }
  return { ok: false, reason: "too many redirects fetching the .torrent" };
}
