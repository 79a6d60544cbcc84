import type { Deps } from "../../../deps.ts";
import { runChild } from "../../../lib/child-process.ts";
import { isSymlinkMode } from "../mode.ts";
import type { PostDownloadStep } from "../post-download/step.ts";
import { hookEnvironment } from "./hook-env.ts";
import { type HookRun, OutputTail, writeHookReport } from "./hook-report.ts";
import { linkedCounts } from "./symlink-post.ts";

/** A line of the message shown on the torrent. */
const MAX_SHOWN = 240;

/**
 * DOWNLOAD_ON_COMPLETE: the configured program, once per finished torrent, with the torrent's
 * details in its environment. Its output goes to the log and to its report (the last 64 KB,
 * hook-report.ts); how it ended, and where the report is, is shown on the torrent.
 * It never fails the torrent: the *arr imports whatever the command did.
 */
export const hookStep: PostDownloadStep = {
  name: "on-complete command",
  stage: "hook",
  wanted: (deps) => deps.config.downloads.postprocess.onComplete.argv !== null,
  async run({ deps, torrent, signal, progress }) {
    const { argv, timeoutMs } = deps.config.downloads.postprocess.onComplete;
    if (!argv) return undefined;
    const log = deps.log.child({ hash: torrent.hash, step: "on-complete" });
    progress(0, `Running the on-complete command (${argv[0]})`);
    const output = new OutputTail();
    const startedAt = deps.clock.now();
    let result: Awaited<ReturnType<typeof runChild>>;
    try {
      result = await runChild(argv, {
        cwd: torrent.save_path,
        env: hookEnvironment(torrent, {
          ...(isSymlinkMode(deps.config.downloads, torrent) ? { counts: linkedCounts(deps, torrent) } : {}),
        }),
        signal,
        timeoutMs,
        onLine: (line) => {
          output.push(line);
          log.info({ line }, "on-complete output");
        },
      });
    } catch (error) {
      const message = `On-complete command could not start (${argv[0]}): ${(error as Error).message}`;
      log.warn({ err: (error as Error).message }, "on-complete command could not start");
      return { message: clip(message) };
    }
    if (result.aborted) return undefined;
    const last = result.output.at(-1);
    const ending = result.timedOut
      ? `timed out after ${Math.round(timeoutMs / 1000)} s (DOWNLOAD_ON_COMPLETE_TIMEOUT)`
      : result.signal
        ? `killed by ${result.signal}`
        : `exit ${result.exitCode}`;
    const ok = !result.timedOut && result.exitCode === 0;
    const report = reportOf(deps, { torrent, command: argv[0] as string, startedAt, ok, ending, output });
    const words = `On-complete command ${ok ? "finished" : "failed"}: ${ending}${report}${last ? ` · ${last}` : ""}`;
    if (ok) log.info({ exitCode: 0 }, "on-complete command finished");
    else log.warn({ ending, output: result.output }, "on-complete command failed");
    return { message: clip(words) };
  },
};

/** " · output: /reports/on-complete/…" (a report that cannot be written is logged, never fatal). */
function reportOf(deps: Deps, run: Omit<HookRun, "finishedAt">): string {
  try {
    return ` · output: ${writeHookReport(deps, { ...run, finishedAt: deps.clock.now() })}`;
  } catch (error) {
    deps.log.warn(
      { hash: run.torrent.hash, err: (error as Error).message },
      "on-complete report not written",
    );
    return "";
  }
}

function clip(text: string): string {
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}
