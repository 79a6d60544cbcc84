/**
 * Symlink mode, part of `bun run bench downloads` (runs alone too:
 * `bun scripts/bench/downloads-symlink.ts` prints its rows).
 *
 * A real Redriva (`bun src/main.ts`, default timings) against the fake debrid server, whose
 * ready torrents appear in a mount folder (zurg's layout, no refresh delay). One category links
 * (symlink mode), another downloads (aria2c), same cached 8 MB torrents, grabbed one at a time
 * through the qBit API: time from `torrents/add` to `pausedUP`, and the provider requests each
 * grab cost beside the minimum Real-Debrid's API needs for it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildMagnet } from "../../src/domain/magnet.ts";
import { startFakeDebrid } from "../../src/fake-debrid/index.ts";
import { startFakeMount } from "../../src/fake-debrid/mount.ts";
import { percentile } from "./lib/process.ts";
import { BENCH_CREDS, rand, startRedriva } from "./lib/redriva-process.ts";

const GRABS = 8;
const FILE_BYTES = 8 * 1024 * 1024;
/**
 * Real-Debrid, one cached single-file torrent: addMagnet, torrents/info (file ids),
 * selectFiles, torrents/info (downloaded, links). A download adds one unrestrict per file.
 */
const MINIMUM = { symlink: 4, download: 5 } as const;

interface Grab {
  ms: number;
  /** From the provider saying ready to pausedUP (Redriva's own log times): the mount wait and linking, or the transfer and move. */
  afterReadyMs: number;
  requests: number;
}

export async function symlinkModeRows(): Promise<string[]> {
  const work = mkdtempSync(join(tmpdir(), "redriva-bench-symlink-"));
  const fake = await startFakeDebrid({ instantAvailability: true, rateLimit: 100_000 });
  const mountDir = join(work, "mount");
  const mount = startFakeMount(fake.state, { root: mountDir, layout: "zurg" });
  let redriva: Awaited<ReturnType<typeof startRedriva>> | null = null;
  try {
    redriva = await startRedriva({
      PORT: "0",
      HOST: "127.0.0.1",
      RD_API_TOKEN: fake.state.options.token,
      RD_API_URL: fake.rdApiUrl,
      RD_RATE_LIMIT: "100000",
      REDRIVA_USERNAME: BENCH_CREDS.username,
      REDRIVA_PASSWORD: BENCH_CREDS.password,
      DATA_DIR: join(work, "data"),
      DOWNLOAD_DIR: join(work, "downloads"),
      DOWNLOAD_MIN_FREE_SPACE: "1MB",
      DOWNLOAD_CATEGORY_MODES: "tv-sonarr=symlink,radarr=download",
      SYMLINK_MOUNT_PATH: mountDir,
    });
    const r = redriva;
    const grab = async (category: string): Promise<Grab> => {
      const hash = rand();
      const name = `Bench.${hash.slice(0, 6)}`;
      fake.state.scripts.set(hash, { files: [{ path: `/${name}.mkv`, bytes: FILE_BYTES }] });
      const before = fake.stats.requests;
      const started = performance.now();
      const added = await r.form("torrents/add", { urls: buildMagnet(hash, name), category });
      if ((await added.text()) !== "Ok.") throw new Error("torrents/add refused the grab");
      for (;;) {
        const list = (await (await r.api(`torrents/info?hashes=${hash}`)).json()) as Array<{ state: string }>;
        const state = list[0]?.state;
        if (state === "pausedUP") break;
        if (state === "error") throw new Error(`grab ${hash} (${category}) ended in error`);
        if (performance.now() - started > 120_000) throw new Error(`grab ${hash} took over 2 min`);
        await Bun.sleep(10);
      }
      const ms = performance.now() - started;
      const requests = fake.stats.requests - before;
      const last = category === "tv-sonarr" ? "linked from the mount" : "download complete";
      let ready: number | null = null;
      let done: number | null = null;
      for (let i = 0; i < 200 && (ready === null || done === null); i++) {
        ready = r.logTime(hash, "provider has the files");
        done = r.logTime(hash, last);
        if (ready === null || done === null) await Bun.sleep(10);
      }
      if (ready === null || done === null) throw new Error(`no log lines for ${hash}`);
      return { ms, afterReadyMs: done - ready, requests };
    };
    const runs = { symlink: [] as Grab[], download: [] as Grab[] };
    // Alternate so load on the machine falls on both modes alike.
    for (let i = 0; i < GRABS; i++) {
      runs.symlink.push(await grab("tv-sonarr"));
      runs.download.push(await grab("radarr"));
    }
    const row = (mode: "symlink" | "download", label: string) => {
      const ms = runs[mode].map((g) => g.ms);
      const after = runs[mode].map((g) => g.afterReadyMs);
      const requests = runs[mode].map((g) => g.requests);
      const perGrab = requests.reduce((a, b) => a + b, 0) / requests.length;
      return `| ${label} | ${Math.round(percentile(ms, 50))} | ${Math.round(percentile(ms, 90))} | ${Math.round(percentile(after, 50))} | ${perGrab.toFixed(1)} (${Math.min(...requests)}–${Math.max(...requests)}) | ${MINIMUM[mode]} | **${(perGrab / MINIMUM[mode]).toFixed(2)}×** |`;
    };
    const symlinkMedian = percentile(
      runs.symlink.map((g) => g.ms),
      50,
    );
    const downloadMedian = percentile(
      runs.download.map((g) => g.ms),
      50,
    );
    return [
      `### Symlink mode: \`torrents/add\` → \`pausedUP\`, one cached 8 MB file (${GRABS} grabs per mode, alternated)`,
      "",
      "A real Redriva with default timings (provider poll 5 s, idle tick 1 s); the fake's ready torrents appear in a mount folder at once (zurg's `__all__` layout). Requests = every provider API request the fake received during the grab; most of the time is the provider step's own polling (the fake takes one 5 s poll to convert the magnet), the same in both modes.",
      "",
      "| mode | median ms | p90 ms | ready → pausedUP, median ms | provider requests per grab (min–max) | minimum the API needs | ratio |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
      row("symlink", "symlink (link from the mount)"),
      row("download", "download (aria2c), baseline"),
      "",
      `Symlink / download median time: ${(symlinkMedian / downloadMedian).toFixed(2)}×. No provider request is made while waiting for the mount (the integration test checks it).`,
    ];
  } finally {
    redriva?.proc.kill("SIGTERM");
    await redriva?.proc.exited;
    mount.close();
    await fake.close();
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.main) console.log((await symlinkModeRows()).join("\n"));
