import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { formatBytes } from "../../../lib/format.ts";
import type { StepContext } from "../post-download/step.ts";
import { ChecksumMismatchError, copyFileVerified } from "./copy-file.ts";
import { existingAncestor } from "./disks.ts";

/** Per file, what was copied and verified: a restart skips these (never a file half written). */
const MANIFEST = ".redriva-verified.json";
type Manifest = Record<string, { size: number; sha256: string }>;

/** The move step's context, with progress words throttled (`now` writes a change of phase at once). */
export interface MoveContext extends StepContext {
  report(fraction: number, message: string, now?: boolean): void;
}

/** Bytes per read/write: long runs on a disk with heads, smaller blocks on flash. */
const CHUNK_BYTES = { hdd: 8 * 1024 * 1024, ssd: 1024 * 1024 } as const;

/**
 * Copies the downloaded tree `source` to `dest` (on the final disk), each file checksummed while
 * copied and verified by reading it back. Waits first for room on the final disk and for its
 * turn there (one copy at a time onto a hard disk).
 */
export async function copyTree(ctx: MoveContext, source: string, dest: string): Promise<void> {
  const { deps, engine, torrent, signal } = ctx;
  const { disks, slots } = engine.staging;
  const device = disks.deviceOf(torrent.save_path);
  const kind = disks.kindOf(torrent.save_path);
  const files = await listFiles(source);
  const total = files.reduce((sum, f) => sum + f.size, 0);
  const folder = dirname(dest);
  await mkdir(folder, { recursive: true });
  const manifestPath = join(folder, MANIFEST);
  const manifest = await readManifest(manifestPath);
  const destOf = (relative: string) => (relative === "" ? dest : join(dest, relative));

  for (;;) {
    await waitForSpace(ctx, total - (await bytesPresent(files, destOf)));
    if (slots.runningOn(device) > 0)
      ctx.report(0, "waiting for the final disk: another copy is writing to it", true);
    await slots.acquire(device, kind, signal);
    // Another copy may have filled the disk while this one waited for its turn.
    if (await hasSpace(ctx, total - (await bytesPresent(files, destOf)))) break;
    slots.release(device);
  }
  try {
    const started = performance.now();
    let copied = 0;
    const progress = (label: string) => {
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? `, ${formatBytes(copied / seconds)}/s` : "";
      const percent = total > 0 ? Math.floor((copied / total) * 100) : 100;
      ctx.report(
        total > 0 ? copied / total : 1,
        `${label} ${formatBytes(copied)} of ${formatBytes(total)} (${percent}%)${rate}`,
      );
    };
    for (const file of files) {
      const target = destOf(file.relative);
      if (manifest[file.relative]?.size === file.size && (await sizeOf(target)) === file.size) {
        copied += file.size;
        continue;
      }
      await mkdir(dirname(target), { recursive: true });
      const options = {
        chunkBytes: CHUNK_BYTES[kind],
        speedLimit: deps.config.downloads.staging.moveSpeedLimit,
        signal,
        onBytes: (n: number) => {
          copied += n;
          progress(`copying to the final disk (${kind}):`);
        },
        onVerify: () =>
          ctx.report(
            total > 0 ? copied / total : 1,
            `verifying the copy of ${file.relative || torrent.root_name || torrent.name}`,
            true,
          ),
        dropCache: engine.staging.dropCache,
        sleep: (ms: number, s: AbortSignal) => deps.clock.sleep(ms, s),
      };
      const before = copied;
      let sha256: string;
      try {
        sha256 = await copyFileVerified(join(source, file.relative), target, options);
      } catch (error) {
        if (!(error instanceof ChecksumMismatchError)) throw error;
        // Once more from zero; a second mismatch means the disk is failing: the torrent says so.
        deps.log.warn({ hash: torrent.hash, file: target }, "copy did not verify; copying it again");
        copied = before;
        await rm(target, { force: true });
        sha256 = await copyFileVerified(join(source, file.relative), target, options);
      }
      manifest[file.relative] = { size: file.size, sha256 };
      await writeManifest(manifestPath, manifest);
    }
    deps.log.info(
      { hash: torrent.hash, files: files.length, bytes: total, to: dest, disk: kind },
      "copied onto the final disk and verified",
    );
  } finally {
    slots.release(device);
  }
}

/** Regular files under `root` (or `root` itself when it is one), with their size. */
export async function listFiles(root: string): Promise<Array<{ relative: string; size: number }>> {
  const info = await stat(root);
  if (info.isFile()) return [{ relative: "", size: info.size }];
  const found: Array<{ relative: string; size: number }> = [];
  const walk = async (folder: string, prefix: string) => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const relative = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) await walk(join(folder, entry.name), relative);
      else if (entry.isFile()) found.push({ relative, size: (await stat(join(folder, entry.name))).size });
    }
  };
  await walk(root, "");
  return found.sort((a, b) => a.relative.localeCompare(b.relative));
}

async function sizeOf(path: string): Promise<number> {
  return (await stat(path).catch(() => null))?.size ?? -1;
}

/** Bytes already on the final disk (a copy cut short by a restart). */
async function bytesPresent(
  files: Array<{ relative: string; size: number }>,
  destOf: (relative: string) => string,
): Promise<number> {
  let present = 0;
  for (const f of files) present += Math.min(f.size, Math.max(0, await sizeOf(destOf(f.relative))));
  return present;
}

async function hasSpace(ctx: MoveContext, bytes: number): Promise<boolean> {
  const { save_path } = ctx.torrent;
  const space = await ctx.engine.space(existingAncestor(save_path));
  return space.free >= bytes + ctx.deps.config.downloads.minFreeSpace;
}

/**
 * Room for `bytes` plus DOWNLOAD_MIN_FREE_SPACE on the final disk, else wait (saying so) until
 * something frees it; a disk too small to ever hold it fails the torrent with the figures.
 */
async function waitForSpace(ctx: MoveContext, bytes: number): Promise<void> {
  const { deps, engine, torrent, signal } = ctx;
  const minFree = deps.config.downloads.minFreeSpace;
  const retryMs = Math.max(250, Math.min(5_000, deps.config.downloads.tickMs * 4));
  for (;;) {
    const space = await engine.space(existingAncestor(torrent.save_path));
    if (space.free >= bytes + minFree) return;
    if (space.total > 0 && space.total < bytes + minFree)
      throw new Error(
        `the final disk of ${torrent.save_path} is too small: ${formatBytes(space.total)} in all, the copy needs ${formatBytes(bytes)} plus DOWNLOAD_MIN_FREE_SPACE (${formatBytes(minFree)})`,
      );
    ctx.report(
      0,
      `waiting for space on the final disk: ${formatBytes(space.free)} free in ${torrent.save_path}, the copy needs ${formatBytes(bytes)} plus DOWNLOAD_MIN_FREE_SPACE (${formatBytes(minFree)})`,
      true,
    );
    await deps.clock.sleep(retryMs, signal);
  }
}

async function readManifest(path: string): Promise<Manifest> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as Manifest;
  } catch {
    return {};
  }
}

/** Written whole then renamed: a crash leaves the old manifest or the new, never half of one. */
async function writeManifest(path: string, manifest: Manifest): Promise<void> {
  await writeFile(`${path}.tmp`, JSON.stringify(manifest));
  await rename(`${path}.tmp`, path);
}
