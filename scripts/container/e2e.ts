#!/usr/bin/env bun
/**
 * End-to-end check of the built image, run by scripts/container-test.sh (podman configured, image
 * built): the container against the project's fake Real-Debrid on this host, as a non-root
 * PUID:PGID. Exits 1 on the first failed check, saying which.
 *
 *   bun scripts/container/e2e.ts <image> [--bench <json file>]
 *
 * --bench also writes the container's memory at idle and while downloading to the file.
 */
import { chownSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildMagnet } from "../../src/domain/magnet.ts";
import { contentSha256 } from "../../src/fake-debrid/content.ts";
import { type FakeDebridServer, startFakeDebrid } from "../../src/fake-debrid/index.ts";
import { Browser, count, fail, freePort, qbit, qbitLogin, query, until } from "./http.ts";
import { bridgeGateway, containerMemory, podman } from "./podman.ts";

const image = process.argv[2];
if (!image) {
  process.stderr.write("usage: bun scripts/container/e2e.ts <image> [--bench <json file>]\n");
  process.exit(2);
}
const benchIndex = process.argv.indexOf("--bench");
const benchFile = benchIndex > 0 ? process.argv[benchIndex + 1] : undefined;

/** A non-root user that exists nowhere: the image must make it up from PUID/PGID. */
const PUID = 4321;
const PGID = 4322;
const CREDS = { username: "admin", password: "container-test-password" };
const NAME = `redriva-e2e-${process.pid}`;

function step(message: string): void {
  process.stdout.write(`[container-test] ${message}\n`);
}

const e2eStarted = Date.now();
const work = mkdtempSync(join(tmpdir(), "redriva-container-"));
const configDir = join(work, "config");
const downloadsDir = join(work, "downloads");
for (const dir of [configDir, downloadsDir]) {
  mkdirSync(dir);
  chownSync(dir, PUID, PGID);
}
const port = freePort();
const base = `http://127.0.0.1:${port}`;
const result: Record<string, unknown> = { image };
// The fake debrid server listens on the podman bridge's host side (never beyond this host), where
// the container reaches it as host.containers.internal, podman's name for the host. Its port is
// picked now because the container's variables name it; the bridge itself exists once a container
// uses it, so the fake starts right after the container.
const gateway = await bridgeGateway();
const fakePort = freePort();
const FAKE_HOST = "host.containers.internal";
let fake: FakeDebridServer | undefined;
const fakeState = () => fake ?? fail("the fake debrid server is not running");

// The README's `docker run` (its published port, its variables, its volumes), plus what this test
// needs: a host port of its own on 127.0.0.1 only, a fake debrid, no schedules.
const run = [
  "run",
  "--detach",
  "--name",
  NAME,
  "--publish",
  `127.0.0.1:${port}:6500`,
  "--env",
  `PUID=${PUID}`,
  "--env",
  `PGID=${PGID}`,
  "--env",
  "TZ=Europe/Paris",
  "--env",
  `REDRIVA_USERNAME=${CREDS.username}`,
  "--env",
  `REDRIVA_PASSWORD=${CREDS.password}`,
  "--env",
  "RD_API_TOKEN=fake-token",
  "--env",
  `RD_API_URL=http://${FAKE_HOST}:${fakePort}/rest/1.0`,
  "--env",
  "RD_RATE_LIMIT=10",
  "--env",
  "RD_RATE_WINDOW_MS=1000",
  "--env",
  "JOB_SMART_SYNC_SCHEDULE=off",
  "--env",
  "JOB_DISK_CHECK_SCHEDULE=off",
  "--volume",
  `${configDir}:/config`,
  "--volume",
  `${downloadsDir}:/downloads`,
  image,
];

async function healthy(): Promise<void> {
  await until("/health", async () => (await fetch(`${base}/health`)).ok || null);
}

