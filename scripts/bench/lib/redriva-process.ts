import { Database } from "bun:sqlite";
import { readFileSync, statfsSync } from "node:fs";
import { join } from "node:path";
import type { createDeps } from "../../../src/compose.ts";
import { insertTorrent } from "../../../src/db/repo/downloads.ts";
import { buildMagnet } from "../../../src/domain/magnet.ts";
import { currentRss, percentile } from "./process.ts";

/** Helpers of the downloads benchmark: a real Redriva process, driven like Sonarr drives it. */

const ROOT = join(import.meta.dir, "..", "..", "..");
export const BENCH_CREDS = { username: "bench", password: "bench-password" };

export const rand = () => Buffer.from(crypto.getRandomValues(new Uint8Array(20))).toString("hex");

export async function sync(): Promise<void> {
  await Bun.spawn(["sync"]).exited;
}

export function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
}

/** Wall time of a command (it must succeed). */
export async function timed(cmd: string[]): Promise<number> {
  const started = performance.now();
  const proc = Bun.spawn(cmd, { stdout: "ignore", stderr: "pipe" });
  const code = await proc.exited;
  if (code !== 0) throw new Error(`${cmd[0]} failed (${code}): ${await new Response(proc.stderr).text()}`);
  return performance.now() - started;
}

/** `bun src/main.ts` with `env`, its log kept, a qBit session open. */
export async function startRedriva(env: Record<string, string>) {
  const proc = Bun.spawn(["bun", join(ROOT, "src", "main.ts")], {
    cwd: ROOT,
    env: { ...process.env, ...env, LOG_LEVEL: "info" },
    stdout: "ignore",
    stderr: "pipe",
  });
  const reader = proc.stderr.getReader();
  let buffer = "";
  let base = "";
  // Generous: a start that migrates a large database on a loaded machine is slow, not broken.
  const deadline = Date.now() + 120_000;
  while (!base) {
    if (Date.now() > deadline) throw new Error("Redriva did not start within 120 s");
    const { value, done } = await reader.read();
    if (done) throw new Error(`Redriva exited during start-up:\n${buffer.slice(-2000)}`);
    buffer += new TextDecoder().decode(value);
    base = /"url":"(http:\/\/[^"]+)","msg":"Redriva is listening"/.exec(buffer)?.[1] ?? "";
  }
  const log: string[] = [buffer];
  (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      log.push(new TextDecoder().decode(value));
    }
  })();
  const login = await fetch(`${base}/api/v2/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(BENCH_CREDS).toString(),
  });
  const cookie = (login.headers.getSetCookie()[0] ?? "").split(";")[0] as string;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${base}/api/v2/${path}`, { ...init, headers: { cookie, ...(init.headers ?? {}) } });
  const form = (path: string, fields: Record<string, string>) =>
    api(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
  return {
    proc,
    base,
    cookie,
    api,
    form,
    dataDir: env.DATA_DIR as string,
    /** Job runs seen in the log (they share the process and its memory). */
    jobs: () =>
      [...log.join("").matchAll(/"job":"([^"]+)"[^\n]*"msg":"job started"/g)].map((m) => m[1] as string),
    /** Epoch ms of the log line `msg` about `hash`. */
    logTime: (hash: string, msg: string) => {
      const line = log
        .join("")
        .split("\n")
        .find((l) => l.includes(`"hash":"${hash}"`) && l.includes(`"msg":"${msg}"`));
      const iso = line ? /"time":"([^"]+)"/.exec(line)?.[1] : undefined;
      return iso ? Date.parse(iso) : null;
    },
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}

export type Redriva = Awaited<ReturnType<typeof startRedriva>>;

export function peakHwm(pid: number): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024;
}

export interface DownloadRun {
  /** torrents/add → pausedUP (Redriva's own timestamps). */
  endToEndMs: number;
  /** aria2c got the file → pausedUP (log line "download started" → completion_on). */
  transferMs: number;
  peakRedriva: number;
  medianRedriva: number;
  peakAria2: number;
}

/**
 * Adds a magnet through the qBit API, waits for pausedUP (sampling both RSS every `sampleMs`),
 * deletes it with its files.
 */
