import type { Deps } from "../deps.ts";

/** Starts the download pipeline (aria2c supervisor, queue, reconciler). Issue 7 fills this in. */
export async function startDownloads(_deps: Deps): Promise<{ stop(): Promise<void> }> {
  return { stop: async () => {} };
}
