/**
 * `bun run demo`: Redriva against the project's fake debrid server (Real-Debrid unless `--provider`
 * names another listed provider), so anyone can try every page and action without an account.
 * Everything lives in a temporary directory removed at exit.
 *
 *   bun run demo [--provider realdebrid] [--port 6500] [--size 3000] [--no-login] [--help]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createDeps } from "./compose.ts";
import { loadConfig } from "./config/index.ts";
import { buildDemoMediaTree } from "./demo-media.ts";
import { type FakeDebridServer, startFakeDebrid } from "./fake-debrid/index.ts";
import type { FakeLibrary } from "./fake-debrid/library.ts";
import { FAKE_PROVIDERS, type FakeProvider } from "./fake-debrid/providers.ts";
import { systemClock } from "./lib/clock.ts";
import { createLogger } from "./logger.ts";
import { startServer } from "./main.ts";
import { PROVIDERS } from "./providers/list.ts";
import { runScan } from "./services/symlinks/index.ts";
import { runSync } from "./services/sync/index.ts";

const DAY = 86_400_000;
/** Every status, failures well represented, a few statuses the real API never sent. */
const DEMO_MIX = {
  downloading: 0.04,
  queued: 0.02,
  magnet_conversion: 0.01,
  waiting_files_selection: 0.01,
  compressing: 0.005,
  uploading: 0.005,
  magnet_error: 0.02,
  error: 0.04,
  virus: 0.005,
  dead: 0.03,
};

const USAGE = `Usage: bun run demo [options]

Redriva against a fake debrid server, with a week of sync history and a demo media library
(symlinks, a few of them broken). Everything lives in a temporary folder removed at exit.

Options:
  --provider <kind>  the fake provider: ${FAKE_PROVIDERS.map((p) => p.kind).join(", ")} (default realdebrid)
  --port <n>         port of the web UI (default 6500; a busy port falls back to a free one)
  --size <n>         torrents in the fake library, 10..200000 (default 3000)
  --no-login         no login (the server listens on 127.0.0.1 only)
  -h, --help         this help

Environment:
  MEDIA_ROOT         your own media folder for the symlink pages, instead of the demo's (not
                     scanned until you ask)
`;

function demoEnv(
  dataDir: string,
  fake: FakeDebridServer,
  fakeProvider: FakeProvider,
  port: number,
  login: boolean,
  mediaRoot: string,
) {
  const descriptor = PROVIDERS.find((p) => p.kind === fakeProvider.kind);
  // The fake is local: no need to pace the demo at the provider's real limit (RD_RATE_LIMIT…).
  const unthrottled = Object.keys(descriptor?.env.shape ?? {})
    .filter((name) => name.endsWith("_RATE_LIMIT"))
    .map((name) => [name, "20000"]);
  return {
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    ...fakeProvider.env(fake),
    ...Object.fromEntries(unthrottled),
    DEFAULT_PROVIDER: fakeProvider.kind,
    DRY_RUN: "true",
    MEDIA_ROOT: mediaRoot,
    ...(login ? { REDRIVA_USERNAME: "demo", REDRIVA_PASSWORD: "demo" } : {}),
  };
}

/**
 * A week of history: the library as it was some days ago, then one smart sync per day with the
 * day's changes (adds, finished downloads, dead links, removals), each on a clock set to that day,
 * so the statistics page has a curve and the runs table has runs; then a scan of the demo's media.
 */
async function seedHistory(
  env: Record<string, string>,
  library: FakeLibrary,
  scanMedia: boolean,
): Promise<void> {
  const config = loadConfig(env);
  const days = 6;
  let offset = days * DAY;
  const clock = { now: () => Date.now() - offset, sleep: systemClock.sleep };
  const deps = createDeps(config, { log: createLogger({ level: "warn" }), clock });
  try {
    const first = await runSync(deps, "full", {});
    if (first.status !== "succeeded") throw new Error(`demo: the first sync ${first.status}: ${first.error}`);
    for (let day = days - 1; day >= 0; day--) {
      offset = day * DAY;
      library.mutate({ added: 25 + day * 7, finished: 4, changed: 6, removed: 3 });
      await runSync(deps, "smart", {});
    }
    // The symlink pages open on a finished scan of the demo's media tree (never on the user's own).
    if (scanMedia) await runScan(deps, {});
  } finally {
    deps.dbh.close();
  }
}

async function main() {
  const { values } = parseOptions();
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const fakeProvider = FAKE_PROVIDERS.find((p) => p.kind === values.provider);
  if (!fakeProvider)
    throw new Error(`--provider: expected one of ${FAKE_PROVIDERS.map((p) => p.kind).join(", ")}`);
  const label = PROVIDERS.find((p) => p.kind === fakeProvider.kind)?.label ?? fakeProvider.kind;
  const port = Number(values.port);
  const size = Number(values.size);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error("--port: expected a port number");
  if (!Number.isInteger(size) || size < 10 || size > 200_000) throw new Error("--size: expected 10..200000");
  const login = !values["no-login"];

  const dataDir = mkdtempSync(join(tmpdir(), "redriva-demo-"));
  const ownMedia = process.env.MEDIA_ROOT?.trim();
  const mediaRoot = ownMedia || buildDemoMediaTree(dataDir);
  const fake = await startFakeDebrid({
    library: { size, hostileNames: true, mix: DEMO_MIX, unknownStatuses: 3, spreadDays: 400 },
    rateLimit: 20_000,
  });
  process.stderr.write(
    `[demo] fake ${label} on ${fake.url} with ${size} torrents; syncing a week of history…\n`,
  );
  const env = demoEnv(dataDir, fake, fakeProvider, port, login, mediaRoot);
  const library = fakeProvider.library?.(fake.state) ?? fake.state.library;
  await seedHistory(env, library, !ownMedia);

  let running: Awaited<ReturnType<typeof startServer>>;
  try {
    running = await startServer(env);
  } catch (error) {
    if (port === 0 || !String(error).includes("EADDRINUSE")) throw error;
    process.stderr.write(`[demo] port ${port} is busy: using a free one\n`);
    running = await startServer({ ...env, PORT: "0" });
  }
  // Keep the demo alive: a few changes every minute for the next smart sync to find.
  const changes = setInterval(() => library.mutate({ added: 2, finished: 1, changed: 1 }), 60_000);
  const url = `http://127.0.0.1:${running.server.port}`;
  process.stdout.write(
    [
      "",
      `  Redriva demo is running: ${url}`,
      login ? "  Log in with: demo / demo" : "  No login (127.0.0.1 only)",
      `  Fake ${label}: ${fake.url} (${size} torrents, hostile names included)`,
      `  Data (deleted at exit): ${dataDir}`,
      `  Media library (symlink pages): ${mediaRoot}${ownMedia ? " (MEDIA_ROOT)" : ", a few links broken on purpose"}`,
      "  Stop with Ctrl+C.",
      "",
    ].join("\n"),
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(changes);
    // An open dashboard keeps its live console (server-sent events) open: close connections
    // first, or the graceful stop would wait for the browser.
    await running.server.stop(true);
    await running.stop();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

function parseOptions() {
  try {
    return parseArgs({
      options: {
        port: { type: "string", default: "6500" },
        size: { type: "string", default: "3000" },
        "no-login": { type: "boolean", default: false },
        provider: { type: "string", default: "realdebrid" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new Error(`${(error as Error).message}\n\n${USAGE}`);
  }
}

if (import.meta.main) {
  main().catch((error) => {
    process.stderr.write(`[demo] ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
