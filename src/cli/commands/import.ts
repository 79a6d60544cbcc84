import type { Command } from "commander";
import { type ImportReport, importRdtClient, importRedrivaPython } from "../../services/import/index.ts";
import type { CliContext } from "../context.ts";
import { formatImport } from "../output/import.ts";

interface ImportFlags {
  apply?: boolean;
  json?: boolean;
}

/** `redriva import rdt-client|redriva-python <db>`: a dry run first, `--apply` to write. */
export function registerImportCommand(program: Command, ctx: CliContext): void {
  const group = program
    .command("import")
    .description(
      "Bring in another tool's database (rdt-client, the original Python Redriva); a dry run unless --apply",
    )
    .addHelpText(
      "after",
      "\nWithout --apply nothing is written: the plan is printed (imported / not imported and why).\nRunning it again imports nothing twice. MIGRATION.md walks an rdt-client user through switching.",
    );
  const print = (report: ImportReport, flags: ImportFlags) => {
    if (flags.json) return ctx.out(JSON.stringify(report, null, 2));
    for (const line of formatImport(report)) ctx.out(line);
  };

  group
    .command("rdt-client")
    .description("rdt-client's torrents, download history, categories and settings (its rdtclient.db)")
    .argument("<db>", "path to rdtclient.db (stop rdt-client first)")
    .option("--apply", "write to Redriva's database (default: only show the plan)")
    .option("--json", "print the report as JSON")
    .action((file: string, flags: ImportFlags) => {
      print(importRdtClient(ctx.deps(), file, { apply: Boolean(flags.apply) }), flags);
    });

  group
    .command("redriva-python")
    .description(
      "the original Redriva's torrents/torrent_details, so the first smart sync fetches only changes",
    )
    .argument("<db>", "path to the original Redriva's redriva.db")
    .option("--apply", "write to Redriva's database (default: only show the plan)")
    .option("--json", "print the report as JSON")
    .action((file: string, flags: ImportFlags) => {
      print(importRedrivaPython(ctx.deps(), file, { apply: Boolean(flags.apply) }), flags);
    });
}