try {
  step(`podman ${run.join(" ")}`);
  await podman(run);
  fake = await startFakeDebrid({
    hostname: gateway,
    advertisedHost: FAKE_HOST,
    port: fakePort,
    library: { size: 200, seed: 11 },
    // 10 requests a second: the sync lasts ~20 s, long enough to be stopped half way.
    rateLimit: 10,
    rateWindowMs: 1000,
    // Measuring memory while downloading needs a download that lasts.
    downloadBytesPerSecond: benchFile ? 4 * 1024 * 1024 : 0,
  });
  await healthy();
  const health = (await (await fetch(`${base}/health`)).json()) as { status: string };
  if (health.status !== "ok") fail(`/health said ${JSON.stringify(health)}`);
  await podman(["healthcheck", "run", NAME]);
  step("/health green, HEALTHCHECK healthy");

  const top = await podman(["top", NAME, "user", "comm"]);
  if (!/^\s*\S+\s+bun\s*$/m.test(top) || /^\s*root\s+bun/m.test(top)) fail(`Bun must run as PUID:\n${top}`);
  step("runs as the PUID user");

  const browser = new Browser(base);
  if ((await browser.request("/")).status !== 302) fail("/ without a session must redirect to /login");
  const login = await browser.request("/login", {
    method: "POST",
    body: new URLSearchParams({ ...CREDS, _csrf: await browser.csrf("/login"), next: "/" }),
  });
  if (login.status !== 303 || (await browser.request("/")).status !== 200)
    fail(`login refused (${login.status})`);
  step("logged in");

  const token = await browser.csrf("/jobs");
  const started = await browser.request("/api/jobs/full-sync/run", {
    method: "POST",
    headers: { "x-csrf-token": token },
  });
  if (started.status !== 202) fail(`full sync not started (${started.status})`);
  await until(
    "20 synced torrents",
    () => count(configDir, "SELECT count(*) AS n FROM sync_run_items WHERE state = 'done'") >= 20 || null,
  );
  step("sync running");

  const stopAt = Date.now();
  await podman(["stop", "--time", "10", NAME]);
  const stopCommandMs = Date.now() - stopAt;
  const [exitCode, finishedAt] = (
    await podman(["inspect", "--format", "{{.State.ExitCode}} {{.State.FinishedAt.UnixMilli}}", NAME])
  )
    .trim()
    .split(" ");
  // Past --time 10 podman kills it (exit 137): a clean 0 means Redriva and aria2c ended by themselves.
  if (exitCode !== "0") fail(`exit code ${exitCode} after podman stop (expected a clean 0)`);
  // From the stop request to the container's end (podman's own teardown of the network comes after).
  const stopMs = Number(finishedAt) - stopAt;
  if (!(stopMs < 10_000)) fail(`the container ended ${stopMs} ms after podman stop`);
  const interrupted = query<{ status: string }>(
    configDir,
    "SELECT status FROM job_runs WHERE job = 'full-sync'",
  );
  if (JSON.stringify(interrupted) !== JSON.stringify([{ status: "interrupted" }]))
    fail(`job after stop: ${JSON.stringify(interrupted)}`);
  result.stopMs = stopMs;
  step(
    `podman stop: exit 0, ended ${stopMs} ms after the request (command: ${stopCommandMs} ms), job recorded interrupted`,
  );

  await podman(["start", NAME]);
  await healthy();
  await until(
    "the resumed sync to finish",
    () =>
      count(
        configDir,
        "SELECT count(*) AS n FROM job_runs WHERE trigger = 'resume' AND status = 'succeeded'",
      ) > 0 || null,
  );
  const details = count(configDir, "SELECT count(*) AS n FROM torrent_details");
  if (details !== 200) fail(`${details} torrents synced, expected 200`);
  step("restarted: the interrupted sync resumed and finished (200 torrents)");

  if (benchFile) result.idleMemory = await containerMemory(NAME);

  // A Sonarr grab through the qBittorrent API.
  const sid = await qbitLogin(base, CREDS);
  const hash = "c0ffee".padEnd(40, "7");
  const size = 48 * 1024 * 1024 + 5;
  const name = "Show.S01E01.1080p.WEB";
  fakeState().state.scripts.set(hash, { files: [{ path: `/${name}.mkv`, bytes: size }] });
  const added = await qbit(base, sid, "POST", "torrents/add", {
    urls: buildMagnet(hash, name),
    category: "tv-sonarr",
  });
  if ((await added.text()) !== "Ok.") fail("torrents/add refused");
  type Info = { state: string; content_path: string; progress: number };
  const info = async (): Promise<Info | undefined> =>
    ((await (await qbit(base, sid, "GET", `torrents/info?hashes=${hash}`)).json()) as Info[])[0];
  if (benchFile) {
    await until("the download to start", async () => ((await info())?.state === "downloading" ? true : null));
    result.downloadingMemory = await containerMemory(NAME);
  }
  const done = await until("the grab to complete", async () => {
    const t = await info();
    return t?.state === "pausedUP" ? t : null;
  });
  if (done.content_path !== `/downloads/tv-sonarr/${name}.mkv`) fail(`content_path ${done.content_path}`);
  const landed = join(downloadsDir, "tv-sonarr", `${name}.mkv`);
  const stat = statSync(landed);
  if (stat.uid !== PUID || stat.gid !== PGID) fail(`${landed} owned by ${stat.uid}:${stat.gid}`);
  const sha = new Bun.CryptoHasher("sha256").update(await Bun.file(landed).arrayBuffer()).digest("hex");
  if (stat.size !== size || sha !== contentSha256(`${hash}:1`, size)) fail("the downloaded bytes differ");
  step(`grab landed in /downloads/tv-sonarr with the right bytes, owned by ${PUID}:${PGID}`);

  await podman(["restart", "--time", "10", NAME]);
  await healthy();
  const sid2 = await qbitLogin(base, CREDS);
  const kept = ((await (await qbit(base, sid2, "GET", `torrents/info?hashes=${hash}`)).json()) as Info[])[0];
  if (kept?.state !== "pausedUP") fail(`after restart the grab reads ${JSON.stringify(kept)}`);
  if (count(configDir, "SELECT count(*) AS n FROM torrent_details") !== 200) fail("library lost on restart");
  step("restart keeps the database (library and grab)");

  if (benchFile) {
    // Every stage up to the build (container-test.sh); the end-to-end one is this run.
    result.stages =
      `${process.env.REDRIVA_CONTAINER_STAGES ?? ""} e2e ${Math.round((Date.now() - e2eStarted) / 1000)}s`.trim();
    result.imageBytes = Number((await podman(["image", "inspect", "--format", "{{.Size}}", image])).trim());
    await Bun.write(benchFile, JSON.stringify(result, null, 2));
  }
  step("all checks passed");
} catch (error) {
  process.stderr.write(
    `[container-test] FAILED: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.stderr.write(await podman(["logs", "--tail", "40", NAME]).catch(() => ""));
  process.exitCode = 1;
} finally {
  await podman(["rm", "--force", "--time", "0", NAME]).catch(() => "");
  await fake?.close();
  rmSync(work, { recursive: true, force: true });
}
