#!/usr/bin/env bun
export {};

/**
 * `bun run redriva <command>`. The one-line status for cron (`stats --compact`) takes a short
 * path that loads only the config, SQLite and one query; no arguments on a terminal opens the
 * guided menu; every other command loads the program.
 */
const argv = process.argv.slice(2);

if (argv.length === 2 && argv[0] === "stats" && argv[1] === "--compact") {
  const { printCompactStats } = await import("./compact-stats.ts");
  process.exit(printCompactStats(process.env));
}
if (argv.length === 0 && process.stdin.isTTY && process.stdout.isTTY) {
  const { runMenu } = await import("./menu.ts");
  process.exit(await runMenu());
}
const { runCli } = await import("./program.ts");
process.exit(await runCli(argv));
