import type { Server } from "bun";
import { createDeps } from "./compose.ts";
import { ConfigError, redactConfig } from "./config/index.ts";
import { AppError } from "./errors.ts";
import type { createApp } from "./http/app.ts";
import { serveErrorHandler } from "./http/serve.ts";
import { startJobs } from "./jobs/index.ts";
import { catchUpRepairRetries } from "./jobs/repair-catch-up.ts";
import { lockDataDir } from "./lib/data-dir-lock.ts";
import { type StartDownloadsOptions, startDownloads } from "./services/downloads/runtime.ts";
import { loadConfigWithSettings } from "./services/settings/store.ts";

/** Starts Redriva: one process serving pages, the JSON and qBittorrent APIs, and running jobs. */
export async function startServer(
  env: Record<string, string | undefined> = process.env,
  options: { downloads?: StartDownloadsOptions } = {},
) {
  // The environment, plus what /settings saved for the variables it leaves unset.
  const { config, ignored } = loadConfigWithSettings(env);
  // Before anything opens the database or touches aria2c: a second server stops here.
  const lock = lockDataDir(config.dataDir, "the Redriva server");
  let deps: ReturnType<typeof createDeps>;
  try {
    deps = createDeps(config);
  } catch (error) {
    lock.release();
    throw error;
  }
  const { log } = deps;
  log.info({ config: redactConfig(config) }, "configuration loaded");
  if (ignored.length > 0)
    log.warn({ settings: ignored }, "settings saved on /settings no longer valid: left out, fix them there");
  if (!config.auth.enabled) {
    log.warn(
      "NO LOGIN CONFIGURED: listening on 127.0.0.1 only. Set REDRIVA_USERNAME and REDRIVA_PASSWORD to protect Redriva and reach it from other machines.",
    );
  }
  const server = Bun.serve({
    port: config.port,
    hostname: config.host,
    fetch: fetchOnFirstRequest(deps),
    error: serveErrorHandler(config, log),
    idleTimeout: 0,
  });
  log.info({ url: `http://${config.host}:${server.port}` }, "Redriva is listening");
  const downloads = await startDownloads(deps, options.downloads);
  const jobs = await startJobs(deps);
  catchUpRepairRetries(deps, jobs.runner);

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      log.info("stopping: schedules off, running work checkpoints");
      await jobs.stop();
      await downloads.stop();
      // Open live consoles (server-sent events) would keep a graceful stop waiting forever.
      await server.stop(true);
      deps.dbh.close();
      lock.release();
      log.info("stopped cleanly");
    })();
    return stopping;
  };
  return { deps, server, stop };
}

/**
 * The HTTP surface (route groups, views, the OpenAPI document) is imported at the first request,
 * not at start-up: a server nobody has asked anything yet holds only what its schedules and
 * downloads need (BENCHMARKS.md, idle memory).
 */
function fetchOnFirstRequest(deps: ReturnType<typeof createDeps>) {
  let app: Promise<ReturnType<typeof createApp>> | null = null;
  return async (request: Request, server: Server<undefined>) => {
    app ??= import("./http/app.ts").then(({ createApp }) => createApp(deps));
    return (await app).fetch(request, server);
  };
}

if (import.meta.main) {
  // Signals are handled from the first instant: a SIGTERM during start-up still stops cleanly.
  let running: Awaited<ReturnType<typeof startServer>> | null = null;
  let stopRequested = false;
  const onSignal = () => {
    // Ends within 10 s even if something hangs: the database is closed by then or WAL-safe.
    setTimeout(() => process.exit(1), 10_000).unref();
    stopRequested = true;
    running?.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    running = await startServer();
    if (stopRequested) await running.stop().then(() => process.exit(0));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(
        `Redriva cannot start, the configuration is invalid:\n${error.problems.join("\n")}\n`,
      );
      process.exit(2);
    }
    // DATA_DIR in use, a corrupt or truncated database, a full disk: one line, no stack trace.
    if (error instanceof AppError) {
      process.stderr.write(`Redriva cannot start: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
