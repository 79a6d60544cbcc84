/**
 * What long work (a sync, a repair run, a symlink scan) tells whoever runs it: a job, the CLI,
 * the web console. Imports nothing, so services and jobs share it without importing each other.
 */

export type LogLevel = "info" | "warn" | "error";

/** One human line into the runner's log (a job run's log, the CLI's output). */
export type LogLine = (line: string, level?: LogLevel) => void;

/** Where the work is, for live views (/jobs page, CLI). */
export interface RunProgress {
  phase?: string;
  done?: number;
  total?: number;
  message?: string;
}
