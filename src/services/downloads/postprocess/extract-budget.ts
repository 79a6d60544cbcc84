import { formatBytes } from "../../../lib/format.ts";
import type { StepContext } from "../post-download/step.ts";

/** Ahead of every download waiting in the queue: the extraction finishes what is already there. */
const EXTRACTION_PRIORITY = 1e15;

/**
 * Extraction writes as much as the archive unpacks to, so it counts against the size-aware
 * queue like a download of that size (src/downloader/queue.ts: on a hard disk a big one runs
 * alone) and starts only when the disk has the unpacked size + DOWNLOAD_MIN_FREE_SPACE free
 * besides what other extractions reserved; downloads then see that reservation as taken.
 * Resolves with the function that gives both back.
 */
export function reserveForExtraction(ctx: StepContext, bytes: number): Promise<() => void> {
  const { deps, engine, torrent, signal } = ctx;
  const id = `extract:${torrent.hash}`;
  const reserved = deps.downloads.reservedBytes;
  const folder = torrent.save_path;
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      engine.queue.cancel(id);
      reserved.delete(torrent.hash);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    engine.queue.enqueue({
      id,
      size: bytes,
      priority: EXTRACTION_PRIORITY,
      async hasSpace() {
        const others = [...reserved.entries()].reduce((n, [h, b]) => (h === torrent.hash ? n : n + b), 0);
        const free = (await engine.space(folder)).free - others;
        const need = bytes + deps.config.downloads.minFreeSpace;
        if (free >= need) return true;
        ctx.progress(
          0,
          `Waiting for disk space to extract: ${formatBytes(free)} free in ${folder}, the archives unpack to ${formatBytes(bytes)} (+ DOWNLOAD_MIN_FREE_SPACE)`,
        );
        return false;
      },
      async start() {
        signal.removeEventListener("abort", onAbort);
        if (signal.aborted) {
          reject(signal.reason);
          return false;
        }
        reserved.set(torrent.hash, bytes);
        resolve(() => {
          reserved.delete(torrent.hash);
          engine.queue.release(id);
        });
        return true;
      },
    });
  });
}
