import { type Command, Option } from "commander";
import {
  reinjectTorrent,
  repairHistory,
  repairQueue,
  runRepair,
  SCAN_MODES,
  type ScanMode,
  scanForRepair,
} from "../../services/repair/index.ts";
import { type CliContext, CliExit, EXIT } from "../context.ts";
import { formatHistory, formatItem, formatQueue, formatRun, formatScan } from "../output/repair.ts";

function positiveInt(value: string, name: string): number {
  if (!/^\d+$/.test(value) || Number(value) <= 0) {
    throw new CliExit(EXIT.usage, `${name} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

const log =
  (ctx: CliContext) =>
  (line: string, level: "info" | "warn" | "error" = "info") =>
    level === "info" ? ctx.out(`  ${line}`) : ctx.err(`  ${level.toUpperCase()}: ${line}`);

/** `redriva repair`: find failed torrents and re-inject them (issue 5). */
export function registerRepairCommand(program: Command, ctx: CliContext): void {
  const repair = program
    .command("repair")
    .description("Find dead torrents, re-inject them, manage the retry queue")
    .addHelpText(
      "after",
      "\nDRY_RUN=true (the default) only shows what would be done; set DRY_RUN=false to act.\nExit codes: 0 done, 1 could not do all of it, 2 bad usage or configuration, 130 interrupted.",
    );

  repair
    .command("scan")
    .description("Find repair candidates and store them with the reason they were found")
    .addOption(
      new Option(
        "--mode <mode>",
        "quick (list only) | full (+ link checks) | symlinks (broken library links)",
      ).default("quick"),
    )
    .action(async (flags: { mode: string }) => {
      if (!SCAN_MODES.includes(flags.mode as ScanMode)) {
        throw new CliExit(
          EXIT.usage,
          `Unknown scan mode "${flags.mode}". Choose one of: ${SCAN_MODES.join(", ")}.`,
        );
      }
      const result = await scanForRepair(ctx.deps(), flags.mode as ScanMode, { signal: ctx.signal });
      for (const line of formatScan(result)) ctx.out(line);
      if (result.status === "failed") throw new CliExit(EXIT.failed);
    });

  repair
    .command("run")
    .description("Handle the next candidates: due retries first, then by priority")
    .option("--limit <n>", "candidates to handle at most (default REPAIR_RUN_LIMIT)")
    .option("--dry-run", "only show what would be done (the default while DRY_RUN=true)")
    .option("--retries-only", "only the due part of the retry queue")
    .action(async (flags: { limit?: string; dryRun?: boolean; retriesOnly?: boolean }) => {
      const limit = flags.limit === undefined ? undefined : positiveInt(flags.limit, "--limit");
      const deps = ctx.deps();
      const result = await runRepair(deps, {
        trigger: "cli",
        limit,
        dryRun: flags.dryRun ? true : undefined,
        retriesOnly: Boolean(flags.retriesOnly),
        signal: ctx.signal,
        onLog: (line, level) => {
          if (level && level !== "info") log(ctx)(line, level);
        },
      });
      for (const line of formatRun(result, deps.time)) ctx.out(line);
      if (result.status === "interrupted") throw new CliExit(EXIT.interrupted);
      if (result.status === "failed") throw new CliExit(EXIT.failed);
    });

  repair
    .command("queue")
    .description("Pending retries with their due times")
    .option("--json", "print JSON")
    .action((flags: { json?: boolean }) => {
      const deps = ctx.deps();
      const queue = repairQueue(deps);
      if (flags.json) return ctx.out(JSON.stringify(queue, null, 2));
      const time = deps.time;
      for (const line of formatQueue(queue, deps.clock.now(), deps.config.repair.maxAttempts, time))
        ctx.out(line);
    });

  repair
    .command("history")
    .description("Attempts of a candidate (#id) or a torrent (its current or any former id)")
    .argument("<id>", "candidate number or torrent id")
    .option("--provider <kind>", "whose torrent it is, when two providers have this id")
    .option("--json", "print JSON")
    .action((id: string, flags: { json?: boolean; provider?: string }) => {
      const deps = ctx.deps();
      const history = repairHistory(deps, id, flags.provider);
      if (flags.json) return ctx.out(JSON.stringify(history, null, 2));
      for (const line of formatHistory(history, deps.time)) ctx.out(line);
    });

  repair
    .command("reinject")
    .description("Re-inject one torrent now, whatever its place in the queue")
    .argument("<torrentId>", "the torrent's id at the provider")
    .option("--dry-run", "only show what would be done (the default while DRY_RUN=true)")
    .option("--provider <kind>", "whose torrent it is, when two providers have this id")
    .action(async (torrentId: string, flags: { dryRun?: boolean; provider?: string }) => {
      const deps = ctx.deps();
      const item = await reinjectTorrent(deps, torrentId, {
        dryRun: flags.dryRun ? true : undefined,
        trigger: "cli",
        provider: flags.provider,
        signal: ctx.signal,
      });
      ctx.out(`Re-inject${item.dryRun ? " (DRY RUN: nothing changed)" : ""}:`);
      for (const line of formatItem(item, deps.time)) ctx.out(line);
      if (!["repaired", "planned", "skipped"].includes(item.outcome)) throw new CliExit(EXIT.failed);
    });
}
