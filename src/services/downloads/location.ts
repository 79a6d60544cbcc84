import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { basename, join } from "node:path";
import { updateTorrent } from "../../db/repo/downloads.ts";
import type { Deps } from "../../deps.ts";
import { ConflictError, ValidationError } from "../../errors.ts";
import { type Selection, selectTorrents } from "./control.ts";
import { notifyChanged } from "./events.ts";
import { moveTree } from "./finish.ts";
import { resolveInside } from "./paths.ts";

/**
 * torrents/setLocation: a new save path inside DOWNLOAD_DIR (never elsewhere). Finished files are
 * moved there at once, as qBittorrent moves them; an unfinished torrent lands there when done.
 */
export async function setLocation(deps: Deps, selection: Selection, location: string): Promise<number> {
  const wanted = location.trim();
  if (wanted === "") throw new ValidationError("Save path is empty");
  const folder = resolveInside(deps.config.downloads.dir, wanted);
  if (!folder)
    throw new ValidationError(
      `location ${wanted} is outside DOWNLOAD_DIR (${deps.config.downloads.dir}); Redriva only writes inside it`,
    );
  let changed = 0;
  for (const torrent of selectTorrents(deps, selection)) {
    if (torrent.stage === "moving") throw new ConflictError(`${torrent.name} is being moved already`);
    if (torrent.stage === "done" && torrent.content_path) {
      const target = join(folder, basename(torrent.content_path));
      if (target === torrent.content_path) continue;
      if (existsSync(target)) throw new ConflictError(`${target} already exists`);
      await mkdir(folder, { recursive: true });
      await moveTree(torrent.content_path, target);
      updateTorrent(deps.dbh.db, torrent.hash, { save_path: folder, content_path: target });
    } else updateTorrent(deps.dbh.db, torrent.hash, { save_path: folder });
    changed++;
  }
  if (changed > 0) notifyChanged(deps);
  return changed;
}
