import { mkdir, open, readlink, realpath, rename, rm, symlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { DownloadsConfig } from "../../config/sections/downloads.ts";
import { uniqueTarget } from "./finish.ts";
import { linkTextFor } from "./mode.ts";
import { resolveInside } from "./paths.ts";

/** Bytes read through each new link before the torrent is reported complete. */
const PROBE_BYTES = 4096;

export interface LinkPlan {
  hash: string;
  savePath: string;
  rootName: string;
  mount: string;
  /** One per selected file: path inside the torrent's root ("" for a single file) → file in the mount. */
  files: Array<{ path: string; size: number; target: string }>;
}

/**
 * Writes one symlink per file, in a hidden staging name beside the final one, checks each (it
 * resolves into the mount and reads its first bytes), then renames it into place at once: the
 * *arr never sees a half-made folder. Returns the content path. Throws with the reason, leaving
 * nothing behind.
 */
export async function writeLinks(config: DownloadsConfig, plan: LinkPlan): Promise<string> {
  const savePath = resolveInside(config.dir, plan.savePath);
  if (!savePath) throw new Error(`the save path ${plan.savePath} is outside DOWNLOAD_DIR`);
  await mkdir(savePath, { recursive: true });
  const staging = join(savePath, `.redriva-linking-${plan.hash}`);
  await rm(staging, { recursive: true, force: true });
  const single = plan.files.length === 1 && plan.files[0]?.path === "";
  try {
    for (const file of plan.files) {
      if (!resolveInside(plan.mount, file.target))
        throw new Error(`${file.target} is outside the mount ${plan.mount}`);
      const linkPath = single ? staging : resolveInside(staging, file.path);
      if (!linkPath || (!single && linkPath === staging))
        throw new Error(`file path ${file.path} leaves the torrent's folder`);
      await mkdir(dirname(linkPath), { recursive: true });
      await symlink(linkTextFor(config, file.target), linkPath);
      await verifyLink(plan.mount, linkPath, file);
    }
    const target = uniqueTarget(savePath, plan.rootName);
    await rename(staging, target);
    return target;
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/**
 * A link is good when it points where it should and its target reads. With a path mapping the
 * link holds the *arr's path, which may not exist here: the target is then read from the mount
 * directly (the same file under Redriva's path).
 */
async function verifyLink(
  mount: string,
  linkPath: string,
  file: { path: string; size: number; target: string },
): Promise<void> {
  const text = await readlink(linkPath);
  const mapped = text !== file.target;
  let readable = linkPath;
  if (mapped) readable = file.target;
  else {
    const real = await realpath(linkPath).catch(() => null);
    const mountReal = await realpath(mount).catch(() => mount);
    if (!real || !resolveInside(mountReal, real))
      throw new Error(`the link for ${file.path || "the file"} does not resolve into the mount ${mount}`);
  }
  const wanted = Math.min(PROBE_BYTES, file.size);
  const handle = await open(readable, "r").catch((error: Error) => {
    throw new Error(`cannot open ${file.target} in the mount: ${error.message}`);
  });
  try {
    const { bytesRead } = await handle.read(Buffer.alloc(Math.max(1, wanted)), 0, Math.max(1, wanted), 0);
    if (bytesRead < wanted)
      throw new Error(`${file.target} in the mount reads ${bytesRead} of its first ${wanted} bytes`);
  } finally {
    await handle.close();
  }
}
