import { readFileSync } from "node:fs";

/** Runs podman (configured by CONTAINERS_CONF, which container-test.sh writes); its stdout, or throws with its stderr. */
export async function podman(args: string[]): Promise<string> {
  const child = Bun.spawn(["podman", ...args], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  if (code !== 0) throw new Error(`podman ${args.slice(0, 2).join(" ")} failed (${code}): ${err.trim()}`);
  return out;
}

/** The host side of podman's default bridge network (10.88.0.1 unless configured otherwise). */
export async function bridgeGateway(): Promise<string> {
  const out = await podman([
    "network",
    "inspect",
    "podman",
    "--format",
    "{{range .Subnets}}{{.Gateway}} {{end}}",
  ]);
  const gateway = out
    .trim()
    .split(/\s+/)
    .find((ip) => /^\d+\.\d+\.\d+\.\d+$/.test(ip));
  if (!gateway) throw new Error(`no IPv4 gateway on podman's default network (${out.trim()})`);
  return gateway;
}

/** Resident memory of processes (kB → bytes), read from /proc like `ps` does. */
export function residentBytes(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    total += Number(line?.[1] ?? 0) * 1024;
  }
  return total;
}

/**
 * A container's memory two ways: the resident memory of its processes (comparable with a bare
 * process), and what `podman stats` reports for its cgroup.
 */
export async function containerMemory(name: string): Promise<{ rssBytes: number; cgroup: string }> {
  const pids = (await podman(["top", name, "hpid"]))
    .split("\n")
    .slice(1)
    .map((line) => Number(line.trim()))
    .filter((pid) => pid > 0);
  const stats = (await podman(["stats", "--no-stream", "--format", "{{.MemUsage}}", name])).trim();
  return { rssBytes: residentBytes(pids), cgroup: stats };
}
