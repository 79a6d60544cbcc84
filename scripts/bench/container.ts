/**
 * `bun run bench container`: the image's size, and the container's memory at idle and while
 * downloading beside the same server run as a bare process. Runs scripts/container-test.sh
 * (root and podman needed), so it only runs when named.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { buildMagnet } from "../../src/domain/magnet.ts";
import { startFakeDebrid } from "../../src/fake-debrid/index.ts";
import { Browser, count, fail, freePort, qbit, qbitLogin, until } from "../container/http.ts";
import { residentBytes } from "../container/podman.ts";

const ROOT = join(import.meta.dir, "..", "..");
const CREDS = { username: "admin", password: "bench-password" };
/** The same throttled download as the container run (scripts/container/e2e.ts --bench). */
const DOWNLOAD_BYTES_PER_SECOND = 4 * 1024 * 1024;

interface Memory {
  rssBytes: number;
  cgroup?: string;
}

interface ContainerFigures {
  imageBytes: number;
  idleMemory: Memory;
  downloadingMemory: Memory;
  /** Each stage of a clean machine's first run and its seconds, as container-test.sh printed them: "tools 0s debootstrap 95s ...". */
  stages: string;
}

/**
 * The whole container test from nothing, as on a clean CI machine: a cache of its own (podman
 * storage included, never the warm one `bun run test:container` reuses), dropped afterwards.
 */
async function containerFigures(work: string): Promise<ContainerFigures> {
  const file = join(work, "container.json");
  const script = join(ROOT, "scripts", "container-test.sh");
  const env = { ...process.env, REDRIVA_CONTAINER_CACHE: join(work, "container-cache") };
  const started = Date.now();
  const child = Bun.spawn([script, "--bench", file], {
    cwd: ROOT,
    env,
    stdout: "inherit",
    stderr: "inherit",
  });
  try {
    if ((await child.exited) !== 0) fail("scripts/container-test.sh --bench failed");
    process.stdout.write(`[bench container] cold run: ${Math.round((Date.now() - started) / 1000)} s\n`);
    return JSON.parse(readFileSync(file, "utf8")) as ContainerFigures;
  } finally {
    Bun.spawnSync([script, "--drop-cache"], { cwd: ROOT, env, stdout: "ignore", stderr: "inherit" });
  }
}

/** The same steps as the container run: a full sync of 200 torrents, idle, then one grab. */
async function bareFigures(work: string): Promise<{ idle: Memory; downloading: Memory }> {
  await using fake = await startFakeDebrid({
    library: { size: 200, seed: 11 },
    rateLimit: 10,
    rateWindowMs: 1000,
    downloadBytesPerSecond: DOWNLOAD_BYTES_PER_SECOND,
  });
  const dataDir = join(work, "bare");
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = Bun.spawn(["bun", join(ROOT, "src", "main.ts")], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      DOWNLOAD_DIR: join(work, "downloads"),
      HOST: "127.0.0.1",
      PORT: String(port),
      REDRIVA_USERNAME: CREDS.username,
      REDRIVA_PASSWORD: CREDS.password,
      RD_API_TOKEN: "fake-token",
      RD_API_URL: fake.rdApiUrl,
      RD_RATE_LIMIT: "10",
      RD_RATE_WINDOW_MS: "1000",
      JOB_SMART_SYNC_SCHEDULE: "off",
      JOB_DISK_CHECK_SCHEDULE: "off",
      LOG_LEVEL: "warn",
    },
    stdout: "ignore",
    stderr: "inherit",
  });
  try {
    await until("/health", async () => (await fetch(`${base}/health`)).ok || null);
    // aria2c starts just after the listener.
    const aria2 = await until("aria2c", () =>
      existsSync(join(dataDir, "aria2", "aria2.pid"))
        ? Number(readFileSync(join(dataDir, "aria2", "aria2.pid"), "utf8").trim())
        : null,
    );
    const pids = [server.pid, aria2];
    const browser = new Browser(base);
    await browser.request("/login", {
      method: "POST",
      body: new URLSearchParams({ ...CREDS, _csrf: await browser.csrf("/login"), next: "/" }),
    });
    const token = await browser.csrf("/jobs");
    await browser.request("/api/jobs/full-sync/run", { method: "POST", headers: { "x-csrf-token": token } });
    await until(
      "the sync",
      () => count(dataDir, "SELECT count(*) AS n FROM job_runs WHERE status = 'succeeded'") > 0 || null,
    );
    const idle = { rssBytes: residentBytes(pids) };
    const sid = await qbitLogin(base, CREDS);
    const hash = "c0ffee".padEnd(40, "7");
    const name = "Show.S01E01.1080p.WEB";
    fake.state.scripts.set(hash, { files: [{ path: `/${name}.mkv`, bytes: 48 * 1024 * 1024 + 5 }] });
    await qbit(base, sid, "POST", "torrents/add", { urls: buildMagnet(hash, name), category: "tv-sonarr" });
    await until("the download to start", async () => {
      const list = (await (await qbit(base, sid, "GET", `torrents/info?hashes=${hash}`)).json()) as Array<{
        state: string;
      }>;
      return list[0]?.state === "downloading" || null;
    });
    return { idle, downloading: { rssBytes: residentBytes(pids) } };
  } finally {
    server.kill("SIGTERM");
    await server.exited;
  }
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

export async function run(): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), "redriva-bench-container-"));
  try {
    const container = await containerFigures(work);
    const bare = await bareFigures(work);
    return [
      "## Container",
      "",
      "Command: `bun run bench container` (scripts/bench/container.ts): `scripts/container-test.sh --bench`, from an empty",
      "cache and podman storage, builds the image with podman from a debootstrapped Debian bookworm base and runs the",
      "end-to-end test as PUID 4321; the same steps then run as a bare `bun src/main.ts`. Both: a fake Real-Debrid on",
      "the host (the podman bridge for the container, 127.0.0.1 for the bare process), 200 torrents synced, then one",
      "48 MB grab throttled to 4 MB/s. Memory = resident memory (VmRSS) of Bun + aria2c; `podman stats` also shown.",
      `Run: ${new Date().toISOString()}.`,
      "",
      `Image size (\`podman image inspect --format '{{.Size}}'\`): **${mb(container.imageBytes)}**.`,
      "",
      `Clean machine's first run (own empty cache and podman storage, as in CI), seconds per stage: **${container.stages}**;`,
      `load average at the end ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} CPUs.`,
      "",
      "| moment | container (Bun + aria2c RSS) | container (`podman stats`) | bare process (Bun + aria2c RSS) | container / bare |",
      "| --- | ---: | ---: | ---: | ---: |",
      `| idle after a 200-torrent sync | ${mb(container.idleMemory.rssBytes)} | ${container.idleMemory.cgroup ?? ""} | ${mb(bare.idle.rssBytes)} | ${(container.idleMemory.rssBytes / bare.idle.rssBytes).toFixed(2)} |`,
      `| downloading (4 MB/s) | ${mb(container.downloadingMemory.rssBytes)} | ${container.downloadingMemory.cgroup ?? ""} | ${mb(bare.downloading.rssBytes)} | ${(container.downloadingMemory.rssBytes / bare.downloading.rssBytes).toFixed(2)} |`,
    ].join("\n");
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
