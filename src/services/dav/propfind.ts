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

function responseXml(e: Entry): string {
  const common = `<D:displayname>${xmlText(e.name)}</D:displayname><D:getlastmodified>${new Date(e.mtime).toUTCString()}</D:getlastmodified>`;
  const props = e.file
    ? `<D:resourcetype/><D:getcontentlength>${e.file.bytes}</D:getcontentlength><D:getetag>${xmlText(e.file.etag)}</D:getetag><D:getcontenttype>${e.file.type}</D:getcontenttype>`
    : "<D:resourcetype><D:collection/></D:resourcetype>";
  return `<D:response><D:href>${xmlText(hrefOf(e.segments, e.file === null))}</D:href><D:propstat><D:prop>${common}${props}</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>\n`;
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

function render(node: DavNode, segments: readonly string[], depth: 0 | 1): Uint8Array {
  const parts = ['<?xml version="1.0" encoding="utf-8"?>\n<D:multistatus xmlns:D="DAV:">\n'];
  for (const entry of entries(node, segments, depth)) parts.push(responseXml(entry));
  parts.push("</D:multistatus>\n");
  return new TextEncoder().encode(parts.join(""));
}

/**
 * The multistatus body for `node` at `segments`. Listings of the top folders (up to every torrent
 * of the library) are rendered once per library version.
 */
export function propfindBody(
  deps: Deps,
  node: DavNode,
  segments: readonly string[],
  depth: 0 | 1,
): Uint8Array {
  if (depth === 0 || (node.kind !== "root" && node.kind !== "top")) return render(node, segments, depth);
  const version = davSnapshot(deps).version;
  const key = segments.join("/");
  const cached = deps.dav.listings.get(key);
  if (cached && cached.version === version) return cached.body;
  const body = render(node, segments, depth);
  for (const [k, v] of deps.dav.listings) if (v.version !== version) deps.dav.listings.delete(k);
  deps.dav.listings.set(key, { version, body });
  return body;
}
