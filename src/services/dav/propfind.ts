import { gunzip } from "node:zlib";
import { contentTypeOf, type Entry, renderBytes } from "./listing-render.ts";
import {
  ALL_FOLDER,
  type DavDir,
  type DavFile,
  type DavListing,
  type DavNode,
  type DavTorrent,
} from "./tree.ts";

/** PROPFIND answers (RFC 4918 multistatus) from the tree: SQLite and memory only, no provider call. */

export { contentTypeOf } from "./listing-render.ts";

export function etagOf(torrent: DavTorrent, file: DavFile): string {
  return `"${torrent.provider}-${torrent.id}-${file.fileId}-${file.bytes}"`;
}

function childOf(node: DavDir | DavFile, torrent: DavTorrent, segments: readonly string[]): Entry {
  const at = [...segments, node.name];
  if (node.kind === "dir") return { segments: at, name: node.name, mtime: torrent.mtime, file: null };
  return {
    segments: at,
    name: node.name,
    mtime: torrent.mtime,
    file: { bytes: node.bytes, etag: etagOf(torrent, node), type: contentTypeOf(node.name) },
  };
}

/** The entries of every answer but a top folder's Depth 1 (rendered with the snapshot). */
function* entries(node: DavNode, segments: readonly string[], depth: 0 | 1): Generator<Entry> {
  switch (node.kind) {
    case "top": {
      const all = node.roots.find((r) => r.name === ALL_FOLDER);
      yield { segments, name: "dav", mtime: all?.newest ?? 0, file: null };
      if (depth === 1)
        for (const root of node.roots)
          yield { segments: [root.name], name: root.name, mtime: root.newest, file: null };
      return;
    }
    case "root":
      yield { segments, name: node.root.name, mtime: node.root.newest, file: null };
      return;
    case "dir": {
      yield { segments, name: node.dir.name, mtime: node.torrent.mtime, file: null };
      if (depth === 1)
        for (const child of node.dir.children.values()) yield childOf(child, node.torrent, segments);
      return;
    }
    case "file":
      yield childOf(node.file, node.torrent, segments.slice(0, -1));
  }
}

/** A PROPFIND answer's body: gzip when the client takes it (rclone does: Go asks for it). */
export interface PropfindBody {
  body: Blob | Uint8Array | string;
  gzip: boolean;
}

/** `Accept-Encoding` allows gzip (and does not refuse it with q=0). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(",").some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(";");
    if (coding !== "gzip" && coding !== "*") return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/**
 * The listing unzipped, once per snapshot and kept for the next clients without gzip: sending
 * one buffer costs little, unzipping 35 MB for each answer cost seconds. Unzipped by zlib's own
 * thread (node:zlib), so the server's thread goes on meanwhile.
 */
function plainOf(listing: DavListing): Promise<Blob> {
  listing.plain ??= listing.gzip
    .bytes()
    .then(
      (gzip) =>
        new Promise<Blob>((resolve, reject) =>
          gunzip(gzip, (error, out) => (error ? reject(error) : resolve(new Blob([out])))),
        ),
    )
    .catch((error: unknown) => {
      listing.plain = null; // tried again by the next request
      throw error;
    });
  return listing.plain;
}

/**
 * The multistatus body for `node` at `segments`. A top folder's Depth 1 listing (up to every
 * torrent of the library, ~35 MB of XML for 100,000) comes rendered and gzipped (~10× smaller)
 * with the snapshot, off the server's thread: sent as it is to clients that take gzip, unzipped
 * once for the others.
 */
export async function propfindBody(
  node: DavNode,
  segments: readonly string[],
  depth: 0 | 1,
  gzipOk: boolean,
): Promise<PropfindBody> {
  if (depth === 0 || node.kind !== "root")
    return { body: renderBytes(entries(node, segments, depth)), gzip: false };
  const { listing } = node.root;
  if (gzipOk) return { body: listing.gzip, gzip: true };
  return { body: await plainOf(listing), gzip: false };
}
