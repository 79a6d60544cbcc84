import type { Deps } from "../../../deps.ts";

/** Stops the step running for `hash` (a deleted torrent) and waits for its cleanup. */
export async function stopPostStep(deps: Deps, hash: string): Promise<void> {
  const running = deps.downloads.postSteps.get(hash);
  if (!running) return;
  running.abort.abort(new Error("stopped"));
  await running.done;
}

/** Shutdown: every step stops (child processes killed); each runs again from its start next time. */
export async function stopPostSteps(deps: Deps): Promise<void> {
  await Promise.all([...deps.downloads.postSteps.keys()].map((hash) => stopPostStep(deps, hash)));
}
