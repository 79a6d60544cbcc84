import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { moveTree, uniqueTarget } from "../finish.ts";
import { incompleteFolder } from "../paths.ts";
import { type PostDownloadStep, StepFailed } from "./step.ts";

/**
 * The files go from the incomplete folder to their final place in one rename (the *arr never
 * sees a half-written file at content_path); across disks, a copy then a rename.
 */
export const moveStep: PostDownloadStep = {
  name: "move",
  stage: "moving",
  wanted: () => true,
  async run({ deps, torrent }) {
    const config = deps.config.downloads;
    const rootName = torrent.root_name ?? torrent.hash;
    const source = join(incompleteFolder(config, torrent.hash), rootName);
    // Moved already (a retry after a later step failed, a restart after the rename).
    if (!existsSync(source) && torrent.content_path && existsSync(torrent.content_path)) return undefined;
    try {
      await mkdir(torrent.save_path, { recursive: true });
      const target = uniqueTarget(torrent.save_path, rootName);
      await moveTree(source, target);
      await rm(incompleteFolder(config, torrent.hash), { recursive: true, force: true });
      return { content_path: target };
    } catch (error) {
      throw new StepFailed(`could not move the files into ${torrent.save_path}: ${(error as Error).message}`);
    }
  },
};
