import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { ownerAlive } from "./process-owner.ts";

/**
 * DATA_DIR/redriva.pid: written by the server when its jobs start, removed when it stops. Restore
 * refuses while it names a live server. A file left by a crash is recognised as stale: its
 * process is gone, or it is this very process (a container restart gives pid 1 again).
 */
export interface ServerLock {
  pid: number;
  startedAt: string;
  host: string;
}

export function serverLockPath(dataDir: string): string {
  return join(dataDir, "redriva.pid");
}

export function readServerLock(dataDir: string): ServerLock | null {
  const path = serverLockPath(dataDir);
  if (!existsSync(path)) return null;
  try {
    const lock = JSON.parse(readFileSync(path, "utf8")) as ServerLock;
    return Number.isInteger(lock.pid) ? lock : null;
  } catch {
    return null;
  }
}

/** The live server holding DATA_DIR, or null (no file, stale file, or a file from another host). */
export function runningServer(dataDir: string): ServerLock | null {
  const lock = readServerLock(dataDir);
  if (!lock) return null;
  if (lock.host !== hostname()) return null;
  // Our own pid in the file is a former life of this process (a container restart).
  return ownerAlive(lock.pid, () => false) ? lock : null;
}

export function writeServerLock(dataDir: string, now: number): void {
  const lock: ServerLock = { pid: process.pid, startedAt: new Date(now).toISOString(), host: hostname() };
  writeFileSync(serverLockPath(dataDir), `${JSON.stringify(lock)}\n`);
}

/** Removes the file only if it is ours (a second server may have taken over). */
export function releaseServerLock(dataDir: string): void {
  if (readServerLock(dataDir)?.pid === process.pid) rmSync(serverLockPath(dataDir), { force: true });
}
