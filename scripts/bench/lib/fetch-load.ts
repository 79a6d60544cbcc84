/**
 * A closed-loop HTTP load generator on Bun's native client: `connections` loops send GET `url`
 * back to back for `seconds`; prints {p50, p99, rps, errors} as JSON. Used beside autocannon,
 * whose JavaScript response parser, not the server, limits it on large incompressible bodies.
 *
 *   bun scripts/bench/lib/fetch-load.ts <url> <connections> <seconds> '<headers JSON>'
 */
const [url, connections, seconds, headersJson] = process.argv.slice(2);
if (!url) throw new Error("usage: fetch-load.ts <url> <connections> <seconds> '<headers JSON>'");
const headers = JSON.parse(headersJson ?? "{}") as Record<string, string>;
const times: number[] = [];
let errors = 0;
const end = performance.now() + Number(seconds ?? 10) * 1000;
await Promise.all(
  Array.from({ length: Number(connections ?? 8) }, async () => {
    while (performance.now() < end) {
      const started = performance.now();
      // decompress: false — count the bytes as sent, like a client that inflates later.
      const res = await fetch(url, { headers, decompress: false } as RequestInit);
      await res.arrayBuffer();
      if (res.status !== 200) errors++;
      times.push(performance.now() - started);
    }
  }),
);
times.sort((a, b) => a - b);
const at = (p: number) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)] ?? 0;
console.log(JSON.stringify({ p50: at(50), p99: at(99), rps: times.length / Number(seconds ?? 10), errors }));

export {};
