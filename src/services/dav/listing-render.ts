/**
 * The XML of PROPFIND answers (RFC 4918 multistatus), pure: used on the main thread for small
 * answers and by the tree worker for the big listings of the top folders.
 */

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

function xmlText(text: string): string {
  return text.replace(/[&<>]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export function hrefOf(segments: readonly string[], collection: boolean): string {
  const path = segments.map((s) => encodeURIComponent(s)).join("/");
  return `/dav/${path}${collection && path !== "" ? "/" : ""}`;
}

/** One resource of an answer. */
export interface Entry {
  segments: readonly string[];
  name: string;
  mtime: number;
  /** null for a collection. */
  file: { bytes: number; etag: string; type: string } | null;
}

const OK = "<D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>";

/** One <D:response>, compact (no whitespace between elements: listings hold 100,000 of them). */
export function responseXml(e: Entry): string {
  const common = `<D:displayname>${xmlText(e.name)}</D:displayname><D:getlastmodified>${new Date(e.mtime).toUTCString()}</D:getlastmodified>`;
  const props = e.file
    ? `<D:resourcetype/><D:getcontentlength>${e.file.bytes}</D:getcontentlength><D:getetag>${xmlText(e.file.etag)}</D:getetag><D:getcontenttype>${e.file.type}</D:getcontenttype>`
    : "<D:resourcetype><D:collection/></D:resourcetype>";
  return `<D:response><D:href>${xmlText(hrefOf(e.segments, e.file === null))}</D:href><D:propstat><D:prop>${common}${props}</D:prop>${OK}`;
}

export const MULTISTATUS_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n<D:multistatus xmlns:D="DAV:">';
export const MULTISTATUS_TAIL = "</D:multistatus>\n";

/**
 * A multistatus answer as UTF-8 bytes, encoded piece by piece: one string of 35 MB built from
 * 100,000 parts is a rope that takes seconds to flatten, small pieces encode at memory speed.
 */
export function renderBytes(entries: Iterable<Entry>): Uint8Array<ArrayBuffer> {
  const pieces: Buffer[] = [];
  let xml = MULTISTATUS_HEAD;
  for (const entry of entries) {
    xml += responseXml(entry);
    if (xml.length > 64 * 1024) {
      pieces.push(Buffer.from(xml));
      xml = "";
    }
  }
  pieces.push(Buffer.from(xml + MULTISTATUS_TAIL));
  return Buffer.concat(pieces) as Uint8Array<ArrayBuffer>;
}
