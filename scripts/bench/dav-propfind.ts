/**
 * The PROPFIND part of `bun run bench dav` (scripts/bench/dav.ts calls it on its running Redriva):
 *
 * 1. PROPFIND /dav/__all__/ (Depth 1, every torrent): the first answer (the tree built from
 *    SQLite), then CLIENTS clients taking gzip as rclone does, and clients without gzip (p50/p95
 *    to the last byte received; unzipping is the client's own time, not timed).
 * 2. A library change (one torrent marked removed, written by this process to the same SQLite
 *    file, as a sync in another process would): the first PROPFIND after it (how long it waits),
 *    how long until a PROPFIND shows the change (staleness), and the latency of /health requested
 *    one after another all that time (does the rebuild hold up the server?).
 */
import { Database } from "bun:sqlite";
import { mb, percentile } from "./lib/process.ts";

const CLIENTS = 8;
const PROPFINDS = 48;

interface Target {
  base: string;
  authorization: string;
  dbPath: string;
}

interface Answer {
  ms: number;
  bytes: number;
  body: Uint8Array<ArrayBuffer>;
}

/** PROPFIND of __all__, timed to the last byte as the server sends it (gzip: as it is). */
async function propfind(target: Target, gzip: boolean): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(`${target.base}/dav/__all__/`, {
    method: "PROPFIND",
    headers: {
      authorization: target.authorization,
      depth: "1",
      "accept-encoding": gzip ? "gzip" : "identity",
    },
    decompress: false,
  } as RequestInit);
  const body = new Uint8Array(await res.arrayBuffer());
  if (res.status !== 207) throw new Error(`PROPFIND answered ${res.status}`);
  return { ms: performance.now() - started, bytes: body.byteLength, body };
}

async function concurrent(target: Target, gzip: boolean, requests: number): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next++ < requests) latencies.push((await propfind(target, gzip)).ms);
    }),
  );
  return latencies;
}

/** GET /health one after another until `stop()`: the latencies seen meanwhile. */
function healthProbe(target: Target): { stop(): Promise<number[]> } {
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const res = await fetch(`${target.base}/health`, { headers: { authorization: target.authorization } });
      await res.arrayBuffer();
      latencies.push(performance.now() - started);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return latencies;
    },
  };
}

/** Marks one listed torrent removed, in its own transaction (the server sees a new library version). */
function changeLibrary(dbPath: string): void {
  const db = new Database(dbPath);
  try {
    db.exec("PRAGMA busy_timeout = 10000");
    db.run(
      `UPDATE torrents SET removed_at = ? WHERE seq = (SELECT seq FROM torrents
        WHERE status = 'downloaded' AND removed_at IS NULL ORDER BY seq DESC LIMIT 1)`,
      [Date.now()],
    );
  } finally {
    db.close();
  }
}

const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

/** After a change: the first answer's wait, the time until one shows it, /health meanwhile. */
async function afterChange(target: Target, before: Uint8Array) {
  const probe = healthProbe(target);
  const changed = performance.now();
  changeLibrary(target.dbPath);
  const first = await propfind(target, true);
  let fresh = first;
  while (same(fresh.body, before)) {
    await Bun.sleep(20);
    fresh = await propfind(target, true);
  }
  const staleness = performance.now() - changed;
  const health = await probe.stop();
  return { first, firstWasStale: same(first.body, before), staleness, health };
}

/** Runs the PROPFIND measures: the table rows of BENCHMARKS.md, and the listing's XML size. */
export async function benchPropfind(target: Target): Promise<{ rows: string[]; xmlBytes: number }> {
  const first = await propfind(target, true);
  const xml = Bun.gunzipSync(first.body);
  const entries = (new TextDecoder().decode(xml).match(/<D:response>/g) ?? []).length - 1;
  const latencies = await concurrent(target, true, PROPFINDS);
  const plainFirst = await propfind(target, false);
  const plainLatencies = await concurrent(target, false, PROPFINDS / 2);
  console.error(`PROPFIND p95 ${percentile(latencies, 95).toFixed(1)} ms (gzip)`);
  const change = await afterChange(target, (await propfind(target, true)).body);
  const health = change.health;
  console.error(
    `after a change: first answer ${change.first.ms.toFixed(0)} ms, shown after ${change.staleness.toFixed(0)} ms, /health max ${Math.max(...health).toFixed(0)} ms`,
  );
  const rows = [
    `| PROPFIND /dav/__all__/ Depth 1, first answer (tree built from SQLite, rendered, gzipped), gzip client | ${first.ms.toFixed(0)} ms, ${entries.toLocaleString("en")} entries, ${mb(xml.byteLength)} of XML sent as ${mb(first.bytes)} | baseline 2026-12-02 09:23 (8c92034, client unzip timed): 3983 ms |`,
    `| PROPFIND /dav/__all__/ Depth 1, ${CLIENTS} clients × ${PROPFINDS} requests, gzip clients (rclone asks for gzip) | p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms | the listing rendered once per library version, sent as it is; goal well under 1 s |`,
    `| PROPFIND /dav/__all__/ Depth 1, clients without gzip: the first answer of a version (unzipped once), then ${CLIENTS} clients × ${PROPFINDS / 2} requests | first ${plainFirst.ms.toFixed(0)} ms; p50 ${percentile(plainLatencies, 50).toFixed(1)} ms, p95 ${percentile(plainLatencies, 95).toFixed(1)} ms (${mb(plainFirst.bytes)} each) | before 2026-12-02 (unzipped for every answer): p95 5.8 s |`,
    `| PROPFIND /dav/__all__/ after a library change (one torrent removed): the first answer | ${change.first.ms.toFixed(0)} ms, ${change.firstWasStale ? "the previous listing (rebuilt meanwhile)" : "already the new listing"} | before 2026-12-02 (tree rebuilt in the request, holding up the process): 3856 ms |`,
    `| The change shown by PROPFIND (staleness: from the write until an answer lists it) | ${change.staleness.toFixed(0)} ms | the tree rebuilt in a worker thread, from the first request after the change (a sync's end starts it at once) |`,
    `| /health requested one after another during that rebuild | ${health.length} requests, p50 ${percentile(health, 50).toFixed(1)} ms, p95 ${percentile(health, 95).toFixed(1)} ms, max ${Math.max(...health).toFixed(0)} ms | before: held up for the whole rebuild (seconds) |`,
  ];
  return { rows, xmlBytes: xml.byteLength };
}
