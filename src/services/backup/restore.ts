import { Database } from "bun:sqlite";
import { copyFileSync, existsSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { drizzle } from "drizzle-orm/bun-sqlite";
import type { Config } from "../../config/index.ts";
import { closeRunsOfRestoredBackup } from "../../db/repo/jobs.ts";
import { ConflictError, ValidationError } from "../../errors.ts";
import { runningServer } from "../../lib/server-lock.ts";
import { backupsDir, integrityProblem } from "./files.ts";

export interface RestoreResult {
  restoredFrom: string;
  /** Where the database that was in place now lives (null when there was none). */
  previousKeptAt: string | null;
}

/**
 * Puts a backup in place of the database. Refuses while a server uses DATA_DIR (its open
 * connection would keep writing to the replaced file). The current database is kept beside
 * as redriva.db.before-restore-<time>, never deleted.
 */
export function restoreBackup(
  config: Pick<Config, "dataDir" | "dbPath">,
  file: string,
  now = Date.now(),
): RestoreResult {
  const server = runningServer(config.dataDir);
  if (server) {
    throw new ConflictError(
      `Redriva is running (pid ${server.pid}, since ${server.startedAt}): stop it before restoring a backup`,
    );
  }
  const source = locateBackup(config, file);
  const problem = integrityProblem(source);
  if (problem) throw new ValidationError(`${file} is not a sound SQLite database: ${problem}`);
  if (!looksLikeRedriva(source))
    throw new ValidationError(`${file} is not a Redriva database (no job or torrent tables)`);

  let previousKeptAt: string | null = null;
  if (existsSync(config.dbPath)) {
    checkpoint(config.dbPath);
    const stamp = new Date(now).toISOString().replace(/\D/g, "").slice(0, 14);
    previousKeptAt = `${config.dbPath}.before-restore-${stamp}`;
    renameSync(config.dbPath, previousKeptAt);
  }
  for (const suffix of ["-wal", "-shm", "-journal"]) rmSync(`${config.dbPath}${suffix}`, { force: true });
  const partial = `${config.dbPath}.restoring`;
  copyFileSync(source, partial);
  closeInterruptedRuns(partial, now);
  renameSync(partial, config.dbPath);
  return { restoredFrom: source, previousKeptAt };
}

function closeInterruptedRuns(path: string, now: number): void {
  const sqlite = new Database(path);
  try {
    const hasRuns = sqlite
      .query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'job_runs'")
      .get();
    if (hasRuns) closeRunsOfRestoredBackup(drizzle(sqlite), now);
  } finally {
    sqlite.close();
  }
}

/** A path as given, or a bare file name from DATA_DIR/backups. */
function locateBackup(config: Pick<Config, "dataDir">, file: string): string {
  const candidates = [resolve(file)];
  if (basename(file) === file) candidates.push(join(backupsDir(config), file));
  const found = candidates.find((p) => existsSync(p) && statSync(p).isFile());
  if (!found)
    throw new ValidationError(
      `backup not found: ${file} (looked in the current directory and ${backupsDir(config)})`,
    );
  return found;
}

function looksLikeRedriva(path: string): boolean {
  const db = new Database(path, { readonly: true });
  try {
    const row = db
      .query<{ n: number }, []>(
        "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('torrents', 'job_runs', '__drizzle_migrations')",
      )
      .get();
    return (row?.n ?? 0) > 0;
  } finally {
    db.close();
  }
}

/** Folds the WAL into the main file so the copy kept aside is complete on its own. */
function checkpoint(path: string): void {
  const db = new Database(path);
  try {
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } finally {
    db.close();
  }
}
