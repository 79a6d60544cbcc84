import { closeSync, openSync, readSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { AppError } from "../errors.ts";

/**
 * The two ways a database can fail under a user's feet, each turned into one line that says what,
 * where and what to do: the disk is full, or the file is corrupt/truncated.
 */
function sqliteCode(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : null;
}

/** SQLITE_FULL (the disk, or the WAL, could not grow) or ENOSPC from the file system. */
export function isDiskFull(error: unknown): boolean {
  if (error instanceof DiskFullError) return true;
  const code = sqliteCode(error);
  return code === "SQLITE_FULL" || code === "ENOSPC";
}

function isCorrupt(error: unknown): boolean {
  const code = sqliteCode(error);
  return code === "SQLITE_CORRUPT" || code === "SQLITE_NOTADB";
}

function restoreHint(dbPath: string): string {
  return `restore the last good backup from ${join(dirname(dbPath), "backups")} (\`bun run redriva backup --list\`, then \`bun run redriva restore <file>\`)`;
}

class DiskFullError extends AppError {
  constructor(dbPath: string, cause?: unknown) {
    super(
      "internal",
      `The disk holding ${dbPath} is full: the last write was rolled back, nothing is half-written. Free space on that disk, then run the command again (\`bun run redriva sync resume\` continues a sync); if the database is damaged, ${restoreHint(dbPath)}.`,
      { cause, context: { dbPath } },
    );
    this.name = "DiskFullError";
  }
}

class DatabaseUnusableError extends AppError {
  constructor(dbPath: string, what: string, cause?: unknown) {
    super(
      "internal",
      `The database ${dbPath} is unusable (${what}); it was left as it is. Move it aside, or ${restoreHint(dbPath)}.`,
      { cause, context: { dbPath } },
    );
    this.name = "DatabaseUnusableError";
  }
}

/** The typed error for a SQLite failure on `dbPath`, or the error itself when it is neither. */
export function explainDatabaseError(error: unknown, dbPath: string): unknown {
  if (error instanceof DiskFullError || error instanceof DatabaseUnusableError) return error;
  if (isDiskFull(error)) return new DiskFullError(dbPath, error);
  if (isCorrupt(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return new DatabaseUnusableError(dbPath, `corrupt: ${message}`, error);
  }
  return error;
}

const HEADER = "SQLite format 3\0";

/**
 * Reads the 100-byte header before SQLite does: an empty/new file passes; a file that is not a
 * database, or shorter than the pages its header counts (truncated by a copy or a full disk),
 * throws DatabaseUnusableError. SQLite itself only notices a truncation when it reads there.
 */
export function checkDatabaseFile(dbPath: string): void {
  let size: number;
  try {
    size = statSync(dbPath).size;
  } catch {
    return; // absent: SQLite creates it
  }
  if (size === 0) return;
  const header = Buffer.alloc(100);
  const fd = openSync(dbPath, "r");
  let read: number;
  try {
    read = readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (read < 100 || header.toString("latin1", 0, 16) !== HEADER) {
    throw new DatabaseUnusableError(
      dbPath,
      read < 100 ? `truncated: ${size} bytes` : "not a SQLite database",
    );
  }
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65_536 : rawPageSize;
  const changeCounter = header.readUInt32BE(24);
  const pageCount = header.readUInt32BE(28);
  const validFor = header.readUInt32BE(92);
  // The in-header size is only trustworthy when written by the same change (SQLite ≥ 3.7.0).
  if (validFor !== changeCounter || pageCount === 0 || size >= pageCount * pageSize) return;
  // A checkpoint cut short (a full disk) leaves the main file shorter than its header says while
  // the write-ahead log still holds the missing pages: SQLite replays it, nothing is lost.
  const firstMissing = Math.floor(size / pageSize) + 1;
  const inLog = pagesInWriteAheadLog(`${dbPath}-wal`, pageSize);
  for (let page = firstMissing; page <= pageCount; page++) {
    if (!inLog.has(page)) {
      throw new DatabaseUnusableError(dbPath, `truncated: ${size} of ${pageCount * pageSize} bytes`);
    }
  }
}

/**
 * The pages a write-ahead log holds in committed frames of its current generation (frames whose
 * salts match the log header's, up to the last commit frame); empty when there is no log.
 */
function pagesInWriteAheadLog(walPath: string, pageSize: number): Set<number> {
  const committed = new Set<number>();
  let fd: number;
  try {
    fd = openSync(walPath, "r");
  } catch {
    return committed;
  }
  try {
    const header = Buffer.alloc(32);
    if (readSync(fd, header, 0, 32, 0) < 32 || header.readUInt32BE(8) !== pageSize) return committed;
    const salts = header.readBigUInt64BE(16);
    const frame = Buffer.alloc(24);
    const pending: number[] = [];
    for (let offset = 32; readSync(fd, frame, 0, 24, offset) === 24; offset += 24 + pageSize) {
      if (frame.readBigUInt64BE(8) !== salts) break;
      pending.push(frame.readUInt32BE(0));
      if (frame.readUInt32BE(4) > 0) {
        for (const page of pending) committed.add(page);
        pending.length = 0;
      }
    }
  } finally {
    closeSync(fd);
  }
  return committed;
}

/**
 * A small file kept beside the database (`redriva.db.reserve`) and given back when the disk is
 * full, so that the failure itself can still be written (a run recorded `failed`, not left
 * `running`). Recreated at the next open once there is space again.
 */
const RESERVE_BYTES = 512 * 1024;

function reservePath(dbPath: string): string {
  return `${dbPath}.reserve`;
}

export function ensureDiskReserve(dbPath: string): void {
  const path = reservePath(dbPath);
  try {
    if (statSync(path).size === RESERVE_BYTES) return;
  } catch {
    // absent: create it
  }
  try {
    writeFileSync(path, Buffer.alloc(RESERVE_BYTES));
  } catch {
    // The disk is already full: no reserve this time, never a failure to start.
    rmSync(path, { force: true });
  }
}

/** Frees the reserve; true when there was one to free. */
export function releaseDiskReserve(dbPath: string): boolean {
  try {
    rmSync(reservePath(dbPath));
    return true;
  } catch {
    return false;
  }
}
