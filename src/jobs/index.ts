import type { Deps } from "../deps.ts";

/** Arms the cron schedules of every job. Issue 4 fills this in. */
export async function startJobs(_deps: Deps): Promise<{ stop(): Promise<void> }> {
  return { stop: async () => {} };
}
