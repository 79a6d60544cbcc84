/** Exit codes of `redriva`: documented in README ("Library sync (CLI)"). */
export const EXIT = {
  ok: 0,
  /** The command ran but could not do all of its work (partial sync, failed job). */
  failed: 1,
  /** Bad usage or configuration. */
  usage: 2,
  /** Stopped by Ctrl+C / SIGTERM after a clean checkpoint. */
  interrupted: 130,
} as const;