export async function redrivaDownload(r: Redriva, hash: string, sampleMs = 50): Promise<DownloadRun> {
  const samples = { redriva: [] as number[], aria2: [] as number[] };
  const aria2Pid = () => {
    try {
      return Number(readFileSync(join(r.dataDir, "aria2", "aria2.pid"), "utf8"));
    } catch {
      return 0;
    }
  };
  const sampler = setInterval(() => {
    const a = currentRss(r.proc.pid);
    const pid = aria2Pid();
    const b = pid ? currentRss(pid) : null;
    if (a) samples.redriva.push(a);
    if (b) samples.aria2.push(b);
  }, sampleMs);
  await r.form("torrents/add", { urls: buildMagnet(hash, `Bench.${hash.slice(0, 6)}`), category: "bench" });
  for (;;) {
    const [t] = (await (await r.api(`torrents/info?hashes=${hash}`)).json()) as Array<{ state: string }>;
    if (t?.state === "pausedUP") break;
    if (t?.state === "error") throw new Error("Redriva failed the bench download");
    // Times come from Redriva's own timestamps: polling slowly keeps this process (which also
    // serves the bytes) from stealing CPU from the transfer it measures.
    await Bun.sleep(500);
  }
  clearInterval(sampler);
  const db = new Database(join(r.dataDir, "redriva.db"), { readonly: true });
  const row = db.query("SELECT added_on, completion_on FROM download_torrents WHERE hash = ?").get(hash) as {
    added_on: number;
    completion_on: number;
  };
  db.close();
  const started = r.logTime(hash, "download started") ?? row.added_on;
  await r.form("torrents/delete", { hashes: hash, deleteFiles: "true" });
  // torrents/info hides it at once; the row goes once the file is removed: wait for that.
  const reader = new Database(join(r.dataDir, "redriva.db"), { readonly: true });
  const gone = reader.query("SELECT 1 FROM download_torrents WHERE hash = ?");
  for (let i = 0; i < 400 && gone.get(hash) !== null; i++) await Bun.sleep(50);
  reader.close();
  await sync();
  return {
    endToEndMs: row.completion_on - row.added_on,
    transferMs: row.completion_on - started,
    peakRedriva: Math.max(...samples.redriva),
    medianRedriva: percentile(samples.redriva, 50),
    peakAria2: Math.max(...samples.aria2),
  };
}

/**
 * `n` torrents in every stage, as an *arr library has them; those at the provider point at
 * torrents the fake keeps "downloading", so the provider loop polls them for real.
 */
export function seedTorrents(
  deps: ReturnType<typeof createDeps>,
  n: number,
  dir: string,
  providerIds: string[],
): void {
  const now = Date.now();
  const stages = [
    "done",
    "done",
    "done",
    "done",
    "done",
    "done",
    "downloading",
    "waiting",
    "provider",
    "error",
  ] as const;
  deps.dbh.db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const stage = stages[i % stages.length] as (typeof stages)[number];
      const category = i % 3 === 0 ? "radarr" : "tv-sonarr";
      const name = `Show.Name.S${String((i % 9) + 1).padStart(2, "0")}E${String(i % 24).padStart(2, "0")}.1080p.WEB-DL.x264-GRP${i}`;
      const size = 1_000_000_000 + i * 1_000_003;
      const atProvider = stage === "provider";
      insertTorrent(deps.dbh.db, {
        hash: rand(),
        name,
        source_kind: "magnet",
        magnet: buildMagnet(rand(), name),
        category,
        save_path: join(dir, category),
        stage,
        queue_order: i,
        provider: stage === "error" ? null : "realdebrid",
        provider_id: atProvider ? (providerIds[i % providerIds.length] ?? null) : null,
        provider_status: atProvider ? "downloading" : null,
        provider_progress: atProvider ? 40 : 100,
        size,
        downloaded: stage === "done" ? size : stage === "downloading" ? Math.floor(size / 3) : 0,
        speed: stage === "downloading" ? 50_000_000 : 0,
        error:
          stage === "error" ? "realdebrid: Real-Debrid error: infringing_file (code 35), HTTP 451" : null,
        root_name: `${name}.mkv`,
        content_path: stage === "done" ? join(dir, category, `${name}.mkv`) : null,
        added_on: now - (n - i) * 60_000,
        completion_on: stage === "done" ? now - (n - i) * 30_000 : null,
        last_activity: now,
        progress_at: now,
      });
    }
  });
}
