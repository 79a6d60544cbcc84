import { allDebridAccount } from "../../../src/fake-debrid/alldebrid/account.ts";
import { type FakeDebridServer, type StartOptions, startFakeDebrid } from "../../../src/fake-debrid/index.ts";
import { createApp } from "../../../src/http/app.ts";
import type { Clock } from "../../../src/lib/clock.ts";
import { runSync } from "../../../src/services/sync/index.ts";
import { makeTestDeps, type TestDeps } from "../../helpers/deps.ts";

export const DAV_CREDS = { username: "admin", password: "dav pass:word&1" };

export interface DavFixture {
  fake: FakeDebridServer;
  deps: TestDeps;
  server: ReturnType<typeof Bun.serve>;
  base: string;
  /** Environment that defines the rclone remote `redriva:` (never a config file). */
  rcloneEnv: Record<string, string>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Obscures a password the way rclone's config wants it (`rclone obscure`). */
async function obscure(password: string): Promise<string> {
  const proc = Bun.spawn(["rclone", "obscure", "-"], { stdin: new Blob([password]), stdout: "pipe" });
  const out = (await new Response(proc.stdout).text()).trim();
  if ((await proc.exited) !== 0 || out === "") throw new Error("rclone obscure failed");
  return out;
}

/**
 * Redriva on a real loopback port, its library synced from the fake Real-Debrid with the real sync,
 * login configured; `rcloneEnv` names it as rclone's remote `redriva:`.
 */
export async function startDavFixture(
  options: {
    size?: number;
    fake?: StartOptions;
    env?: Record<string, string>;
    /** Also configure AllDebrid, with this many ready magnets in its account. */
    alldebrid?: number;
    /** Redriva's clock (the system's by default). */
    clock?: Clock;
  } = {},
): Promise<DavFixture> {
  const fake = await startFakeDebrid({
    rateLimit: 100_000,
    ...options.fake,
    library: { size: options.size ?? 40, fileBytes: { min: 1_000, max: 400_000 }, ...options.fake?.library },
  });
  const account = allDebridAccount(fake.state);
  // Only the magnets added here: the account's own seeded ones would be listed too.
  for (const id of [...account.library.torrents.keys()]) account.remove(id);
  for (let i = 0; i < (options.alldebrid ?? 0); i++) {
    const { torrent } = account.add((i + 1).toString(16).padStart(40, "c"), `AllDebrid.Only.Movie.${i}.2024`);
    account.finish(torrent);
  }
  const deps = makeTestDeps(
    {
      RD_API_TOKEN: fake.state.options.token,
      RD_API_URL: fake.rdApiUrl,
      RD_RATE_LIMIT: "100000",
      ...(options.alldebrid
        ? { AD_API_KEY: fake.adApiKey, AD_API_URL: fake.adApiUrl, AD_RATE_WINDOW_MS: "1000" }
        : {}),
      REDRIVA_USERNAME: DAV_CREDS.username,
      REDRIVA_PASSWORD: DAV_CREDS.password,
      ...options.env,
    },
    undefined,
    options.clock ? { clock: options.clock } : {},
  );
  const synced = await runSync(deps, "full", {});
  if (synced.status !== "succeeded") throw new Error(`fixture sync ${synced.status}: ${synced.error}`);
  const app = createApp(deps);
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch, idleTimeout: 0 });
  const base = `http://127.0.0.1:${server.port}`;
  const rcloneEnv = {
    RCLONE_CONFIG_REDRIVA_TYPE: "webdav",
    RCLONE_CONFIG_REDRIVA_URL: `${base}/dav/`,
    RCLONE_CONFIG_REDRIVA_VENDOR: "other",
    RCLONE_CONFIG_REDRIVA_USER: DAV_CREDS.username,
    RCLONE_CONFIG_REDRIVA_PASS: await obscure(DAV_CREDS.password),
    // No user configuration file is read or written.
    RCLONE_CONFIG: "/dev/null",
  };
  return {
    fake,
    deps,
    server,
    base,
    rcloneEnv,
    async [Symbol.asyncDispose]() {
      await server.stop(true);
      await fake.close();
      deps[Symbol.dispose]();
    },
  };
}

/** Runs rclone with the fixture's remote; throws with its stderr when it fails. */
export async function rclone(
  fixture: DavFixture,
  args: string[],
  options: { stdout?: "pipe" | "ignore" } = {},
): Promise<Uint8Array> {
  const proc = Bun.spawn(["rclone", ...args], {
    env: { ...process.env, ...fixture.rcloneEnv },
    stdout: options.stdout ?? "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([
    options.stdout === "ignore"
      ? Promise.resolve(new ArrayBuffer(0))
      : new Response(proc.stdout).arrayBuffer(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`rclone ${args.join(" ")} exited ${code}: ${err}`);
  return new Uint8Array(out);
}

/**
 * `rclone cat --offset --count` of a random range (up to 2 MB) of a file of `bytes` bytes at
 * `path` in the remote: the range drawn and the bytes rclone returned.
 */
export async function rcloneRandomRange(
  fixture: DavFixture,
  path: string,
  bytes: number,
  random: { next(): number },
): Promise<{ offset: number; count: number; got: Uint8Array }> {
  const offset = Math.floor(random.next() * (bytes - 1));
  const count = Math.max(1, Math.min(bytes - offset, Math.floor(random.next() * 2_000_000)));
  const got = await rclone(fixture, [
    "cat",
    "--offset",
    String(offset),
    "--count",
    String(count),
    `redriva:${path}`,
  ]);
  return { offset, count, got };
}

/** Awaits `read()` until `done` holds for what it returns (polling): never a blind sleep. */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  limitMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(25);
  }
}
