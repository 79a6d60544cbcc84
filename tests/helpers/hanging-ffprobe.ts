import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A stand-in ffprobe that never answers, like a probe stuck on a dead network mount. It starts
 * a child (so killing only the direct process would leave one behind) and records both pids.
 */
export function writeHangingFfprobe(dir: string): { path: string; pids(): number[] } {
  const path = join(dir, "ffprobe-hang.sh");
  const pidFile = join(dir, "ffprobe-hang.pids");
  writeFileSync(path, `#!/bin/sh\nsleep 300 &\necho "$$ $!" >> "${pidFile}"\nwait\n`);
  chmodSync(path, 0o755);
  return {
    path,
    pids: () =>
      existsSync(pidFile) ? readFileSync(pidFile, "utf8").split(/\s+/).filter(Boolean).map(Number) : [],
  };
}

/** True while the process exists and is not a zombie. */
export function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

export async function waitUntil(condition: () => boolean | Promise<boolean>, ms = 5000, what = "condition") {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`${what} not met within ${ms} ms`);
    await Bun.sleep(10);
  }
}
