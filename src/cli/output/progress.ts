import { SingleBar } from "cli-progress";
import { formatDuration } from "../../lib/format.ts";
import type { SyncProgress } from "../../services/sync/types.ts";
import type { CliContext } from "../context.ts";

/**
 * Progress of a long command: a bar with rate and ETA on a terminal, a plain line every few
 * seconds otherwise (cron, CI logs).
 */
export function createProgressReporter(ctx: CliContext, label: string) {
  const tty = Boolean(process.stderr.isTTY);
  let bar: SingleBar | null = null;
  let lastLine = 0;
  return {
    update(p: SyncProgress) {
      if (p.phase !== "details" || p.total === 0) return;
      if (tty) {
        if (!bar) {
          bar = new SingleBar({
            format: `${label} details |{bar}| {value}/{total} | {rate} req/min | ETA {eta_text}`,
            stream: process.stderr,
            hideCursor: true,
          });
          bar.start(p.total, 0, { rate: "0", eta_text: "?" });
        }
        bar.update(p.done, {
          rate: p.ratePerMinute.toFixed(0),
          eta_text: p.etaMs === null ? "?" : formatDuration(p.etaMs),
        });
        return;
      }
      const now = Date.now();
      if (now - lastLine > 5000 || p.done === p.total) {
        lastLine = now;
        const eta = p.etaMs === null ? "?" : formatDuration(p.etaMs);
        ctx.err(`${label}: ${p.done}/${p.total} details, ${p.ratePerMinute.toFixed(0)} req/min, ETA ${eta}`);
      }
    },
    log(line: string, level: "info" | "warn" | "error") {
      if (level === "info" && !line.startsWith("details planned") && !line.includes("gone from the provider"))
        return;
      if (bar) bar.stop();
      bar = null;
      ctx.err(line);
    },
    stop() {
      bar?.stop();
    },
  };
}
