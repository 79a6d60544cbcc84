/**
 * A supervised child process: argv only (never a shell), its own process group so a timeout, an
 * abort (delete, shutdown) or its normal end stops everything it started, output read line by
 * line with only the last lines kept (a chatty command never grows Redriva's memory).
 */
export interface ChildOptions {
  cwd?: string;
  /** The whole environment of the child (nothing is inherited unless given here). */
  env: Record<string, string>;
  signal?: AbortSignal;
  /** Killed after this long (0: no limit). */
  timeoutMs?: number;
  /** Each line of stdout and stderr as it comes. */
  onLine?(line: string): void;
  /** Lines kept for the report (the last ones). */
  keepLines?: number;
}

export interface ChildResult {
  exitCode: number | null;
  /** Set when a signal ended it (ours or anyone's). */
  signal: string | null;
  timedOut: boolean;
  aborted: boolean;
  /** The last `keepLines` lines of stdout and stderr, interleaved as they came. */
  output: string[];
}

const GRACE_MS = 2_000;

export async function runChild(argv: string[], options: ChildOptions): Promise<ChildResult> {
  if (options.signal?.aborted)
    return { exitCode: null, signal: null, timedOut: false, aborted: true, output: [] };
  const proc = Bun.spawn(argv, {
    cwd: options.cwd,
    env: options.env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    detached: true,
  });
  const keep = options.keepLines ?? 50;
  const output: string[] = [];
  const onLine = (line: string) => {
    output.push(line);
    if (output.length > keep) output.shift();
    options.onLine?.(line);
  };
  let timedOut = false;
  let aborted = false;
  let killTimer: ReturnType<typeof setTimeout> | null = null;
  const stop = () => {
    killGroup(proc.pid, "SIGTERM");
    killTimer ??= setTimeout(() => killGroup(proc.pid, "SIGKILL"), GRACE_MS);
  };
  const onAbort = () => {
    aborted = true;
    stop();
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const timer =
    options.timeoutMs && options.timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          stop();
        }, options.timeoutMs)
      : null;
  const reading = Promise.all([readLines(proc.stdout, onLine), readLines(proc.stderr, onLine)]);
  const exitCode = await proc.exited;
  // Whatever it left running in the background goes with it (and frees the pipes).
  killGroup(proc.pid, "SIGKILL");
  await reading;
  if (timer) clearTimeout(timer);
  if (killTimer) clearTimeout(killTimer);
  options.signal?.removeEventListener("abort", onAbort);
  return {
    exitCode: proc.signalCode ? null : exitCode,
    signal: proc.signalCode === null ? null : String(proc.signalCode),
    timedOut,
    aborted,
    output,
  };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

async function readLines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let pending = "";
  // A line longer than this is cut: a binary blob on stdout never fills the memory.
  const maxLine = 4096;
  const reader = stream.getReader();
  for (;;) {
    const { done, value: chunk } = await reader.read();
    if (done) break;
    pending += decoder.decode(chunk, { stream: true });
    let newline = pending.search(/[\r\n]/);
    while (newline >= 0) {
      const line = pending.slice(0, newline);
      if (line.trim() !== "") onLine(line.slice(0, maxLine));
      pending = pending.slice(newline + 1);
      newline = pending.search(/[\r\n]/);
    }
    if (pending.length > maxLine) {
      onLine(pending.slice(0, maxLine));
      pending = "";
    }
  }
  pending += decoder.decode();
  if (pending.trim() !== "") onLine(pending.slice(0, maxLine));
}
