import { mkdirSync, readFileSync } from "node:fs";
import { waitFor } from "./downloads.ts";

/** A folder mounted at `mountDir` through FUSE, the way users mount their debrid library. */
export interface RcloneMount {
  mountDir: string;
  [Symbol.asyncDispose](): Promise<void>;
}

const mounted = (dir: string) =>
  readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .some((line) => line.split(" ")[1] === dir);

async function firstMatch(proc: { stderr: ReadableStream<Uint8Array> }, pattern: RegExp): Promise<string> {
  const reader = proc.stderr.getReader();
  let text = "";
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
    const match = pattern.exec(text);
    if (match?.[1]) {
      reader.releaseLock();
      return match[1];
    }
  }
  throw new Error(`rclone did not say ${pattern}: ${text.slice(-1000)}`);
}

/**
 * `rclone mount` of `remote` at `mountDir` (read-only, directory cache `dirCacheTime`): a real
 * FUSE mount with its refresh delay. `env` may define the remote (RCLONE_CONFIG_<NAME>_*).
 * Needs /dev/fuse and root (or fuse permissions). `cleanup` runs after the unmount.
 */
export async function mountRemote(
  remote: string,
  mountDir: string,
  options: { env?: Record<string, string>; dirCacheTime?: string; cleanup?: () => Promise<void> } = {},
): Promise<RcloneMount & { remote: string }> {
  mkdirSync(mountDir, { recursive: true });
  const mount = Bun.spawn(
    ["rclone", "mount", remote, mountDir, "--read-only", "--dir-cache-time", options.dirCacheTime ?? "1s"],
    {
      env: { ...process.env, RCLONE_CONFIG: "/dev/null", ...options.env },
      stdin: "ignore",
      stdout: "ignore",
      stderr: "ignore",
    },
  );
  const stop = async () => {
    mount.kill("SIGTERM");
    await mount.exited;
    for (const bin of ["fusermount3", "fusermount"])
      if (mounted(mountDir) && Bun.which(bin)) Bun.spawnSync([bin, "-uz", mountDir]);
    await options.cleanup?.();
  };
  try {
    await waitFor(() => mounted(mountDir), { timeoutMs: 20_000, what: `rclone mount at ${mountDir}` });
  } catch (error) {
    await stop();
    throw error;
  }
  return { mountDir, remote, [Symbol.asyncDispose]: stop };
}

/**
 * `rclone serve webdav` of `sourceDir` on a loopback port, mounted at `mountDir` with
 * `rclone mount`: the rclone-on-provider-WebDAV set-up.
 */
export async function serveAndMount(
  sourceDir: string,
  mountDir: string,
  dirCacheTime = "1s",
): Promise<RcloneMount> {
  const serve = Bun.spawn(["rclone", "serve", "webdav", sourceDir, "--addr", "127.0.0.1:0"], {
    env: { ...process.env, RCLONE_CONFIG: "/dev/null" },
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  const stopServe = async () => {
    serve.kill("SIGTERM");
    await serve.exited;
  };
  try {
    const url = await firstMatch(serve, /WebDav Server started on \[?(http:\/\/127\.0\.0\.1:\d+\/)/);
    return await mountRemote(`:webdav,url='${url}':`, mountDir, { dirCacheTime, cleanup: stopServe });
  } catch (error) {
    await stopServe();
    throw error;
  }
}
