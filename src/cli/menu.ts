import { join } from "node:path";
import { cancel, intro, isCancel, log, note, outro, text } from "@clack/prompts";
import { importFlow, type RunCommand } from "./menu-import.ts";

/** One entry of the guided menu: the command it runs, in the CLI's own words. */
export interface MenuAction {
  label: string;
  description: string;
  argv: readonly string[];
  /** Asks before running (a path, a confirmation); runs the commands itself. */
  guided?: (run: RunCommand) => Promise<number>;
}

/** The main actions, in the order a newcomer meets them (numbers start at 1). */
export const MENU_ACTIONS: readonly MenuAction[] = [
  { label: "Statistics", description: "the whole library at a glance (no API call)", argv: ["stats"] },
  {
    label: "Compact statistics",
    description: "one line, as cron and status bars print it",
    argv: ["stats", "--compact"],
  },
  {
    label: "Smart sync",
    description: "only what changed since the last sync (daily)",
    argv: ["sync", "smart"],
  },
  {
    label: "Full sync",
    description: "the list and every torrent's details (first use)",
    argv: ["sync", "full"],
  },
  {
    label: "List only",
    description: "the torrent list without details (fastest)",
    argv: ["sync", "torrents"],
  },
  { label: "Resume", description: "continue an interrupted sync where it stopped", argv: ["sync", "resume"] },
  { label: "Diagnose", description: "torrents in error, grouped, with what to do", argv: ["diagnose"] },
  { label: "Repair scan", description: "find dead torrents (nothing is changed)", argv: ["repair", "scan"] },
  {
    label: "Repair run",
    description: "handle the candidates (a dry run unless DRY_RUN=false)",
    argv: ["repair", "run"],
  },
  {
    label: "Symlink scan",
    description: "check the media library's links (dry run)",
    argv: ["symlinks", "scan"],
  },
  {
    label: "Downloads",
    description: "the download client's queue and last finished grabs",
    argv: ["downloads", "list"],
  },
  {
    label: "Jobs",
    description: "background jobs, their schedules and last outcomes",
    argv: ["jobs", "list"],
  },
  { label: "Backup", description: "back up the database now (checked, rotated)", argv: ["backup"] },
  {
    label: "Import",
    description: "from rdt-client or the original Redriva: a dry run, then confirm",
    argv: ["import"],
    guided: importFlow,
  },
];

const RECOMMENDATIONS = [
  "First use     4 Full sync, then 1 Statistics (coming from rdt-client or Redriva Python: 14 Import)",
  "Every day     3 Smart sync, then 2 Compact statistics",
  "Maintenance   7 Diagnose, 8 Repair scan, 10 Symlink scan, 13 Backup",
];

/** The menu's text: numbered actions with their descriptions, then the recommendations. */
export function menuText(actions: readonly MenuAction[] = MENU_ACTIONS): string {
  const width = Math.max(...actions.map((a) => a.label.length));
  const lines = actions.map(
    (a, i) => `${String(i + 1).padStart(2)}  ${a.label.padEnd(width)}  ${a.description}`,
  );
  return [...lines, "", ...RECOMMENDATIONS, "", " q  Quit"].join("\n");
}

/** The action a typed answer names, "quit", or a sentence saying what is wrong. */
export function parseChoice(
  answer: string,
  actions: readonly MenuAction[] = MENU_ACTIONS,
): MenuAction | "quit" | string {
  const value = answer.trim().toLowerCase();
  if (value === "q" || value === "quit") return "quit";
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  const action = actions[n - 1];
  return action ?? `Type a number from 1 to ${actions.length}, or q to quit.`;
}

/**
 * `redriva` with no arguments on a terminal. Each action runs as its own `redriva <command>`
 * process, exactly as typed on the command line (its Ctrl+C stops that action, not the menu), then
 * the menu comes back.
 */
export async function runMenu(): Promise<number> {
  const cli = join(import.meta.dir, "index.ts");
  intro("Redriva");
  for (;;) {
    note(menuText(), "What would you like to do?");
    const answer = await text({
      message: "Your choice",
      placeholder: `1-${MENU_ACTIONS.length}, or q`,
      validate: (value) => {
        const choice = parseChoice(value ?? "");
        return typeof choice === "string" && choice !== "quit" ? choice : undefined;
      },
    });
    if (isCancel(answer)) {
      cancel("Bye.");
      return 0;
    }
    const choice = parseChoice(answer);
    if (choice === "quit") {
      outro("Bye.");
      return 0;
    }
    if (typeof choice === "string") continue;
    const run: RunCommand = (argv) => runAction(cli, argv);
    let code: number;
    if (choice.guided) code = await choice.guided(run);
    else {
      log.step(`redriva ${choice.argv.join(" ")}`);
      code = await run(choice.argv);
    }
    if (code === 0) log.success(`${choice.label}: done.`);
    else log.warn(`${choice.label}: ended with exit code ${code} (see above).`);
  }
}

async function runAction(cli: string, argv: readonly string[]): Promise<number> {
  // Ctrl+C reaches the whole foreground group: the action stops, the menu stays.
  const ignore = () => {};
  process.on("SIGINT", ignore);
  try {
    const child = Bun.spawn([process.execPath, cli, ...argv], {
      stdio: ["inherit", "inherit", "inherit"],
    });
    return await child.exited;
  } finally {
    process.off("SIGINT", ignore);
  }
}
