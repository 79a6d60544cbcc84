import type { Deps } from "../../deps.ts";
import { ALL_FOLDER, type DavDir, type DavFile, type DavNode, type DavTorrent, davSnapshot } from "./tree.ts";

/** PROPFIND answers (RFC 4918 multistatus) from the tree: SQLite and memory only, no provider call. */

const CONTENT_TYPES: Record<string, string> = {
  mkv: "video/x-matroska",
  mp4: "video/mp4",
  m4v: "video/mp4",
  avi: "video/x-msvideo",
  webm: "video/webm",
  ts: "video/mp2t",
  srt: "application/x-subrip",
  nfo: "text/plain",
  txt: "text/plain",
  jpg: "image/jpeg",
  png: "image/png",
};

export function contentTypeOf(name: string): string {
  const ext = name.slice(name.lastIndexOf(".") + 1).toLowerCase();
  return CONTENT_TYPES[ext] ?? "application/octet-stream";
}

export function etagOf(torrent: DavTorrent, file: DavFile): string {
  return `"${torrent.provider}-${torrent.id}-${file.fileId}-${file.bytes}"`;
}

function xmlText(text: string): string {
  return text.replace(/[&<>]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export function hrefOf(segments: readonly string[], collection: boolean): string {
  const path = segments.map((s) => encodeURIComponent(s)).join("/");
  return `/dav/${path}${collection && path !== "" ? "/" : ""}`;
}

interface Entry {
  segments: readonly string[];
  name: string;
  mtime: number;
  /** null for a collection. */
  file: { bytes: number; etag: string; type: string } | null;
}

const OK = "<D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>";

/** One <D:response>, compact (no whitespace between elements: listings hold 100,000 of them). */
function responseXml(e: Entry): string {
  const common = `<D:displayname>${xmlText(e.name)}</D:displayname><D:getlastmodified>${new Date(e.mtime).toUTCString()}</D:getlastmodified>`;
  const props = e.file
    ? `<D:resourcetype/><D:getcontentlength>${e.file.bytes}</D:getcontentlength><D:getetag>${xmlText(e.file.etag)}</D:getetag><D:getcontenttype>${e.file.type}</D:getcontenttype>`
    : "<D:resourcetype><D:collection/></D:resourcetype>";
  return `<D:response><D:href>${xmlText(hrefOf(e.segments, e.file === null))}</D:href><D:propstat><D:prop>${common}${props}</D:prop>${OK}`;
}

function newest(torrents: readonly DavTorrent[]): number {
  let max = 0;
  for (const t of torrents) if (t.mtime > max) max = t.mtime;
  return max;
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

function* entries(node: DavNode, segments: readonly string[], depth: 0 | 1): Generator<Entry> {
  switch (node.kind) {
    case "top": {
      yield {
        segments,
        name: "dav",
        mtime: newest(node.roots.find((r) => r.name === ALL_FOLDER)?.torrents ?? []),
        file: null,
      };
      if (depth === 1)
        for (const root of node.roots)
          yield { segments: [root.name], name: root.name, mtime: newest(root.torrents), file: null };
      return;
    }
    case "root": {
      yield { segments, name: node.root.name, mtime: newest(node.root.torrents), file: null };
      if (depth === 1)
        for (const t of node.root.torrents)
          yield { segments: [...segments, t.name], name: t.name, mtime: t.mtime, file: null };
      return;
    }
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

const HEAD = '<?xml version="1.0" encoding="utf-8"?>\n<D:multistatus xmlns:D="DAV:">';
const TAIL = "</D:multistatus>\n";

function render(node: DavNode, segments: readonly string[], depth: 0 | 1): string {
  let xml = HEAD;
  for (const entry of entries(node, segments, depth)) xml += responseXml(entry);
  return xml + TAIL;
}

/** Lets the event loop run (streams, other requests) between pieces of a long render. */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The same as UTF-8 bytes, encoded piece by piece: one string of 35 MB built from 100,000 parts is
 * a rope that takes seconds to flatten, small pieces encode at memory speed. It yields to the event
 * loop between pieces, so a big listing never holds up the streams being read meanwhile.
 */
async function renderBytes(
  node: DavNode,
  segments: readonly string[],
  depth: 0 | 1,
): Promise<Uint8Array<ArrayBuffer>> {
  const pieces: Buffer[] = [];
  let xml = HEAD;
  for (const entry of entries(node, segments, depth)) {
    xml += responseXml(entry);
    if (xml.length > 64 * 1024) {
      pieces.push(Buffer.from(xml));
      xml = "";
      await breathe();
    }
  }
  pieces.push(Buffer.from(xml + TAIL));
  return Buffer.concat(pieces) as Uint8Array<ArrayBuffer>;
}

/** A PROPFIND answer's body: gzip when the client takes it (rclone does: Go asks for it). */
export interface PropfindBody {
  body: Uint8Array | string;
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

type Listing = { version: string; gzip: Uint8Array<ArrayBuffer>; xmlBytes: number };

/** The listing of a top folder at `version`: cached, being built (shared), or built now. */
function listing(deps: Deps, node: DavNode, segments: readonly string[], version: string): Promise<Listing> {
  const key = segments.join("/");
  const { listings, listingBuilds } = deps.dav;
  const cached = listings.get(key);
  if (cached?.version === version) return Promise.resolve(cached);
  const buildKey = `${key}\u0000${version}`;
  let build = listingBuilds.get(buildKey);
  if (!build) {
    build = (async () => {
      const xml = await renderBytes(node, segments, 1);
      const built = { version, gzip: Bun.gzipSync(xml, { level: 4 }), xmlBytes: xml.byteLength };
      // Kept only while it is the library's version (a sync may have moved it on meanwhile).
      if (davSnapshot(deps).version === version) {
        for (const [k, v] of listings) if (v.version !== version) listings.delete(k);
        listings.set(key, built);
      }
      return built;
    })().finally(() => listingBuilds.delete(buildKey));
    listingBuilds.set(buildKey, build);
  }
  return build;
}

/**
 * The multistatus body for `node` at `segments`. Listings of the top folders (up to every torrent
 * of the library, ~35 MB of XML for 100,000) are rendered once per library version (by one request,
 * the others at the same time waiting for it) and kept gzipped (~10× smaller): sent as they are to
 * clients that take gzip, unzipped for the others.
 */
export async function propfindBody(
  deps: Deps,
  node: DavNode,
  segments: readonly string[],
  depth: 0 | 1,
  gzipOk: boolean,
): Promise<PropfindBody> {
  if (depth === 0 || (node.kind !== "root" && node.kind !== "top"))
    return { body: render(node, segments, depth), gzip: false };
  const { gzip } = await listing(deps, node, segments, davSnapshot(deps).version);
  if (gzipOk) return { body: gzip, gzip: true };
  // Unzipped at once: a DecompressionStream (small chunks through JavaScript) was several times
  // slower for 8 clients without gzip in bench dav.
  return { body: Bun.gunzipSync(gzip), gzip: false };
}
