import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { confirm, isCancel, log, select, text } from "@clack/prompts";

/** Runs `redriva <argv>` as its own process; resolves with its exit code. */
export type RunCommand = (argv: readonly string[]) => Promise<number>;

const SOURCES = [
  { value: "rdt-client", label: "rdt-client", hint: "its rdtclient.db (stop rdt-client first)" },
  { value: "redriva-python", label: "The original Python Redriva", hint: "its redriva.db" },
] as const;

/** The path typed, or a sentence saying what is wrong with it. */
export function checkDatabasePath(value: string): string | undefined {
  const path = value.trim();
  if (path === "") return "Type the path of the database file.";
  if (!existsSync(path)) return `No such file: ${path}`;
  if (!statSync(path).isFile()) return `Not a file: ${path}`;
  return undefined;
}

/**
 * The menu's Import: which tool, which file, then the dry run (`redriva import <tool> <db>`)
 * and, only once its plan is on screen and confirmed, the same with `--apply`. Returns the last
 * command's exit code (0 when the user stops before anything ran).
 */
export async function importFlow(run: RunCommand): Promise<number> {
  const source = await select({ message: "Import from", options: [...SOURCES] });
  if (isCancel(source)) return 0;
  const file = await text({
    message: "Path of its database",
    placeholder: source === "rdt-client" ? "/path/to/rdtclient.db" : "/path/to/redriva.db",
    validate: (value) => checkDatabasePath(value ?? ""),
  });
  if (isCancel(file)) return 0;
  const argv = ["import", source, resolve(file.trim())];
  log.step(`redriva ${argv.join(" ")}   (dry run: nothing is written)`);
  const planned = await run(argv);
  if (planned !== 0) return planned;
  const apply = await confirm({ message: "Import this into Redriva's database now?", initialValue: false });
  if (isCancel(apply) || !apply) {
    log.info("Nothing imported.");
    return 0;
  }
  log.step(`redriva ${[...argv, "--apply"].join(" ")}`);
  return run([...argv, "--apply"]);
}
