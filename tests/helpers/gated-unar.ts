import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * UNAR_BIN for tests that look at an extraction while it runs: a script that runs the real unar
 * (the files are really written), then holds until the test opens the gate. The extraction is
 * thus caught in the middle for as long as the test needs, without a timed wait.
 */
export class GatedUnar {
  readonly bin: string;
  private readonly pidsFile: string;
  private readonly gate: string;

  constructor(dir: string) {
    const unar = Bun.which("unar");
    if (!unar) throw new Error("unar is not installed (Debian package unar)");
    this.bin = join(dir, "gated-unar");
    this.pidsFile = join(dir, "gated-unar.pids");
    this.gate = join(dir, "gated-unar.open");
    writeFileSync(
      this.bin,
      [
        "#!/bin/sh",
        `echo $$ >> '${this.pidsFile}'`,
        `'${unar}' "$@" || exit $?`,
        `while [ ! -e '${this.gate}' ]; do sleep 0.05; done`,
        "",
      ].join("\n"),
    );
    chmodSync(this.bin, 0o755);
  }

  /** Lets every extraction, now and later, finish. */
  open(): void {
    writeFileSync(this.gate, "");
  }

  /** The process ids of the extractions started so far, in order. */
  pids(): number[] {
    if (!existsSync(this.pidsFile)) return [];
    return readFileSync(this.pidsFile, "utf8").split("\n").filter(Boolean).map(Number);
  }
}

/** Whether a process still exists (a zombie counts as gone: it no longer runs). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, "utf8") : "";
  return !/^\d+ \(.*\) Z/.test(stat);
}
