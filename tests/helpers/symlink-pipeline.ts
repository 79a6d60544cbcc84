import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { allDebridAccount } from "../../src/fake-debrid/alldebrid/account.ts";
import { type FakeMountFolder, type FakeMountLayout, startFakeMount } from "../../src/fake-debrid/mount.ts";
import { createApp } from "../../src/http/app.ts";
import { type Pipeline, startPipeline } from "./downloads.ts";
import { ArrQbitClient } from "./qbit-client.ts";

export const ARR_CREDS = { username: "sonarr", password: "pw" };

export interface SymlinkPipeline {
  p: Pipeline;
  mount: FakeMountFolder;
  mountDir: string;
  /** Sonarr's qBittorrent client, in-process against the app. */
  arr: ArrQbitClient;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * The real pipeline (fake debrid, SQLite, reconciler) with a folder the fake fills like a debrid
 * mount when a torrent is ready. Symlink mode by default; `env` overrides.
 */
export async function startSymlinkPipeline(
  options: {
    layout?: FakeMountLayout;
    delayMs?: number;
    never?: Set<string>;
    env?: (mountDir: string) => Record<string, string>;
    allDebrid?: boolean;
    noRealDebrid?: boolean;
    /** The folder the fake fills (default a new temporary one), e.g. what a real rclone mount serves. */
    fillDir?: string;
  } = {},
): Promise<SymlinkPipeline> {
  const mountDir = options.fillDir ?? mkdtempSync(join(tmpdir(), "redriva-mount-"));
  const env = options.env?.(mountDir) ?? {};
  const p = await startPipeline({
    env: {
      REDRIVA_USERNAME: ARR_CREDS.username,
      REDRIVA_PASSWORD: ARR_CREDS.password,
      DOWNLOAD_MODE: "symlink",
      SYMLINK_MOUNT_PATH: mountDir,
      ...env,
    },
    ...(options.allDebrid ? { allDebrid: true } : {}),
    ...(options.noRealDebrid ? { noRealDebrid: true } : {}),
  });
  const mount = startFakeMount(p.fake.state, {
    root: mountDir,
    layout: options.layout ?? "rclone-realdebrid",
    delayMs: options.delayMs ?? 0,
    ...(options.never ? { never: options.never } : {}),
    libraries: [p.fake.state.library, allDebridAccount(p.fake.state).library],
  });
  const app = createApp(p.deps);
  const arr = new ArrQbitClient((r) => app.request(r), "http://localhost:6500", ARR_CREDS);
  return {
    p,
    mount,
    mountDir,
    arr,
    async [Symbol.asyncDispose]() {
      mount.close();
      await p[Symbol.asyncDispose]();
      rmSync(mountDir, { recursive: true, force: true });
    },
  };
}

export type QbitInfo = {
  hash: string;
  state: string;
  progress: number;
  content_path: string;
  save_path: string;
  size: number;
  amount_left: number;
  name: string;
};

export async function qbitInfo(c: ArrQbitClient, hash: string): Promise<QbitInfo | undefined> {
  const list = (await (
    await c.call("GET", "torrents/info", { query: { hashes: hash } })
  ).json()) as QbitInfo[];
  return list[0];
}
