import { readFileSync } from "node:fs";

/**
 * "Is the process that owns this run still alive?", answered one way for everything Redriva
 * records with a pid (job runs, sync runs, symlink scans, the server lock) and for the aria2c a
 * previous Redriva may have left behind.
 *
 * A pid alone proves little: after a crash the kernel hands the number to the next process (in
 * a container Redriva is often pid 1 again). So a pid is the owner only when
 * - the process exists and is not a zombie (signal 0; EPERM means it exists under another user);
 * - where Linux tells (/proc/<pid>/cmdline), its command line is the expected program's;
 * - it is not this very process, unless the caller holds the run in memory.
 */

/** gone: no such process; match / other: it runs the expected program, or not; unknown: cannot tell. */
export type ProcessCheck = "gone" | "match" | "other" | "unknown";

/** Recognises a program from its argv. */
export type ProgramMatcher = (argv: readonly string[]) => boolean;

/** Redriva runs under Bun (or Node for the bootstrap), or as a compiled `redriva` binary. */
export const REDRIVA: ProgramMatcher = (argv) => argv.some((arg) => /bun|node|redriva/i.test(arg));

/** The aria2c started for this session file (never someone else's aria2c). */
export const aria2For =
  (sessionFile: string): ProgramMatcher =>
  (argv) =>
    argv.some((arg) => arg.includes("aria2c")) && argv.some((arg) => arg.includes(sessionFile));

function signalable(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The state follows the command name, which is in parentheses and may contain anything.
    return stat.slice(stat.lastIndexOf(")") + 2)[0] === "Z";
  } catch {
    return false;
  }
}

/** argv of `pid`; null where /proc cannot tell (another OS, hidepid), [] while a process is spawning. */
export function commandLine(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8")
      .split("\0")
      .filter((a) => a !== "");
  } catch {
    return null;
  }
}

export function checkProcess(pid: number | null | undefined, program: ProgramMatcher): ProcessCheck {
  if (!pid || !Number.isInteger(pid) || pid <= 0) return "gone";
  if (!signalable(pid) || isZombie(pid)) return "gone";
  const argv = commandLine(pid);
  if (!argv || argv.length === 0) return "unknown";
  return program(argv) ? "match" : "other";
}

/**
 * Whether the run recorded with `pid` still has a live owner. A pid that cannot be checked
 * counts as alive (a live run is never stolen); our own pid counts only if `heldHere` says this
 * process is running it (otherwise the row is from a former life under the same pid).
 */
export function ownerAlive(
  pid: number | null | undefined,
  heldHere: () => boolean,
  program: ProgramMatcher = REDRIVA,
): boolean {
  if (pid === process.pid) return heldHere();
  const check = checkProcess(pid, program);
  return check === "match" || check === "unknown";
}
