import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startFakeDebrid } from "../../../src/fake-debrid/index.ts";
import { count } from "../../helpers/data-dir.ts";
import { createRedrivaPythonDb, type PythonTorrentRow } from "../../helpers/foreign-databases.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const ROOT = join(import.meta.dir, "..", "..", "..");
const CLI = join(ROOT, "src", "cli", "index.ts");

/** A real terminal: tmux on its own socket, so nothing here touches a user's tmux. */
class Terminal {
  readonly socket = `redriva-menu-${process.pid}-${Math.random().toString(36).slice(2)}`;
  private tmux(...args: string[]): string {
    const run = Bun.spawnSync(["tmux", "-L", this.socket, ...args]);
    if (run.exitCode !== 0) throw new Error(`tmux ${args[0]} failed: ${run.stderr.toString()}`);
    return run.stdout.toString();
  }
  start(command: string): void {
    this.tmux("new-session", "-d", "-x", "120", "-y", "60", command);
  }
  type(...keys: string[]): void {
    this.tmux("send-keys", ...keys);
  }
  screen(): string {
    return this.tmux("capture-pane", "-p", "-S", "-2000");
  }
  /** Waits until the screen shows `text` (a loaded machine may be slow: the deadline is generous). */
  async waitFor(text: string | RegExp | ((screen: string) => boolean), timeoutMs = 45_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      const shown =
        typeof text === "string"
          ? screen.includes(text)
          : text instanceof RegExp
            ? text.test(screen)
            : text(screen);
      if (shown) return screen;
      if (Date.now() > deadline)
        throw new Error(`terminal never showed ${String(text)}; it shows:\n${screen}`);
      await Bun.sleep(100);
    }
  }
  close(): void {
    Bun.spawnSync(["tmux", "-L", this.socket, "kill-server"]);
  }
}

function pythonRow(id: string, name: string, status: string): PythonTorrentRow {
  const hash = Bun.hash.crc32(id).toString(16).padStart(8, "0").repeat(5);
  return {
    id,
    filename: name,
    status,
    bytes: 2_000_000_000,
    added_on: "2025-06-01T10:00:00.000Z",
    details: {
      name,
      status,
      size: 2_000_000_000,
      files_count: 1,
      progress: status === "downloaded" ? 100 : 0,
      links: "[]",
      hash,
      host: "real-debrid.com",
      error: null,
    },
  };
}

const occurrences = (screen: string, text: string) => screen.split(text).length - 1;

const exitLineWritten = (file: string) => existsSync(file) && readFileSync(file, "utf8").endsWith("\n");

let terminal: Terminal | null = null;
afterEach(() => terminal?.close());

describe("redriva with no arguments on a terminal: the guided menu", () => {
  test("runs a sync and the stats from numbered choices, comes back after each, refuses a wrong number, q quits", async () => {
    using dir = tempDir();
    await using fake = await startFakeDebrid({ library: { size: 40, seed: 21 } });
    const exitFile = join(dir.path, "exit-code");
    const env = `DATA_DIR='${dir.path}' RD_API_TOKEN=fake-token RD_API_URL='${fake.rdApiUrl}' LOG_LEVEL=silent`;
    terminal = new Terminal();
    terminal.start(`env ${env} '${process.execPath}' '${CLI}'; echo $? > '${exitFile}'; sleep 600`);

    let screen = await terminal.waitFor("Your choice");
    expect(screen).toContain("5  List only");
    expect(screen).toContain("First use");
    terminal.type("5", "Enter");
    screen = await terminal.waitFor("List only: done.");
    expect(count(dir.path, "SELECT COUNT(*) AS n FROM torrents")).toBe(40);
    // Back at the menu: it is shown a second time, waiting for a choice.
    screen = await terminal.waitFor((s: string) => occurrences(s, "Your choice") >= 2);

    terminal.type("2", "Enter");
    screen = await terminal.waitFor("Compact statistics: done.");
    expect(screen).toMatch(/40 torrents \| 0 details/);

    terminal.type("99", "Enter");
    await terminal.waitFor("Type a number from 1 to 14, or q to quit.");
    terminal.type("BSpace", "BSpace", "q", "Enter");
    await terminal.waitFor("Bye.");
    // The shell creates the file before it writes the code: wait for the whole line, not the file.
    const deadline = Date.now() + 30_000;
    while (!exitLineWritten(exitFile) && Date.now() < deadline) await Bun.sleep(100);
    expect(readFileSync(exitFile, "utf8")).toBe("0\n");
  }, 150_000);

  test("Import: the tool and the file asked for, a wrong path refused, the dry run shown, then --apply only once confirmed", async () => {
    using dir = tempDir();
    const python = join(dir.path, "old-redriva.db");
    createRedrivaPythonDb(python, [
      pythonRow("PYA1", "Severance.S02E01.1080p", "downloaded"),
      pythonRow("PYB2", "Andor.S02E03.2160p", "dead"),
    ]);
    const data = join(dir.path, "data");
    terminal = new Terminal();
    terminal.start(`env DATA_DIR='${data}' LOG_LEVEL=silent '${process.execPath}' '${CLI}'; sleep 600`);

    let screen = await terminal.waitFor("Your choice");
    expect(screen).toContain("14  Import");
    expect(screen).toContain("14 Import");
    terminal.type("14", "Enter");
    await terminal.waitFor("Import from");
    terminal.type("Down", "Enter");
    await terminal.waitFor("Path of its database");
    terminal.type(join(dir.path, "missing.db"), "Enter");
    await terminal.waitFor(`No such file: ${join(dir.path, "missing.db")}`);
    terminal.type("C-u", python, "Enter");
    screen = await terminal.waitFor("Import this into Redriva's database now?");
    expect(screen).toContain(`redriva import redriva-python ${python}   (dry run: nothing is written)`);
    expect(screen).toContain("DRY RUN: nothing written.");
    expect(count(data, "SELECT COUNT(*) AS n FROM torrents")).toBe(0);

    terminal.type("y", "Enter");
    screen = await terminal.waitFor("Import: done.");
    expect(screen).toContain(`redriva import redriva-python ${python} --apply`);
    expect(screen).toContain(`Imported from ${python} (redriva-python).`);
    expect(count(data, "SELECT COUNT(*) AS n FROM torrents")).toBe(2);
    await terminal.waitFor((s: string) => occurrences(s, "Your choice") >= 2);
  }, 150_000);

  test("not a terminal (cron, a pipe): prints the help instead, the menu command says why it cannot run", () => {
    const bare = Bun.spawnSync([process.execPath, CLI], { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const help = bare.stdout.toString() + bare.stderr.toString();
    expect(help).toContain("Usage: redriva");
    expect(help).toContain("menu");
    expect(help).not.toContain("Your choice");
    const menu = Bun.spawnSync([process.execPath, CLI, "menu"], {
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    expect(menu.exitCode).toBe(2);
    expect(menu.stderr.toString()).toContain("The menu needs a terminal");
  });
});
