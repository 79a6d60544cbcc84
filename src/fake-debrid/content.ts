import type { IncomingMessage, ServerResponse } from "node:http";
import { createRandom } from "./random.ts";

/**
 * Deterministic file content served by the fake's download links. Byte i of a file keyed `key`
 * is PATTERN[(i + offset(key)) % PATTERN.length]: any range can be produced (and checked) without
 * storing the file, at memory speed.
 */
const PATTERN_SIZE = 1 << 20;
const PATTERN = (() => {
  const random = createRandom(0x5eed);
  const buf = new Uint8Array(PATTERN_SIZE);
  for (let i = 0; i < PATTERN_SIZE; i++) buf[i] = Math.floor(random.next() * 256);
  return buf;
})();

export function contentOffset(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return (h >>> 0) % PATTERN_SIZE;
}

/** The bytes [start, end) of file `key` (tests compare downloaded files with this). */
export function contentSlice(key: string, start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start);
  const base = contentOffset(key);
  let written = 0;
  while (written < out.length) {
    const pos = (base + start + written) % PATTERN_SIZE;
    const n = Math.min(PATTERN_SIZE - pos, out.length - written);
    out.set(PATTERN.subarray(pos, pos + n), written);
    written += n;
  }
  return out;
}

/** SHA-256 hex of a whole fake file, computed in chunks. */
export function contentSha256(key: string, size: number): string {
  const hasher = new Bun.CryptoHasher("sha256");
  const chunk = 8 << 20;
  for (let start = 0; start < size; start += chunk)
    hasher.update(contentSlice(key, start, Math.min(size, start + chunk)));
  return hasher.digest("hex");
}

/**
 * Streams [start, end] of a file with HTTP Range support (206 + Content-Range), respecting
 * backpressure, optionally throttled to `bytesPerSecond`. A link that expires while it streams cuts
 * the connection there (`expired`), as a CDN does when a signed URL runs out; `cutAfterBytes` cuts
 * every connection once it has sent that much (a flaky CDN, the link still valid).
 */
export function serveContent(
  req: IncomingMessage,
  res: ServerResponse,
  file: { key: string; size: number; name: string },
  options: {
    bytesPerSecond?: number;
    expired?: () => boolean;
    cutAfterBytes?: number;
    content?: Uint8Array;
  } = {},
): void {
  let start = 0;
  let end = file.size - 1;
  const range = req.headers.range;
  if (range) {
    const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    if (!match || (match[1] === "" && match[2] === "")) {
      res.writeHead(416, { "Content-Range": `bytes */${file.size}` }).end();
      return;
    }
    if (match[1] === "") {
      start = Math.max(0, file.size - Number(match[2]));
    } else {
      start = Number(match[1]);
      if (match[2] !== "") end = Math.min(end, Number(match[2]));
    }
    if (start >= file.size || start > end) {
      res.writeHead(416, { "Content-Range": `bytes */${file.size}` }).end();
      return;
    }
  }
  const length = end - start + 1;
  const headers: Record<string, string | number> = {
    "Content-Type": "application/octet-stream",
    "Content-Length": length,
    "Accept-Ranges": "bytes",
    "Content-Disposition": `attachment; filename="${encodeURIComponent(file.name)}"`,
  };
  if (range) headers["Content-Range"] = `bytes ${start}-${end}/${file.size}`;
  res.writeHead(range ? 206 : 200, headers);
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  const chunkSize = 256 * 1024;
  const base = contentOffset(file.key);
  let position = start;
  const started = Date.now();
  const pump = () => {
    while (position <= end) {
      if (options.expired?.() || (options.cutAfterBytes && position - start >= options.cutAfterBytes)) {
        res.destroy();
        return;
      }
      if (options.bytesPerSecond) {
        const allowed = ((Date.now() - started) / 1000) * options.bytesPerSecond;
        if (position - start > allowed) {
          setTimeout(pump, 20);
          return;
        }
      }
      // A view of the pattern itself (never written to): no copy per chunk, so the fake serves
      // at memory speed and benchmarks measure the reader, not the fake.
      const at = (base + position) % PATTERN_SIZE;
      const next = options.content
        ? Math.min(end + 1, position + chunkSize)
        : Math.min(end + 1, position + chunkSize, position + (PATTERN_SIZE - at));
      const ok = res.write(
        options.content
          ? options.content.subarray(position, next)
          : PATTERN.subarray(at, at + (next - position)),
      );
      position = next;
      if (!ok) {
        res.once("drain", pump);
        return;
      }
    }
    res.end();
  };
  res.on("error", () => {});
  pump();
}
