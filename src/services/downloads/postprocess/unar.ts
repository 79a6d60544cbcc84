import { lstatSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { runChild } from "../../../lib/child-process.ts";
import { StepFailed } from "../post-download/step.ts";

/**
 * Extracts one archive set into `into` (an empty scratch folder) with unar as a child process:
 * the bytes never pass through Redriva. `onBytes` gets the bytes written so far, read from the
 * disk every `pollMs` (unar says nothing until a file is done).
 */
export async function unarExtract(
  unar: string,
  archive: string,
  into: string,
  options: { signal: AbortSignal; onBytes(bytes: number): void; pollMs?: number; name?: string },
): Promise<void> {
  const name = options.name ?? basename(archive);
  const timer = setInterval(() => options.onBytes(treeBytes(into)), options.pollMs ?? 500);
  let result: Awaited<ReturnType<typeof runChild>>;
  try {
    // -D: no folder of its own (we chose it); -nr: an archive inside is content, not opened;
    // -f: the scratch folder is ours; no password is ever given (stdin is closed).
    result = await runChild([unar, "-o", into, "-D", "-nr", "-f", archive], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8" },
      signal: options.signal,
    });
  } catch (error) {
    throw new StepFailed(
      `could not run ${unar} to extract ${name}: ${(error as Error).message} (is unar installed?)`,
    );
  } finally {
    clearInterval(timer);
  }
  if (result.aborted) throw new Error("stopped");
  if (result.exitCode === 0) return;
  const said = result.output.join("\n");
  if (/password/i.test(said))
    throw new StepFailed(`${name} is password-protected: Redriva cannot extract it`);
  const why = /checksum|crc/i.test(said)
    ? "wrong checksum: the archive is damaged"
    : (result.output.findLast((l) => /failed|error|truncat/i.test(l))?.trim() ?? `exit ${result.exitCode}`);
  throw new StepFailed(`could not extract ${name}: ${why}`);
}

/** Bytes of the regular files under `path` (links not followed). */
export function treeBytes(path: string): number {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.isFile() ? stat.size : 0;
  let total = 0;
  for (const entry of readdirSync(path)) total += treeBytes(join(path, entry));
  return total;
}
