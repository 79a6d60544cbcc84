import type { Deps } from "../../deps.ts";
import { errorMessage } from "../../errors.ts";
import { DavReadError } from "./links.ts";
import { acceptsGzip, contentTypeOf, etagOf, propfindBody } from "./propfind.ts";
import { openDavRead, parseRange, redirectTarget } from "./stream.ts";
import { type DavNode, resolveDavPath } from "./tree.ts";

/**
 * The read-only WebDAV server of the library (class 1: OPTIONS, PROPFIND depth 0/1, GET, HEAD)
 * under /dav/: __all__/<torrent>/<file path>, the DAV_FOLDERS folders, and one folder per
 * provider when several are configured. The tree comes from SQLite; only reads call the provider.
 */

/** A WebDAV answer for the handler to send as it is. */
export interface DavAnswer {
  status: number;
  headers: Record<string, string>;
  body: ReadableStream<Uint8Array> | Blob | Uint8Array | string | null;
}

export const DAV_METHODS = "OPTIONS, PROPFIND, GET, HEAD";

const text = (status: number, message: string, headers: Record<string, string> = {}): DavAnswer => ({
  status,
  headers: { "content-type": "text/plain; charset=utf-8", ...headers },
  body: `${message}\n`,
});

/** `/dav/a%20b/c` → ["a b", "c"]; null when a segment is not valid percent-encoding or climbs up. */
export function davSegments(pathname: string): string[] | null {
  const rest = pathname.replace(/^\/dav\/?/, "");
  const segments: string[] = [];
  for (const raw of rest.split("/")) {
    if (raw === "") continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment === "." || segment === ".." || segment.includes("/")) return null;
    segments.push(segment);
  }
  return segments;
}

function notFound(): DavAnswer {
  return text(404, "Not found in the library (it may have been removed since)");
}

/** PROPFIND with Depth 0 or 1; infinity (or no Depth header, which means it) is refused (RFC 4918 §9.1). */
export async function davPropfind(
  deps: Deps,
  segments: readonly string[],
  depthHeader: string | undefined,
  acceptEncoding?: string,
): Promise<DavAnswer> {
  const depth = (depthHeader ?? "infinity").trim().toLowerCase();
  if (depth !== "0" && depth !== "1") {
    return {
      status: 403,
      headers: { "content-type": 'application/xml; charset="utf-8"' },
      body: '<?xml version="1.0" encoding="utf-8"?>\n<D:error xmlns:D="DAV:"><D:propfind-finite-depth/></D:error>\n',
    };
  }
  const node = await resolveDavPath(deps, segments);
  if (!node) return notFound();
  const { body, gzip } = await propfindBody(
    node,
    segments,
    depth === "0" ? 0 : 1,
    acceptsGzip(acceptEncoding),
  );
  const headers: Record<string, string> = {
    "content-type": 'application/xml; charset="utf-8"',
    vary: "accept-encoding",
  };
  if (gzip) headers["content-encoding"] = "gzip";
  return { status: 207, headers, body };
}

type FileNode = Extract<DavNode, { kind: "file" }>;

function fileHeaders(node: FileNode): Record<string, string> {
  return {
    "accept-ranges": "bytes",
    "content-type": contentTypeOf(node.file.name),
    etag: etagOf(node.torrent, node.file),
    "last-modified": new Date(node.torrent.mtime).toUTCString(),
  };
}

/**
 * GET and HEAD of a file. HEAD (and a collection) answers from SQLite; GET streams the range from
 * the provider. `signal` ends the read when the client goes away.
 */
export async function davRead(
  deps: Deps,
  segments: readonly string[],
  request: { method: "GET" | "HEAD"; range: string | undefined; signal: AbortSignal },
): Promise<DavAnswer> {
  const node = await resolveDavPath(deps, segments);
  if (!node) return notFound();
  if (node.kind !== "file") {
    return text(200, "A WebDAV folder of Redriva's library: mount /dav/ with rclone (README, WebDAV).");
  }
  const size = node.file.bytes;
  const range = parseRange(request.range, size);
  if (range === "unsatisfiable")
    return text(416, "Range not satisfiable", { "content-range": `bytes */${size}` });
  const headers: Record<string, string> = {
    ...fileHeaders(node),
    "content-length": String(size === 0 ? 0 : range.end - range.start + 1),
  };
  if (range.partial) headers["content-range"] = `bytes ${range.start}-${range.end}/${size}`;
  const status = range.partial ? 206 : 200;
  if (request.method === "HEAD") return { status, headers, body: null };
  try {
    if (deps.config.dav.stream === "redirect" && size > 0) {
      // The client asks the provider itself, with its Range (Go's client, so rclone, keeps it).
      const location = await redirectTarget(deps, node.torrent, node.file, request.signal);
      return { status: 302, headers: { location, "cache-control": "no-store" }, body: null };
    }
    return { status, headers, body: await openDavRead(deps, node.torrent, node.file, range, request.signal) };
  } catch (error) {
    if (error instanceof DavReadError) {
      const retry: Record<string, string> =
        error.retryAfterSeconds === null ? {} : { "retry-after": String(error.retryAfterSeconds) };
      return text(error.status, error.message, retry);
    }
    return text(502, `The provider's download server could not be read: ${errorMessage(error)}`);
  }
}
