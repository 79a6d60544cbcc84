import { closeSync, openSync, readdirSync, readSync } from "node:fs";
import { mkdir, rm, symlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** What the extraction is pointed at, and the real volumes behind the names the tools give. */
export interface VolumeSource {
  /** The first volume as lsar/unar should open it. */
  first: string;
  /** The real file of a volume lsar named (alias links map back to what they point at). */
  real(volume: string): string;
  /** Removes the alias folder, if one was made. */
  dispose(): Promise<void>;
}

const RAR5_SIGNATURE = Buffer.from([0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00]);

/**
 * The first volume of a set, ready for unar. An old-style RAR set (`x.rar`, `x.r00`, `x.r01`...)
 * is opened as it is when it is RAR 4 (unar finds .rNN volumes of RAR 4), but unar 1.10 only
 * looks for `.partN.rar` volumes of a RAR 5 archive (a RAR 5 set named the old way reads as
 * empty): those get a scratch folder of links named `x.part1.rar`, `x.part2.rar`... beside them.
 */
export async function openVolumes(archive: string, scratchTag: string): Promise<VolumeSource> {
  const plain: VolumeSource = { first: archive, real: (v) => v, dispose: async () => {} };
  const rest = oldStyleVolumes(archive);
  if (rest.length === 0 || !isRar5(archive)) return plain;
  const folder = join(dirname(archive), `.redriva-volumes-${scratchTag}`);
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder);
  const stem = basename(archive).replace(/\.rar$/i, "");
  const volumes = [archive, ...rest];
  const width = String(volumes.length).length;
  const links = new Map<string, string>();
  for (const [i, volume] of volumes.entries()) {
    const link = join(folder, `${stem}.part${String(i + 1).padStart(width, "0")}.rar`);
    await symlink(volume, link);
    links.set(link, volume);
  }
  return {
    first: [...links.keys()][0] as string,
    real: (v) => links.get(v) ?? v,
    dispose: () => rm(folder, { recursive: true, force: true }),
  };
}

/** `x.rar` → its siblings `x.r00`, `x.r01`... in order (case-insensitive), [] when there are none. */
export function oldStyleVolumes(archive: string): string[] {
  const name = basename(archive);
  if (!/\.rar$/i.test(name) || /\.part\d+\.rar$/i.test(name)) return [];
  const stem = name.slice(0, -4).toLowerCase();
  const folder = dirname(archive);
  return readdirSync(folder)
    .map((entry) => ({ entry, m: /^(.*)\.r(\d{2,3})$/i.exec(entry) }))
    .filter(({ m }) => m !== null && (m[1] as string).toLowerCase() === stem)
    .sort((a, b) => Number(a.m?.[2]) - Number(b.m?.[2]))
    .map(({ entry }) => join(folder, entry));
}

function isRar5(path: string): boolean {
  const head = Buffer.alloc(RAR5_SIGNATURE.length);
  const fd = openSync(path, "r");
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  return head.equals(RAR5_SIGNATURE);
}
