import { describe, expect, test } from "bun:test";
import { buildTorrentFile, parseTorrentFile } from "../../../src/domain/torrent-file.ts";
import { waitFor } from "../../helpers/downloads.ts";
import { startQbitServer } from "../../helpers/qbit-server.ts";

const MB = 1024 * 1024;

/**
 * Issue 12 §9: an indexer controls a .torrent URL. A body without Content-Length is read as a
 * stream and dropped past 10 MB; a body that never ends is dropped at the timeout.
 */
function startIndexer() {
  const sent = { endless: 0, cancelled: false };
  const small = buildTorrentFile("Chunked.Show.S01E01", [{ path: "Chunked.Show.S01E01.mkv", length: 7000 }]);
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: 0,
    fetch(req) {
      const path = new URL(req.url).pathname;
      if (path === "/endless.torrent") {
        // Chunked, no Content-Length, 64 KB at a time for as long as the reader pulls (100 MB).
        const chunk = new Uint8Array(64 * 1024).fill(0x61);
        return new Response(
          new ReadableStream({
            pull(controller) {
              if (sent.endless >= 100 * MB) return controller.close();
              sent.endless += chunk.byteLength;
              controller.enqueue(chunk);
            },
            cancel() {
              sent.cancelled = true;
            },
          }),
        );
      }
      if (path === "/stalls.torrent") {
        // Chunked: a few bytes, then nothing ever again.
        return new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode("d8:announce"));
            },
          }),
        );
      }
      if (path === "/chunked-ok.torrent") {
        // A valid small .torrent, chunked: still accepted.
        return new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(small.subarray(0, 10));
              controller.enqueue(small.subarray(10));
              controller.close();
            },
          }),
        );
      }
      return new Response("no", { status: 404 });
    },
  });
  return { server, sent, small, base: `http://127.0.0.1:${server.port}` };
}

describe(".torrent URLs from an indexer", () => {
  test("a chunked body without Content-Length is dropped past 10 MB, not read whole", async () => {
    await using s = startQbitServer();
    const indexer = startIndexer();
    try {
      const res = await s.sonarr.call("POST", "torrents/add", {
        form: { urls: `${indexer.base}/endless.torrent` },
      });
      expect(await res.text()).toBe("Fails.");
      await waitFor(() => indexer.sent.cancelled, { what: "the indexer's stream to be cancelled" });
      // Past the 10 MB cap, loopback socket buffers and the fetch's read-ahead keep taking bytes until the
      // cancel lands (21.8 MB seen on a loaded machine); reading the body whole would pull all 100 MB.
      expect(indexer.sent.endless).toBeLessThan(40 * MB);
      expect(await (await s.sonarr.call("GET", "torrents/count")).text()).toBe("0");
      const ok = await s.sonarr.call("POST", "torrents/add", {
        form: { urls: `${indexer.base}/chunked-ok.torrent` },
      });
      expect(await ok.text()).toBe("Ok.");
      const [t] = (await (await s.sonarr.call("GET", "torrents/info")).json()) as Array<{ hash: string }>;
      expect(t?.hash).toBe(parseTorrentFile(indexer.small)?.hash as string);
    } finally {
      await indexer.server.stop(true);
    }
  });

  test("a body that stops coming is dropped at DOWNLOAD_TORRENT_URL_TIMEOUT_MS", async () => {
    await using s = startQbitServer({ DOWNLOAD_TORRENT_URL_TIMEOUT_MS: "1500" });
    const indexer = startIndexer();
    try {
      const res = await s.sonarr.call("POST", "torrents/add", {
        form: { urls: `${indexer.base}/stalls.torrent` },
      });
      expect(await res.text()).toBe("Fails.");
      expect(await (await s.sonarr.call("GET", "torrents/count")).text()).toBe("0");
    } finally {
      await indexer.server.stop(true);
    }
  });
});
