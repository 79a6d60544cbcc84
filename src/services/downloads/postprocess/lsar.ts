import { basename, dirname, isAbsolute, resolve } from "node:path";
import { runChild } from "../../../lib/child-process.ts";
import { StepFailed } from "../post-download/step.ts";

export interface ArchiveListing {
  /** Every volume of the set, absolute paths. */
  volumes: string[];
  /** Bytes of the files in it, once extracted. */
  unpackedSize: number;
  files: number;
}

interface LsarJson {
  lsarError?: number;
  lsarProperties?: { XADVolumes?: string[]; XADIsEncrypted?: number };
  lsarContents?: Array<{
    XADFileName?: string;
    XADFileSize?: number;
    XADIsDirectory?: number;
    XADIsEncrypted?: number;
    XADIsLink?: number;
  }>;
}

/**
 * What is in an archive set, read by lsar (from Debian's unar) as a child process. Refuses, with
 * the reason in words: a file lsar cannot read, a password-protected archive, one whose entries
 * would land outside its folder (`../`, absolute paths) or that holds links.
 */
export async function listArchive(
  lsar: string,
  path: string,
  signal: AbortSignal,
  name = basename(path),
): Promise<ArchiveListing> {
  const lines: string[] = [];
  const result = await runChild([lsar, "-j", path], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8" },
    signal,
    keepLines: 1_000_000,
    onLine: (line) => lines.push(line),
  }).catch((error: Error) => {
    throw new StepFailed(`could not run ${lsar} to read ${name}: ${error.message} (is unar installed?)`);
  });
  if (result.aborted) throw new Error("stopped");
  let json: LsarJson;
  try {
    json = JSON.parse(lines.join("\n")) as LsarJson;
  } catch {
    throw new StepFailed(`${name} could not be read as an archive (lsar exit ${result.exitCode})`);
  }
  if (json.lsarError !== undefined || result.exitCode !== 0)
    throw new StepFailed(
      `${name} is damaged, incomplete or not an archive (lsar error ${json.lsarError ?? result.exitCode})`,
    );
  const entries = json.lsarContents ?? [];
  if (json.lsarProperties?.XADIsEncrypted || entries.some((e) => e.XADIsEncrypted))
    throw new StepFailed(`${name} is password-protected: Redriva cannot extract it`);
  if (entries.length === 0)
    throw new StepFailed(`${name}: nothing could be read from it (a volume of the set missing or damaged?)`);
  const escaping = entries.find((e) => !isConfined(e.XADFileName ?? ""));
  if (escaping)
    throw new StepFailed(
      `${name} has an entry that would land outside its folder (${escaping.XADFileName}): not extracted`,
    );
  if (entries.some((e) => e.XADIsLink))
    throw new StepFailed(`${name} holds links (a release never does): not extracted`);
  const files = entries.filter((e) => !e.XADIsDirectory);
  const folder = dirname(path);
  return {
    volumes: (json.lsarProperties?.XADVolumes ?? [name]).map((v) => resolve(folder, v)),
    unpackedSize: files.reduce((n, e) => n + (e.XADFileSize ?? 0), 0),
    files: files.length,
  };
}

/** A relative name whose every segment stays inside the folder it is extracted into. */
function isConfined(entry: string): boolean {
  if (entry === "" || isAbsolute(entry) || /^[a-zA-Z]:/.test(entry)) return false;
  return entry.split(/[/\\]/).every((segment) => segment !== "..");
}
