import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildMagnet } from "../../src/domain/magnet.ts";
import { type FakeDebridServer, type StartOptions, startFakeDebrid } from "../../src/fake-debrid/index.ts";
import type { Clock } from "../../src/lib/clock.ts";
import type { ProviderDescriptor } from "../../src/providers/descriptor.ts";
import {
  type DownloadsRuntime,
  type StartDownloadsOptions,
  startDownloads,
} from "../../src/services/downloads/runtime.ts";
import { makeTestDeps, type TestDeps } from "./deps.ts";
import { ArrQbitClient } from "./qbit-client.ts";

/** Awaits a condition by polling (bounded): tests never sleep a fixed time. */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last as NonNullable<T>;
    await Bun.sleep(options.intervalMs ?? 25);
  }
  throw new Error(`timed out waiting for ${options.what ?? "a condition"} (last: ${JSON.stringify(last)})`);
}

/** A hash that no other test uses. */
export function randomHash(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(20))).toString("hex");
}

export interface Pipeline {
  fake: FakeDebridServer;
  deps: TestDeps;
  runtime: DownloadsRuntime;
  root: string;
  downloadDir: string;
  /** A magnet whose torrent has the given files at the fake provider. */
  magnet(
    name: string,
    files: Array<{ path: string; bytes: number; content?: Uint8Array }>,
  ): { hash: string; magnet: string };
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * The whole pipeline for real: the fake debrid server on a free port, real SQLite, real aria2c,
 * the real reconciler. Fast polling; SSD profile unless the env says otherwise.
 */
export async function startPipeline(
  options: {
    /** More configuration; a function when it needs the fake's address. */
    env?: Record<string, string> | ((fake: FakeDebridServer) => Record<string, string>);
    fake?: StartOptions;
    downloads?: StartDownloadsOptions;
    /** Configure AllDebrid (the fake's) beside Real-Debrid. */
    allDebrid?: boolean;
    /** Leave Real-Debrid unconfigured. */
    noRealDebrid?: boolean;
    /** The list of providers (default: the built-in one); its fakes go in `fake.providers`. */
    providers?: readonly ProviderDescriptor[];
    /** A clock the test moves (tests/helpers/manual-clock.ts); the system clock by default. */
    clock?: Clock;
  } = {},
): Promise<Pipeline> {
  const root = mkdtempSync(join(tmpdir(), "redriva-dl-"));
  const downloadDir = join(root, "downloads");
  const fake = await startFakeDebrid({ instantAvailability: true, ...options.fake });
  const deps = makeTestDeps(
    {
      ...(options.noRealDebrid ? {} : { RD_API_TOKEN: "fake-token", RD_API_URL: fake.rdApiUrl }),
      ...(options.allDebrid
        ? { AD_API_KEY: fake.adApiKey, AD_API_URL: fake.adApiUrl, AD_RATE_WINDOW_MS: "1000" }
        : {}),
      DOWNLOAD_DIR: downloadDir,
      STORAGE_TYPE: "ssd",
      DOWNLOAD_TICK_MS: "50",
      DOWNLOAD_PROVIDER_POLL_MS: "50",
      DOWNLOAD_MIN_FREE_SPACE: "1MB",
      ...(typeof options.env === "function" ? options.env(fake) : options.env),
    },
    options.providers,
    options.clock ? { clock: options.clock } : {},
  );
  const runtime = await startDownloads(deps, options.downloads);
  return {
    fake,
    deps,
    runtime,
    root,
    downloadDir,
    magnet(name, files) {
      const hash = randomHash();
      fake.state.scripts.set(hash, { files });
      return { hash, magnet: buildMagnet(hash, name) };
    },
    async [Symbol.asyncDispose]() {
      await runtime.stop();
      await fake.close();
      deps[Symbol.dispose]();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * Redriva's server as its own process (`script`: src/main.ts or a test entry), ready once it logs
 * that it listens; a qBit client logged in as u/p. Its logs keep draining so it never blocks.
 */
export async function spawnRedriva(
  script: string,
  env: Record<string, string | undefined>,
  timeoutMs: number,
): Promise<{ proc: ReturnType<typeof Bun.spawn>; client: ArrQbitClient }> {
  const proc = Bun.spawn(["bun", script], { env, stdout: "ignore", stderr: "pipe" });
  // Logs are JSON lines on stderr.
  const reader = proc.stderr.getReader();
  let buffer = "";
  const url = await waitFor(
    async () => {
      const { value, done } = await reader.read();
      if (done) throw new Error(`Redriva exited during start-up: ${buffer.slice(-2000)}`);
      buffer += new TextDecoder().decode(value);
      return /"url":"(http:\/\/[^"]+)","msg":"Redriva is listening"/.exec(buffer)?.[1] ?? null;
    },
    { timeoutMs },
  );
  (async () => {
    while (!(await reader.read()).done) {}
  })();
  return { proc, client: new ArrQbitClient((r) => fetch(r), url, { username: "u", password: "p" }) };
}
