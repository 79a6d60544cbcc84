import { parseMagnet } from "../../domain/magnet.ts";
import { readTorrentFile } from "../../domain/torrent-file.ts";

/** A torrent as given to `torrents/add`, reduced to what Redriva keeps. */
export interface TorrentSource {
  hash: string;
  name: string | null;
  kind: "magnet" | "torrent" | "link";
  magnet: string | null;
  torrentFile: Uint8Array | null;
  /** kind link: the file host's link, and the provider that took it at the add. */
  link?: string | null;
  provider?: string;
  /** Known for .torrent files, 0 for magnets. */
  size: number;
  /** Announce URLs (magnet `tr`, .torrent announce list). */
  trackers: string[];
  /** From a .torrent: its comment and creation date (unix seconds). */
  comment: string | null;
  creationDate: number | null;
}

/**
 * `notTorrent`: an http(s) URL that did not give a .torrent (a web page, another file, an error
 * answer, unreachable): it may be a file host's link instead (hoster-link.ts).
 */
export type SourceResult =
  | { ok: true; source: TorrentSource }
  | { ok: false; reason: string; notTorrent?: boolean };

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
      trackers: parsed.trackers,
      comment: null,
      creationDate: null,
    },
  };
}

export function fromTorrentFile(bytes: Uint8Array): SourceResult {
  if (bytes.length > MAX_TORRENT_BYTES) return { ok: false, reason: "torrent file larger than 10 MB" };
  const read = readTorrentFile(bytes);
  if (!read.ok) return { ok: false, reason: `not a usable .torrent file: ${read.reason}` };
  const parsed = read.info;
  return {
    ok: true,
    source: {
      hash: parsed.hash,
      name: parsed.name,
      kind: "torrent",
      magnet: null,
      torrentFile: bytes,
      size: parsed.size,
      trackers: parsed.trackers,
      comment: parsed.comment,
      creationDate: parsed.creationDate,
    },
  };
}

/**
 * One entry of `urls`: a magnet, or an http(s) URL of a .torrent (fetched here; a redirect to a
 * magnet, as some indexers answer, is followed). An indexer controls that URL: the body is read
 * as a stream and dropped past 10 MB, and the whole fetch (redirects and body) ends at `timeoutMs`.
 */
export async function fromUrl(url: string, timeoutMs = 15_000): Promise<SourceResult> {
  const trimmed = url.trim();
  if (/^magnet:/i.test(trimmed)) return fromMagnet(trimmed);
  if (/^[0-9a-f]{40}$/i.test(trimmed)) return fromMagnet(`magnet:?xt=urn:btih:${trimmed}`);
  if (!/^https?:\/\//i.test(trimmed) || !URL.canParse(trimmed))
    return { ok: false, reason: "expected a magnet link or an http(s) URL of a .torrent file" };
  const signal = AbortSignal.timeout(timeoutMs);
  let current = trimmed;
  for (let hop = 0; hop < 5; hop++) {
    let res: Response;
    try {
      res = await fetch(current, { redirect: "manual", signal });
    } catch (error) {
      return { ok: false, reason: fetchFailure(error, timeoutMs), notTorrent: true };
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
      return { ok: false, reason: `fetching the .torrent answered HTTP ${res.status}`, notTorrent: true };
    }
    const length = Number(res.headers.get("content-length") ?? 0);
    if (length > MAX_TORRENT_BYTES) {
      await res.body?.cancel();
      return {
        ok: false,
        reason: "the link serves a file larger than 10 MB, not a .torrent",
        notTorrent: true,
      };
    }
    // A web page is a file host's page, not a .torrent (whatever it holds): no need to read it.
    if (/^text\/html/i.test(res.headers.get("content-type") ?? "")) {
      await res.body?.cancel();
      return { ok: false, reason: "the link answers a web page, not a .torrent", notTorrent: true };
    }
    try {
      const bytes = await readCapped(res, MAX_TORRENT_BYTES);
      if (bytes === null)
        return {
          ok: false,
          reason: "the link serves a file larger than 10 MB, not a .torrent",
          notTorrent: true,
        };
      const parsed = fromTorrentFile(bytes);
      return parsed.ok ? parsed : { ...parsed, notTorrent: true };
    } catch (error) {
      return { ok: false, reason: fetchFailure(error, timeoutMs), notTorrent: true };
    }
  }
  return { ok: false, reason: "too many redirects fetching the .torrent", notTorrent: true };
}

function fetchFailure(error: unknown, timeoutMs: number): string {
  const name = (error as Error)?.name;
  if (name === "TimeoutError" || name === "AbortError")
    return `fetching the .torrent took longer than ${Math.round(timeoutMs / 1000)} s`;
  return `could not fetch the .torrent: ${(error as Error)?.message ?? String(error)}`;
}

/** The body, chunk by chunk; null (and the stream cancelled) as soon as it passes `max` bytes. */
async function readCapped(res: Response, max: number): Promise<Uint8Array | null> {
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
