import type { Deps } from "../../deps.ts";
import { errorMessage } from "../../errors.ts";
import { getArrConnection, savedKeyFor } from "./settings.ts";
import { ARR_DEFAULT_PORTS, ARR_KINDS, type ArrKind } from "./types.ts";

export interface DetectedArr {
  kind: ArrKind;
  url: string;
  source: "localhost" | "docker";
  /** Container name when found through Docker. */
  container?: string;
  /** Confirmed by its status answer (with the saved key), else guessed from port/image. */
  confirmed: boolean;
  version?: string | undefined;
  /** It answered 401: Sonarr/Radarr with authentication on; enter its API key. */
  needsApiKey: boolean;
}

export interface DetectOptions {
  hosts?: string[];
  ports?: Partial<Record<ArrKind, number[]>>;
  /** Look at running containers (`docker ps`) too. Default true; absence of Docker is fine. */
  docker?: boolean;
  dockerBin?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface DetectResult {
  services: DetectedArr[];
  docker: { available: boolean; containers: number; error?: string };
}

/**
 * Looks for Sonarr/Radarr on their default ports on this machine and, when the Docker CLI works,
 * among running containers (published ports and container addresses). Never throws: an absent
 * Docker or an unreachable port is part of the answer, not an error.
 */
export async function detectArrServices(deps: Deps, options: DetectOptions = {}): Promise<DetectResult> {
  const timeoutMs = options.timeoutMs ?? 1500;
  const candidates: Array<Omit<DetectedArr, "confirmed" | "needsApiKey" | "version">> = [];
  for (const host of options.hosts ?? ["127.0.0.1"]) {
    for (const kind of ARR_KINDS) {
      for (const port of options.ports?.[kind] ?? [ARR_DEFAULT_PORTS[kind]]) {
        candidates.push({ kind, url: `http://${host}:${port}`, source: "localhost" });
      }
    }
  }
  const docker =
    options.docker === false
      ? { available: false, containers: 0, error: "not asked", candidates: [] }
      : await dockerCandidates(options.dockerBin ?? "docker", timeoutMs * 2);
  candidates.push(...docker.candidates);

  const seen = new Set<string>();
  const unique = candidates.filter((c) => !seen.has(`${c.kind} ${c.url}`) && seen.add(`${c.kind} ${c.url}`));
  const probed = await Promise.all(
    unique.map(async (candidate): Promise<DetectedArr | null> => {
      // The saved key goes only to the saved URL; any other candidate is probed without it.
      const apiKey = savedKeyFor(getArrConnection(deps, candidate.kind), candidate.url);
      const answer = await probe(candidate.url, apiKey, timeoutMs, options.signal);
      if (!answer) return null;
      if (answer.appName && answer.appName.toLowerCase() !== candidate.kind) return null;
      return {
        ...candidate,
        confirmed: Boolean(answer.appName),
        version: answer.version,
        needsApiKey: answer.status === 401,
      };
    }),
  );
  return {
    services: probed.filter((p): p is DetectedArr => p !== null),
    docker: { available: docker.available, containers: docker.containers, error: docker.error },
  };
}

async function probe(url: string, apiKey: string | undefined, timeoutMs: number, signal?: AbortSignal) {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(`${url}/api/v3/system/status`, {
      headers: apiKey ? { "X-Api-Key": apiKey, Accept: "application/json" } : { Accept: "application/json" },
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      redirect: "manual",
    });
    const text = await response.text();
    if (response.status === 401) return { status: 401, appName: undefined, version: undefined };
    if (!response.ok) return null;
    const body = JSON.parse(text) as { appName?: unknown; version?: unknown };
    if (typeof body.appName !== "string") return null;
    return {
      status: response.status,
      appName: body.appName,
      version: typeof body.version === "string" ? body.version : undefined,
    };
  } catch {
    return null;
  }
}

interface DockerPsLine {
  Names?: string;
  Image?: string;
  Ports?: string;
}

async function dockerCandidates(bin: string, timeoutMs: number) {
  const result = {
    available: false,
    containers: 0,
    error: undefined as string | undefined,
    candidates: [] as Array<Omit<DetectedArr, "confirmed" | "needsApiKey" | "version">>,
  };
  const ps = await runQuiet([bin, "ps", "--format", "{{json .}}"], timeoutMs);
  if (!ps.ok) {
    result.error = ps.error;
    return result;
  }
  result.available = true;
  for (const line of ps.stdout.split("\n")) {
    if (!line.trim()) continue;
    let row: DockerPsLine;
    try {
      row = JSON.parse(line) as DockerPsLine;
    } catch {
      continue;
    }
    result.containers++;
    const label = `${row.Image ?? ""} ${row.Names ?? ""}`.toLowerCase();
    const kind = ARR_KINDS.find((k) => label.includes(k));
    if (!kind) continue;
    const name = (row.Names ?? "").split(",")[0] ?? "";
    const internal = ARR_DEFAULT_PORTS[kind];
    // "0.0.0.0:18989->8989/tcp, [::]:18989->8989/tcp": the host side of the app's port.
    for (const match of (row.Ports ?? "").matchAll(/(?:([\d.]+)|\[[^\]]*\]):(\d+)->(\d+)\/tcp/g)) {
      if (Number(match[3]) !== internal) continue;
      const host = !match[1] || match[1] === "0.0.0.0" ? "127.0.0.1" : match[1];
      result.candidates.push({ kind, url: `http://${host}:${match[2]}`, source: "docker", container: name });
    }
    if (name) {
      const inspect = await runQuiet(
        [bin, "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}", name],
        timeoutMs,
      );
      for (const ip of inspect.ok ? inspect.stdout.split(/\s+/).filter(Boolean) : []) {
        result.candidates.push({ kind, url: `http://${ip}:${internal}`, source: "docker", container: name });
      }
      // Same Docker network as Redriva: the container name resolves.
      result.candidates.push({ kind, url: `http://${name}:${internal}`, source: "docker", container: name });
    }
  }
  return result;
}

async function runQuiet(cmd: string[], timeoutMs: number) {
  try {
    const proc = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe", stdin: "ignore" });
    const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
    const [stdout, stderr, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    clearTimeout(timer);
    if (code !== 0) return { ok: false as const, error: stderr.trim().split("\n")[0] || `exit code ${code}` };
    return { ok: true as const, stdout };
  } catch (error) {
    // ENOENT: no Docker CLI here, which is fine.
    return { ok: false as const, error: errorMessage(error) };
  }
}
