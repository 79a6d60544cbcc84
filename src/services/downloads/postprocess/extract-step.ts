import { lstatSync, readdirSync, statSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { formatBytes } from "../../../lib/format.ts";
import { uniqueTarget } from "../finish.ts";
import { type PostDownloadStep, type StepContext, StepFailed } from "../post-download/step.ts";
import { findArchiveSets } from "./archive-sets.ts";
import { reserveForExtraction } from "./extract-budget.ts";
import { type ArchiveListing, listArchive } from "./lsar.ts";
import { openVolumes, type VolumeSource } from "./rar-volumes.ts";
import { treeBytes, unarExtract } from "./unar.ts";

/**
 * Archives (RAR, multi-volume sets included — `.partN.rar` and old-style `.rar`/`.r00` — ZIP, 7z) are extracted after the move, with unar as
 * a supervised child process. Each set goes into a scratch folder first, then its files move
 * beside the archive (one rename each, same disk); a download that is one archive becomes a
 * folder named after it, and content_path points there. The unpacked size is reserved in the
 * download queue's disk budget before anything is written.
 */
export const extractStep: PostDownloadStep = {
  name: "extraction",
  stage: "extracting",
  stopsOnPause: true,
  wanted: (deps, torrent) =>
    deps.config.downloads.postprocess.extract.enabled &&
    torrent.content_path !== null &&
    findArchiveSets(torrent.content_path).length > 0,
  async run(ctx) {
    const { deps, torrent, signal } = ctx;
    const config = deps.config.downloads.postprocess.extract;
    const content = torrent.content_path as string;
    const sets: ArchiveSet[] = [];
    try {
      for (const [i, archive] of findArchiveSets(content).entries()) {
        const source = await openVolumes(archive, `${torrent.hash}-${i}`);
        sets.push({ archive, source, listing: await listSet(config.lsar, archive, source, signal) });
      }
      const total = sets.reduce((n, l) => n + l.listing.unpackedSize, 0);
      const release = await reserveForExtraction(ctx, total);
      try {
        const single = !statSync(content).isDirectory();
        const finalFolder = single ? uniqueTarget(dirname(content), stem(basename(content))) : content;
        let done = 0;
        for (const set of sets) {
          const target = single ? finalFolder : dirname(set.archive);
          await extractSet(ctx, config.unar, set, target, { done, total });
          done += set.listing.unpackedSize;
          if (config.deleteArchives)
            for (const volume of set.listing.volumes) await rm(volume, { force: true });
        }
        const count = sets.length;
        deps.log.info({ hash: torrent.hash, archives: count, bytes: total }, "archives extracted");
        const words = `Extracted ${count} archive${count === 1 ? "" : "s"} (${formatBytes(total)})`;
        return single ? { content_path: finalFolder, message: words } : { message: words };
      } finally {
        release();
      }
    } finally {
      for (const set of sets) await set.source.dispose();
    }
  },
};

interface ArchiveSet {
  /** The first volume, as found in the download. */
  archive: string;
  source: VolumeSource;
  /** Its volumes are the real files (never the alias links). */
  listing: ArchiveListing;
}

async function listSet(
  lsar: string,
  archive: string,
  source: VolumeSource,
  signal: AbortSignal,
): Promise<ArchiveListing> {
  const listing = await listArchive(lsar, source.first, signal, basename(archive));
  return { ...listing, volumes: listing.volumes.map((v) => source.real(v)) };
}

async function extractSet(
  ctx: StepContext,
  unar: string,
  { archive, source, listing }: ArchiveSet,
  target: string,
  totals: { done: number; total: number },
): Promise<void> {
  const scratch = join(dirname(archive), `.redriva-extract-${ctx.torrent.hash}`);
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  const report = (bytes: number) => {
    const at = totals.done + Math.min(bytes, listing.unpackedSize);
    const fraction = totals.total > 0 ? at / totals.total : 0;
    ctx.progress(
      fraction,
      `Extracting ${basename(archive)}: ${Math.floor(fraction * 100)}% (${formatBytes(at)} of ${formatBytes(totals.total)})`,
    );
  };
  try {
    report(0);
    await unarExtract(unar, source.first, scratch, {
      signal: ctx.signal,
      onBytes: report,
      name: basename(archive),
    });
    const written = treeBytes(scratch);
    if (written !== listing.unpackedSize)
      throw new StepFailed(
        `${basename(archive)} gave ${formatBytes(written)} instead of ${formatBytes(listing.unpackedSize)}: damaged or incomplete`,
      );
    await mkdir(target, { recursive: true });
    for (const entry of readdirSync(scratch)) {
      // Never follow what an archive made: a link in the scratch folder is refused.
      if (lstatSync(join(scratch, entry)).isSymbolicLink())
        throw new StepFailed(`${basename(archive)} holds links (a release never does): not extracted`);
      await rename(join(scratch, entry), uniqueTarget(target, entry));
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** `Show.S01E01.rar` → `Show.S01E01`, `x.part1.rar` → `x`, `x.7z.001` → `x`. */
function stem(name: string): string {
  return name.replace(/(\.part\d+)?\.(rar|zip|7z)(\.\d+)?$/i, "") || name;
}
