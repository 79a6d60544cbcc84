/**
 * `bun run bench dav`: the WebDAV server (/dav/) of a 100,000-torrent library.
 *
 * 1. Seeds a database with 100,000 torrents (the fake server's generator, scripts/bench/lib/
 *    seed-library.ts) and starts the fake debrid server here over the same generated library, so
 *    every restricted link of the database unrestricts. One downloaded file is made 4 GB (and one
 *    1 GB) in both; the fake generates their bytes without storing them.
 * 2. Starts the real server (`bun src/main.ts`, login configured, jobs off) as a separate process.
 * 3. PROPFIND /dav/__all__/ (Depth 1, 100,000 entries), its first answer, clients with and without
 *    gzip, and the first answers after a library change (scripts/bench/dav-propfind.ts).
 * 4. Throughput: curl of the fake's direct link, of a minimal Bun proxy (the ceiling of any proxy
 *    in Bun), through /dav streamed by Redriva (DAV_STREAM=proxy) and through /dav redirected to
 *    the direct link (DAV_STREAM=redirect, a second Redriva process on a copy of the database,
 *    curl -L), 4 GB each, for ROUNDS rounds, each contender between two curls of the direct link
 *    (its ratio to their mean; the median over the rounds reported); then Redriva's CPU per GB in
 *    each mode.
 * 5. Redriva's resident memory (sampled every 100 ms) while streaming 1 GB and 4 GB.
 * 6. 1,000 file opens (64 KB range reads) over 100 files: unrestrict requests counted at the fake.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../src/db/client.ts";
import { startFakeDebrid } from "../../src/fake-debrid/index.ts";
import type { FakeFile, FakeTorrent } from "../../src/fake-debrid/library.ts";
import { benchPropfind } from "./dav-propfind.ts";
import { currentRss, mb } from "./lib/process.ts";
import { BENCH_CREDS, startRedriva } from "./lib/redriva-process.ts";
import { seedLibraryDb } from "./lib/seed-library.ts";

/** Torrents in the library; DAV_BENCH_TORRENTS makes a quick smoke run of the script itself. */
const SIZE = Number(process.env.DAV_BENCH_TORRENTS ?? 100_000);
/** Alternating rounds of direct link vs /dav for the 4 GB file. */
const ROUNDS = 3;
const GB = 1024 ** 3;
const AUTH = `Basic ${Buffer.from(`${BENCH_CREDS.username}:${BENCH_CREDS.password}`).toString("base64")}`;

interface Picked {
  torrent: FakeTorrent;
  file: FakeFile;
}

function davPath({ torrent, file }: Picked): string {
  const segments = [torrent.filename, ...file.path.split("/").filter((s) => s !== "")];
  return `/dav/__all__/${segments.map(encodeURIComponent).join("/")}`;
}

/** Plain, unique names (hostile ones are renamed in /dav/, duplicates get their id). */
function plainSingleFiles(torrents: FakeTorrent[]): Picked[] {
  const count = new Map<string, number>();
  for (const t of torrents)
    count.set(t.filename.toLowerCase(), (count.get(t.filename.toLowerCase()) ?? 0) + 1);
  return torrents
    .filter((t) => t.status === "downloaded" && count.get(t.filename.toLowerCase()) === 1)
    .filter((t) => /^[A-Za-z0-9.-]+$/.test(t.filename) && t.filename.length < 200)
    .map((t) => ({ torrent: t, file: t.files.filter((f) => f.selected)[0] as FakeFile }))
    .filter((p) => p.file && !/[^A-Za-z0-9./-]/.test(p.file.path));
}

interface Timed {
  seconds: number;
  bytes: number;
  peakRss: number;
}

const mbps = (r: { seconds: number; bytes: number }) => r.bytes / 1024 / 1024 / r.seconds;

/** User + system CPU seconds a process has used so far. */
function processCpuSeconds(pid: number): number {
  const fields = (readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1] ?? "").split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** curl to /dev/null: seconds, and the peak RSS of `pid` sampled meanwhile. */
