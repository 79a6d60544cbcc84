import type { Deps } from "../../deps.ts";
import { errorMessage } from "../../errors.ts";
import { DavReadError, directLink, linkCheckDue, markLinkChecked, reportDeadLink } from "./links.ts";
import type { DavFile, DavTorrent } from "./tree.ts";

/** The bytes asked for: [start, end], inclusive; `partial` when the client sent a Range. */
export interface ByteRange {
  start: number;
  end: number;
  partial: boolean;
}

/**
 * The one range of a `Range: bytes=…` header (RFC 9110), the whole file without one (or for a
 * multi-range request, which a server may answer whole), "unsatisfiable" past the end.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | "unsatisfiable" {
  const whole: ByteRange = { start: 0, end: size - 1, partial: false };
  if (!header) return whole;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return whole;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1, partial: true };
  }
  const start = Number(match[1]);
  const end = match[2] === "" ? size - 1 : Math.min(size - 1, Number(match[2]));
  if (start >= size || start > end) return "unsatisfiable";
  return { start, end, partial: true };
}

/** Answers of a download server that mean "this direct link no longer works". */
const LINK_GONE = new Set([401, 403, 404, 410]);
/** Times one read renews its link or reconnects before giving up. */
const MAX_RETRIES = 4;

type Reader = ReadableStreamDefaultReader<Uint8Array>;

/**
 * Opens [from, end] of the file at the provider: with the cached direct link, renewed when the
 * download server says it is gone (expired early); still gone after a fresh unrestrict = dead.
 * Also says which link answered. `forRedirect` as for directLink.
 */
async function openAt(
  deps: Deps,
  torrent: DavTorrent,
  file: DavFile,
  from: number,
  end: number,
  signal: AbortSignal,
  forRedirect = false,
): Promise<{ res: Response; url: string }> {
  let url = await directLink(deps, torrent, file, null, forRedirect);
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(url, { headers: { range: `bytes=${from}-${end}` }, redirect: "follow", signal });
    } catch (error) {
      if (signal.aborted || attempt >= MAX_RETRIES) throw error;
      url = await directLink(deps, torrent, file, url, forRedirect);
      continue;
    }
    if ((res.status === 206 || (res.status === 200 && from === 0)) && res.body) return { res, url };
    await res.body?.cancel();
    if (!LINK_GONE.has(res.status) || attempt >= 1) {
      if (LINK_GONE.has(res.status))
        reportDeadLink(deps, torrent, file, `the download server answers ${res.status} to a fresh link`);
      throw new DavReadError(502, `${torrent.provider}'s download server answered ${res.status}`);
    }
    url = await directLink(deps, torrent, file, url, forRedirect);
  }
}

/**
 * DAV_STREAM=redirect: where a GET is sent instead of streaming it, the provider's direct link,
 * renewed first when it is near its expiry (the client reads it on its own). A cached link not
 * seen working for a while (linkCheckDue) is tried first with a one-byte read, so a link that died
 * before its expiry is renewed, or found dead (a repair candidate), instead of handed out.
 */
export async function redirectTarget(
  deps: Deps,
  torrent: DavTorrent,
  file: DavFile,
  signal: AbortSignal,
): Promise<string> {
  const { counters } = deps.dav;
  let url = await directLink(deps, torrent, file, null, true);
  if (linkCheckDue(deps, torrent, file)) {
    counters.linkChecks++;
    const opened = await openAt(deps, torrent, file, 0, 0, signal, true);
    await opened.res.body?.cancel();
    url = opened.url;
    markLinkChecked(deps, torrent, file, url);
  }
  counters.redirects++;
  return url;
}

/**
 * The body of a read: pulled from the provider only as fast as the client reads (no buffering
 * beyond a chunk), reconnecting from the byte it reached when the provider's connection breaks or
 * ends early (a link that died on the way is unrestricted again by openAt), so the reader sees one
 * unbroken body. It gives up after MAX_RETRIES reconnections in a row that brought no byte.
 * `counters.openStreams` counts it from creation until it ends, fails or is cancelled.
 */
function resumableBody(
  deps: Deps,
  reopen: (from: number) => Promise<Reader>,
  first: Reader,
  range: ByteRange,
  abort: AbortController,
  clientGone: AbortSignal,
): ReadableStream<Uint8Array> {
  const { counters } = deps.dav;
  let reader = first;
  let position = range.start;
  let failures = 0;
  let open = true;
  counters.openStreams++;
  const finish = () => {
    if (!open) return;
    open = false;
    counters.openStreams--;
    clientGone.removeEventListener("abort", onClientGone);
    reader.cancel().catch(() => {});
  };
  // A client that leaves before its body is pulled (or between pulls) ends the read too.
  const onClientGone = () => {
    abort.abort();
    finish();
  };
  clientGone.addEventListener("abort", onClientGone, { once: true });
  if (clientGone.aborted) onClientGone();
  const resume = async (cause: unknown) => {
    if (++failures > MAX_RETRIES) throw cause;
    counters.resumes++;
    deps.log.info({ position, cause: errorMessage(cause) }, "WebDAV read resumes at the provider");
    reader.cancel().catch(() => {});
    reader = await reopen(position);
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!open) return controller.close();
        try {
          for (;;) {
            let chunk: Awaited<ReturnType<Reader["read"]>>;
            try {
              chunk = await reader.read();
            } catch (error) {
              if (abort.signal.aborted) return finish();
              await resume(error);
              continue;
            }
            if (!open) return;
            if (chunk.done) {
              if (position > range.end) break;
              await resume(new Error(`the provider's connection ended at byte ${position}`));
              continue;
            }
            let value = chunk.value;
            if (value.byteLength === 0) continue;
            if (position + value.byteLength > range.end + 1)
              value = value.subarray(0, range.end + 1 - position);
            position += value.byteLength;
            counters.bytesStreamed += value.byteLength;
            failures = 0;
            controller.enqueue(value);
            if (position <= range.end) return;
            break;
          }
          finish();
          controller.close();
        } catch (error) {
          finish();
          if (abort.signal.aborted) return;
          deps.log.warn({ error: errorMessage(error), position }, "WebDAV read stopped");
          controller.error(error);
        }
      },
      cancel() {
        abort.abort();
        finish();
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * Starts reading `range` of the file from its provider; the first bytes are on their way when it
 * returns. Every chunk goes through resumableBody (JavaScript): that costs CPU over passing the
 * provider's body straight through (BENCHMARKS.md, WebDAV), and buys a read that survives the
 * provider's connection breaking or its link expiring mid-way, which a plain reader (curl, a
 * player, cat on a mount) would otherwise see as a reset.
 */
export async function openDavRead(
  deps: Deps,
  torrent: DavTorrent,
  file: DavFile,
  range: ByteRange,
  signal: AbortSignal,
): Promise<ReadableStream<Uint8Array>> {
  if (file.bytes === 0) return new ReadableStream({ start: (c) => c.close() });
  const abort = new AbortController();
  const reopen = async (from: number) =>
    (
      (await openAt(deps, torrent, file, from, range.end, abort.signal)).res
        .body as ReadableStream<Uint8Array>
    ).getReader();
  const onAbort = () => abort.abort();
  signal.addEventListener("abort", onAbort, { once: true });
  let first: Reader;
  try {
    first = await reopen(range.start);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
  deps.dav.counters.reads++;
  return resumableBody(deps, reopen, first, range, abort, signal);
}
