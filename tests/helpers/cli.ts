import { createCliContext } from "../../src/cli/context.ts";
import { runCli } from "../../src/cli/program.ts";

/** Runs the real CLI in-process with a given environment and captures what it prints. */
export async function cli(argv: string[], env: Record<string, string | undefined>) {
  const out: string[] = [];
  const err: string[] = [];
  const ctx = createCliContext(
    { LOG_LEVEL: "silent", ...env },
    { out: (l) => out.push(l), err: (l) => err.push(l), signals: false },
  );
  const code = await runCli(argv, ctx);
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}