async function curlTimed(args: string[], pid?: number): Promise<Timed> {
  let peak = 0;
  const timer = pid
    ? setInterval(() => {
        peak = Math.max(peak, currentRss(pid) ?? 0);
      }, 100)
    : null;
  const started = performance.now();
  const proc = Bun.spawn(["curl", "-sS", "-o", "/dev/null", "-w", "%{size_download}", ...args], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const out = await new Response(proc.stdout).text();
  const code = await proc.exited;
  if (timer) clearInterval(timer);
  if (code !== 0) throw new Error(`curl failed (${code}): ${await new Response(proc.stderr).text()}`);
  return { seconds: (performance.now() - started) / 1000, bytes: Number(out), peakRss: peak };
}

/**
 * The ceiling of any Bun proxy: Bun.serve passing fetch's body of `upstream` straight through (no
 * JavaScript per chunk, no auth, no range handling), as its own process like Redriva.
 */
async function startPassthroughProxy(upstream: string): Promise<{ proc: Bun.Subprocess; url: string }> {
  const code = `const s = Bun.serve({ port: 0, hostname: "127.0.0.1", idleTimeout: 0,
    async fetch(req) { const r = await fetch(process.env.UPSTREAM, { signal: req.signal }); return new Response(r.body, { status: r.status }); } });
  console.log(s.port);`;
  const proc = Bun.spawn(["bun", "-e", code], {
    env: { ...process.env, UPSTREAM: upstream },
    stdout: "pipe",
    stderr: "inherit",
  });
  const reader = (proc.stdout as ReadableStream<Uint8Array>).getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  const port = Number(new TextDecoder().decode(value).trim());
  if (!port) throw new Error("the minimal proxy did not start");
  return { proc, url: `http://127.0.0.1:${port}/` };
}

export async function run(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "redriva-bench-dav-"));
  const fake = await startFakeDebrid({
    rateLimit: 1_000_000,
    library: { size: SIZE, seed: 99, hostileNames: true },
  });
  try {
    const dbPath = join(dir, "redriva.db");
    console.error(`seeding ${SIZE.toLocaleString("en")} torrents…`);
    seedLibraryDb(dbPath, SIZE);
    const candidates = plainSingleFiles([...fake.state.library.torrents.values()]);
    const big = candidates[0] as Picked;
    const medium = candidates[1] as Picked;
    const opened = candidates.slice(2, 102);
    big.file.bytes = 4 * GB;
    medium.file.bytes = 1 * GB;
    const dbh = openDatabase(dbPath);
    const resize = dbh.sqlite.prepare(
      "UPDATE torrent_files SET bytes = ? WHERE torrent_id = ? AND file_id = ?",
    );
    resize.run(big.file.bytes, big.torrent.id, big.file.id);
    resize.run(medium.file.bytes, medium.torrent.id, medium.file.id);
    dbh.close();
    // The redirecting Redriva gets its own copy: one process per data directory.
    const redirectDir = join(dir, "redirect");
    mkdirSync(redirectDir);
    for (const suffix of ["", "-wal", "-shm"])
      if (existsSync(`${dbPath}${suffix}`))
        copyFileSync(`${dbPath}${suffix}`, join(redirectDir, `redriva.db${suffix}`));

    const redrivaEnv = {
      DATA_DIR: dir,
      PORT: "0",
      REDRIVA_USERNAME: BENCH_CREDS.username,
      REDRIVA_PASSWORD: BENCH_CREDS.password,
      RD_API_TOKEN: fake.state.options.token,
      RD_API_URL: fake.rdApiUrl,
      RD_RATE_LIMIT: "1000000",
      JOB_SMART_SYNC_SCHEDULE: "off",
      JOB_FULL_SYNC_SCHEDULE: "off",
      JOB_REPAIR_SCAN_SCHEDULE: "off",
      JOB_REPAIR_RETRY_SCHEDULE: "off",
      JOB_BACKUP_SCHEDULE: "off",
      JOB_CLEANUP_SCHEDULE: "off",
      JOB_DISK_CHECK_SCHEDULE: "off",
    };
    const redriva = await startRedriva(redrivaEnv);
    const pid = redriva.proc.pid;
    // The same library served with DAV_STREAM=redirect: GET answers 302 to the direct link.
    const redirecting = await startRedriva({
      ...redrivaEnv,
      DATA_DIR: redirectDir,
      DAV_STREAM: "redirect",
    }).catch(async (error: unknown) => {
      await redriva.stop();
      throw error;
    });
    try {
      const propfinds = await benchPropfind({ base: redriva.base, authorization: AUTH, dbPath });

      // Throughput: direct link vs /dav, 4 GB each.
      const unrestrict = await fetch(`${fake.rdApiUrl}/unrestrict/link`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${fake.state.options.token}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ link: `https://real-debrid.com/d/${big.torrent.linkIds[0]}` }).toString(),
      });
      const direct = ((await unrestrict.json()) as { download: string }).download;
      // Alternating rounds, so both sides see the same load: the ratio is taken per round.
      const davArgs = (p: Picked, base = redriva.base) => [
        "-u",
        `${BENCH_CREDS.username}:${BENCH_CREDS.password}`,
        `${base}${davPath(p)}`,
      ];
      // curl -L sends the login to Redriva only, never to the host it is redirected to.
      const redirectArgs = (p: Picked) => ["-L", ...davArgs(p, redirecting.base)];
      const proxy = await startPassthroughProxy(direct);
      type Contender = { timed: Timed; ratio: number };
      const rounds: Array<{ directs: Timed[]; proxy: Contender; dav: Contender; redirect: Contender }> = [];
      try {
        for (let round = 0; round < ROUNDS; round++) {
          // Each contender between two direct reads, compared with their mean: on a shared machine
          // the load drifts from one transfer to the next.
          const directs = [await curlTimed([direct])];
          const between = async (args: string[], sampled?: number) => {
            const timed = await curlTimed(args, sampled);
            directs.push(await curlTimed([direct]));
            const [before, after] = directs.slice(-2) as [Timed, Timed];
            return { timed, ratio: mbps(timed) / ((mbps(before) + mbps(after)) / 2) };
          };
          const viaProxy = await between([proxy.url]);
          const viaDav = await between(davArgs(big), pid);
          const viaRedirect = await between(redirectArgs(big));
          rounds.push({ directs, proxy: viaProxy, dav: viaDav, redirect: viaRedirect });
          console.error(
            `round ${round}: direct ${directs.map((d) => d.seconds.toFixed(1)).join("/")} s, minimal proxy ${viaProxy.timed.seconds.toFixed(1)} s, dav proxy ${viaDav.timed.seconds.toFixed(1)} s, dav redirect ${viaRedirect.timed.seconds.toFixed(1)} s`,
          );
        }
      } finally {
        proxy.proc.kill();
        await proxy.proc.exited;
      }
      const viaDav1 = await curlTimed(davArgs(medium), pid);
      for (const [what, r, size] of [
        ...rounds.flatMap((r) => [
          ...r.directs.map((d) => ["direct", d, big.file.bytes] as const),
          ["minimal proxy", r.proxy.timed, big.file.bytes] as const,
          ["dav 4 GB", r.dav.timed, big.file.bytes] as const,
          ["dav redirect 4 GB", r.redirect.timed, big.file.bytes] as const,
        ]),
        ["dav 1 GB", viaDav1, medium.file.bytes] as const,
      ])
        if (r.bytes !== size) throw new Error(`${what}: ${r.bytes} bytes instead of ${size}`);
      const cpuBefore = processCpuSeconds(pid);
      const viaDavCpu = await curlTimed(davArgs(big));
      const cpuPerGb = (processCpuSeconds(pid) - cpuBefore) / (viaDavCpu.bytes / GB);
      const redirectCpuBefore = processCpuSeconds(redirecting.proc.pid);
      const viaRedirectCpu = await curlTimed(redirectArgs(big));
      const redirectCpuPerGb =
        (processCpuSeconds(redirecting.proc.pid) - redirectCpuBefore) / (viaRedirectCpu.bytes / GB);
      const redirectsCounted = Number(
        /^redriva_dav_redirects_total (\d+)/m.exec(
          await (await fetch(`${redirecting.base}/metrics`, { headers: { authorization: AUTH } })).text(),
        )?.[1] ?? Number.NaN,
      );

      // 1,000 file opens over 100 files.
      const before = fake.stats.byRoute["POST /rest/1.0/unrestrict/link"] ?? 0;
      let opens = 0;
      let failed = 0;
      await Promise.all(
        Array.from({ length: 20 }, async (_, worker) => {
          for (let i = worker; i < 1000; i += 20) {
            const p = opened[i % opened.length] as Picked;
            const res = await fetch(`${redriva.base}${davPath(p)}`, {
              headers: { authorization: AUTH, range: "bytes=0-65535" },
            });
            await res.arrayBuffer();
            opens++;
            if (res.status !== 206) failed++;
          }
        }),
      );
      const unrestricts = (fake.stats.byRoute["POST /rest/1.0/unrestrict/link"] ?? 0) - before;

      /** The median over the rounds of `pick`'s ratio to the direct reads around it. */
      const medianRatio = (pick: (r: (typeof rounds)[number]) => Contender) => {
        const sorted = rounds.map((r) => pick(r).ratio).sort((a, b) => a - b);
        return sorted[Math.floor(sorted.length / 2)] as number;
      };
      const ratio = medianRatio((r) => r.dav);
      const proxyRatio = medianRatio((r) => r.proxy);
      const redirectRatio = medianRatio((r) => r.redirect);
      const proxyMbps = rounds.map((r) => mbps(r.proxy.timed).toFixed(0)).join(", ");
      const redirectMbps = rounds.map((r) => mbps(r.redirect.timed).toFixed(0)).join(", ");
      const viaDav = rounds.reduce(
        (a, r) => (r.dav.timed.peakRss > a.peakRss ? r.dav.timed : a),
        rounds[0]?.dav.timed as Timed,
      );
      const davMbps = rounds.map((r) => mbps(r.dav.timed).toFixed(0)).join(", ");
      const directMbps = rounds.flatMap((r) => r.directs.map((d) => mbps(d).toFixed(0))).join(", ");
      const rssRatio = viaDav.peakRss / viaDav1.peakRss;
      const metrics = await (
        await fetch(`${redriva.base}/metrics`, { headers: { authorization: AUTH } })
      ).text();
      const cacheBytes = Number(/^redriva_dav_listing_cache_bytes (\d+)/m.exec(metrics)?.[1] ?? Number.NaN);
      const load = loadavg()
        .map((l) => l.toFixed(1))
        .join(" / ");
      return [
        "## WebDAV (/dav/)",
        "",
        `Run ${new Date().toISOString()}; ${SIZE.toLocaleString("en")} torrents seeded with the fake's generator, Redriva as its own process (\`bun src/main.ts\`), the fake debrid server in the bench process. Load average at the end: ${load} (1/5/15 min) on a machine shared with other developers: absolute figures are noisy, the ratios compare runs made side by side.`,
        "",
        "| Measure | Figure | Baseline / goal |",
        "|---|---|---|",
        ...propfinds.rows,
        `| PROPFIND listing cache (gzipped, what Redriva holds for the answer above) | ${mb(cacheBytes)} for ${mb(propfinds.xmlBytes)} of XML | |`,
        `| One 4 GB file through /dav streamed by Redriva (DAV_STREAM=proxy, the default; curl), ${ROUNDS} rounds: a minimal Bun proxy, /dav streamed and /dav redirected, each between two curls of the fake's direct link | ${davMbps} MB/s | direct link: ${directMbps} MB/s; median ratio to the direct reads around it ${(ratio * 100).toFixed(0)}% (goal ≥ 90%) |`,
        `| One 4 GB file through /dav redirected to the direct link (DAV_STREAM=redirect; curl -L), same rounds | ${redirectMbps} MB/s | median ratio to direct ${(redirectRatio * 100).toFixed(0)}% (goal ≥ 90%) |`,
        `| The ceiling: a minimal Bun proxy (Bun.serve passing fetch's body straight through, no JavaScript per chunk), same rounds | ${proxyMbps} MB/s | median ratio to direct ${(proxyRatio * 100).toFixed(0)}%; /dav to this proxy ${((ratio / proxyRatio) * 100).toFixed(0)}% |`,
        `| Redriva's CPU streaming 4 GB through /dav | ${cpuPerGb.toFixed(2)} CPU-s per GB (proxy) | redirect: ${redirectCpuPerGb.toFixed(3)} CPU-s per GB (${redirectsCounted} redirects counted in /metrics for ${ROUNDS + 1} GETs) |`,
        `| Redriva's peak RSS streaming 4 GB vs 1 GB | ${mb(viaDav.peakRss)} vs ${mb(viaDav1.peakRss)} (×${rssRatio.toFixed(2)}) | flat within 10% |`,
        `| Unrestrict requests per 1,000 file opens (100 files × 10 opens of 64 KB) | ${unrestricts} (${failed} of ${opens} opens failed) | one per file per link lifetime: 100 |`,
      ].join("\n");
    } finally {
      await redirecting.stop();
      await redriva.stop();
    }
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
