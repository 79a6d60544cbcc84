import {
  deleteCategories,
  deleteTags,
  getCategory,
  insertCategory,
  insertTags,
  listCategories,
  listTags,
  updateCategory,
} from "../../db/repo/downloads.ts";
import type { Deps } from "../../deps.ts";
import { ConflictError, ValidationError } from "../../errors.ts";
import { normaliseTags } from "./add.ts";
import { stripTags } from "./control.ts";
import { notifyChanged } from "./events.ts";
import { categoryFolder, checkCategorySavePath, isValidCategoryName } from "./paths.ts";

export interface CategoryView {
  name: string;
  /** Absolute folder its torrents land in. */
  savePath: string;
}

/** Every category with the folder it really uses (qBit `savePath`). */
export function listCategoryViews(deps: Deps): CategoryView[] {
  return listCategories(deps.dbh.db).map((c) => ({
    name: c.name,
    savePath: categoryFolder(deps.config.downloads, c.name, c.save_path) ?? deps.config.downloads.dir,
  }));
}

function validName(name: string): string {
  if (!isValidCategoryName(name)) throw new ValidationError("Invalid category name");
  return name.trim();
}

function validSavePath(deps: Deps, savePath: string): string {
  const checked = checkCategorySavePath(deps.config.downloads, savePath);
  if (checked === null)
    throw new ValidationError(`save path must be inside DOWNLOAD_DIR (${deps.config.downloads.dir})`);
  return savePath.trim();
}

export function createCategory(deps: Deps, name: string, savePath = ""): void {
  const category = validName(name);
  const path = validSavePath(deps, savePath);
  if (!insertCategory(deps.dbh.db, category, path)) throw new ConflictError("Unable to create category");
  notifyChanged(deps);
}

export function editCategory(deps: Deps, name: string, savePath = ""): void {
  const category = validName(name);
  const path = validSavePath(deps, savePath);
  if (!getCategory(deps.dbh.db, category)) throw new ConflictError("Category does not exist");
  updateCategory(deps.dbh.db, category, path);
  notifyChanged(deps);
}

export function removeCategories(deps: Deps, names: string[]): void {
  deleteCategories(
    deps.dbh.db,
    names.map((n) => n.trim()).filter((n) => n !== ""),
  );
  notifyChanged(deps);
}

export function listAllTags(deps: Deps): string[] {
  return listTags(deps.dbh.db);
}

export function createTags(deps: Deps, tags: string[]): void {
  insertTags(deps.dbh.db, normaliseTags(tags));
}

export function removeTags(deps: Deps, tags: string[]): void {
  const names = normaliseTags(tags);
  deleteTags(deps.dbh.db, names);
  stripTags(deps, names);
  notifyChanged(deps);
}
