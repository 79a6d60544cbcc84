import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../../config/index.ts";
import type { Deps } from "../../deps.ts";
import { AppError } from "../../errors.ts";

import { backupsDir, integrityProblem } from "./files.ts";

export { restoreBackup } from "./restore.ts";

/** redriva-YYYYMMDD-HHMMSS-mmm[-n].db (UTC): sorts by time; -n only if two land in one ms. */
const NAME = /^redriva-(\d{8}-\d{6}-\d{3})(?:-(\d+))?\.db$/;

export interface BackupFile {
  name: string;
  path: string;
  bytes: number;
  createdAt: number;
}

export interface BackupResult extends BackupFile {
  durationMs: number;
  /** The two halves of durationMs: the copy, and its integrity check. */
  copyMs: number;
  checkMs: number;
  /** Backups deleted by rotation. */
  deleted: string[];
}

/**
 * A consistent copy of the live database (`VACUUM INTO` reads one snapshot while writers carry
 * on), verified with `PRAGMA integrity_check` before it counts, then rotation to BACKUPS_KEEP.
 */
export function createBackup(deps: Deps): BackupResult {
  const started = performance.now();
  const dir = backupsDir(deps.config);
  mkdirSync(dir, { recursive: true });
  const digits = new Date(deps.clock.now()).toISOString().replace(/\D/g, "");
  const stamp = `${digits.slice(0, 8)}-${digits.slice(8, 14)}-${digits.slice(14, 17)}`;
  let name = `redriva-${stamp}.db`;
  for (let n = 2; existsSync(join(dir, name)); n++) name = `redriva-${stamp}-${n}.db`;
  const path = join(dir, name);
  const partial = `${path}.partial`;
  rmSync(partial, { force: true });
  let copyMs = 0;
  let checkMs = 0;
  try {
    deps.dbh.sqlite.prepare("VACUUM INTO ?").run(partial);
    copyMs = performance.now() - started;
    const problem = integrityProblem(partial);
    checkMs = performance.now() - started - copyMs;
    if (problem) throw new AppError("internal", `backup failed its integrity check: ${problem}`);
    renameSync(partial, path);
  } finally {
    rmSync(partial, { force: true });
  }
  const deleted = rotateBackups(deps.config, deps.config.jobs.backupsKeep);
  return {
    name,
    path,
    bytes: statSync(path).size,
    createdAt: deps.clock.now(),
    durationMs: performance.now() - started,
    copyMs,
    checkMs,
    deleted,
  };
}

/** Backups in DATA_DIR/backups, newest first. */
export function listBackups(config: Pick<Config, "dataDir">): BackupFile[] {
  const dir = backupsDir(config);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => NAME.test(name))
    .map((name) => {
      const path = join(dir, name);
      const stat = statSync(path);
      return { name, path, bytes: stat.size, createdAt: stat.mtimeMs };
    })
    .sort((a, b) => sortKey(b.name).localeCompare(sortKey(a.name)));
}

/** The stamp and a zero-padded collision number: plain string order is time order. */
function sortKey(name: string): string {
  const match = NAME.exec(name);
  return `${match?.[1] ?? ""}-${(match?.[2] ?? "1").padStart(6, "0")}`;
}

function rotateBackups(config: Pick<Config, "dataDir">, keep: number): string[] {
  const excess = listBackups(config).slice(keep);
  for (const backup of excess) rmSync(backup.path, { force: true });
  return excess.map((b) => b.name);
}
