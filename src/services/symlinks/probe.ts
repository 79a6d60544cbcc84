import { spawn } from "node:child_process";

/**
 * Phase 2: ffprobe one media file with a hard deadline. Probes on a broken network mount can
 * hang in uninterruptible I/O, so on timeout (or cancel) the whole process group gets SIGKILL
 * and the verdict is returned at once, without waiting for the process to actually exit.
 */
export type ProbeVerdict =
  | { status: "ok"; durationSec: number | null; elapsedMs: number }
  | { status: "corrupt"; detail: string; elapsedMs: number }
  | { status: "timeout"; detail: string; elapsedMs: number }
  | { status: "cancelled"; elapsedMs: number }
  /** ffprobe itself could not start (missing binary): says nothing about the file. */
  | { status: "error"; detail: string; elapsedMs: number };

/**
 * Headers and streams, plus one packet read after a seek past the end: the seek makes the
 * demuxer read the file's tail (Matroska cues, MP4 moov), which is how a truncated transfer
 * shows ("File ended prematurely") when its header alone looks fine.
 */
const ARGS = [
  "-v",
  "error",
  "-read_intervals",
  "999999%+#1",
  "-print_format",
  "json",
  "-show_entries",
  "format=format_name,duration:stream=codec_type:packet=pts_time",
];
/** Enough stdout for the JSON answer; a runaway probe is not buffered without bound. */
const MAX_OUTPUT = 256 * 1024;

export function probeMedia(
  ffprobePath: string,
  file: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ProbeVerdict> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve({ status: "cancelled", elapsedMs: 0 });
    let settled = false;
    let stdout = "";
    let stderr = "";
    // detached: own process group, so a wrapper script's children die with it.
    const child = spawn(ffprobePath, [...ARGS, "-i", file], {
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    };
    const finish = (verdict: ProbeVerdict) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      // Stop listening: a process stuck in D state may never close its pipes.
      child.stdout?.destroy();
      child.stderr?.destroy();
      child.unref();
      resolve(verdict);
    };
    const timer = setTimeout(() => {
      killGroup();
      finish({
        status: "timeout",
        detail: `ffprobe gave no answer within ${timeoutMs} ms (killed)`,
        elapsedMs: elapsed(),
      });
    }, timeoutMs);
    const onAbort = () => {
      killGroup();
      finish({ status: "cancelled", elapsedMs: elapsed() });
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk;
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += chunk;
    });
    child.on("error", (error) => {
      finish({
        status: "error",
        detail: `ffprobe could not run (${ffprobePath}): ${error.message}`,
        elapsedMs: elapsed(),
      });
    });
    child.on("close", (code, killedBy) => {
      finish(judge(code, killedBy, stdout, stderr, elapsed()));
    });
  });
}

function judge(
  code: number | null,
  killedBy: string | null,
  stdout: string,
  stderr: string,
  elapsedMs: number,
): ProbeVerdict {
  // "[matroska,webm @ 0x55d0...] File ended prematurely" -> "File ended prematurely"
  const firstError = (stderr.trim().split("\n")[0] ?? "")
    .replace(/^\[[^\]]*@ 0x[0-9a-f]+\]\s*/i, "")
    .slice(0, 300);
  if (code !== 0) {
    const why = killedBy ? `killed by ${killedBy}` : `exit code ${code}`;
    return {
      status: "corrupt",
      detail: firstError ? `ffprobe: ${firstError}` : `ffprobe failed (${why})`,
      elapsedMs,
    };
  }
  let parsed: { streams?: Array<{ codec_type?: string }>; format?: { duration?: string } };
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return { status: "corrupt", detail: "ffprobe printed no readable answer", elapsedMs };
  }
  const streams = (parsed.streams ?? []).filter((s) => s.codec_type === "video" || s.codec_type === "audio");
  if (streams.length === 0) return { status: "corrupt", detail: "no audio or video stream", elapsedMs };
  if (firstError) return { status: "corrupt", detail: `ffprobe: ${firstError}`, elapsedMs };
  const duration = Number(parsed.format?.duration);
  return { status: "ok", durationSec: Number.isFinite(duration) ? duration : null, elapsedMs };
}
