import { readFileSync } from "node:fs";

/** Peak resident memory (VmHWM) of a live process, in bytes; null once it has exited. */
export function peakRss(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export function currentRss(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Runs a command, sampling its peak RSS until it exits. */
export async function runMeasured(cmd: string[], env: Record<string, string | undefined>) {
  const started = performance.now();
  const child = Bun.spawn(cmd, { env: env as Record<string, string>, stdout: "pipe", stderr: "pipe" });
  let peak = 0;
  const timer = setInterval(() => {
    const rss = peakRss(child.pid);
    if (rss && rss > peak) peak = rss;
  }, 20);
  const [code, stdout, stderr] = await Promise.all([
    child.exited,
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  clearInterval(timer);
  return { code, stdout, stderr, ms: performance.now() - started, peakRss: peak };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
