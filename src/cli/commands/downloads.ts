import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import type { Command } from "commander";
import { formatBytes, formatDuration } from "../../lib/format.ts";
import { addTorrents } from "../../services/downloads/add.ts";
import {
  deleteTorrents,
  pauseTorrents,
  resumeTorrents,
  type Selection,
  selectTorrents,
} from "../../services/downloads/control.ts";
import { type DownloadRow, downloadsOverview } from "../../services/downloads/overview.ts";
import { type CliContext, CliExit, EXIT } from "../context.ts";

const HASH = /^[0-9a-f]{40}$/i;

/** `all`, or 40-hex info-hashes; anything else is a usage error before the database is touched. */
function selection(hashes: string[]): Selection {
  if (hashes.length === 1 && hashes[0] === "all") return "all";
  const bad = hashes.filter((h) => !HASH.test(h));
  if (bad.length > 0)
    throw new CliExit(EXIT.usage, `not an info-hash (40 hex characters): ${bad.join(", ")}`);
  return hashes;
}

function line(r: DownloadRow): string {
  const progress = `${(r.progress * 100).toFixed(1)}%`.padStart(6);
  const speed = r.speed > 0 ? `${formatBytes(r.speed)}/s` : "";
  const eta = r.eta !== null ? `ETA ${formatDuration(r.eta * 1000)}` : "";
  const facts = [r.category || "-", formatBytes(r.size), speed, eta, r.detail ?? ""].filter((f) => f !== "");
  return `${r.hash}  ${r.phase.padEnd(11)} ${progress}  ${r.name}\n${" ".repeat(42)}${facts.join(" · ")}`;
}

/** `redriva downloads`: the download client from the terminal (same services as the qBit API). */
export function registerDownloadsCommand(program: Command, ctx: CliContext): void {
  const downloads = program
    .command("downloads")
    .description(
      "The download client: list, add, pause, resume, delete (what Sonarr/Radarr do over the qBit API)",
    )
    .addHelpText(
      "after",
      "\nA running Redriva picks up changes made here within 30 s. Exit codes: 0 done, 1 something was refused, 2 bad usage.",
    );

  downloads
    .command("list", { isDefault: true })
    .description("Queue and active downloads, then the last finished ones")
    .option("--category <name>", "only this category")
    .option("--finished <n>", "how many finished ones to show", "10")
    .option("--json", "print the rows as JSON")
    .action(async (flags: { category?: string; finished: string; json?: boolean }) => {
      const finishedLimit = Number(flags.finished);
      if (!Number.isInteger(finishedLimit) || finishedLimit < 0)
        throw new CliExit(EXIT.usage, `--finished: expected a whole number, got "${flags.finished}"`);
      const overview = await downloadsOverview(ctx.deps(), { finishedLimit });
      const keep = (r: DownloadRow) => flags.category === undefined || r.category === flags.category;
      const active = overview.active.filter(keep);
      const finished = overview.finished.filter(keep);
      if (flags.json) {
        ctx.out(JSON.stringify({ active, finished }, null, 2));
        return;
      }
      ctx.out(`Active and queued: ${active.length}`);
      for (const r of active) ctx.out(line(r));
      ctx.out(`Finished (last ${finishedLimit}): ${finished.length}`);
      for (const r of finished) ctx.out(line(r));
    });

  downloads
    .command("add")
    .description("Add magnets, http(s) .torrent URLs or .torrent files")
    .argument("<sources...>", "magnet:?…, https://….torrent or a path to a .torrent file")
    .option("--category <name>", "category (created if missing), e.g. tv-sonarr")
    .option("--paused", "add without starting")
    .action(async (sources: string[], flags: { category?: string; paused?: boolean }) => {
      const urls: string[] = [];
      const files: Array<{ name: string; bytes: Uint8Array }> = [];
      for (const source of sources) {
        if (/^(magnet:|https?:\/\/)/i.test(source)) {
          urls.push(source);
          continue;
        }
        const bytes = await readFile(source).catch((error: NodeJS.ErrnoException) => {
          throw new CliExit(EXIT.usage, `${source}: not a magnet, a URL or a readable file (${error.code})`);
        });
        files.push({ name: basename(source), bytes: new Uint8Array(bytes) });
      }
      const result = await addTorrents(ctx.deps(), {
        urls,
        files,
        category: flags.category,
        paused: flags.paused ?? false,
      });
      for (const hash of result.added) ctx.out(`added ${hash}`);
      if (result.failed.length > 0)
        throw new CliExit(
          EXIT.failed,
          result.failed.map((f) => `refused ${f.source}: ${f.reason}`).join("\n"),
        );
    });

  const verb = (name: string, description: string, run: (s: Selection, deleteFiles: boolean) => number) => {
    const command = downloads
      .command(name)
      .description(description)
      .argument("<hashes...>", "info-hashes, or `all`");
    if (name === "delete") command.option("--delete-files", "also remove partial and finished data");
    command.action((hashes: string[], flags: { deleteFiles?: boolean }) => {
      const chosen = selection(hashes);
      const known = chosen === "all" ? null : new Set(selectTorrents(ctx.deps(), chosen).map((t) => t.hash));
      const missing = known ? (chosen as string[]).filter((h) => !known.has(h.toLowerCase())) : [];
      ctx.out(`${name}: ${run(chosen, flags.deleteFiles ?? false)} torrent(s) changed`);
      if (missing.length > 0) throw new CliExit(EXIT.failed, `unknown: ${missing.join(", ")}`);
    });
  };
  verb("pause", "Pause (partial data kept)", (s) => pauseTorrents(ctx.deps(), s));
  verb("resume", "Resume; retries a torrent in error", (s) => resumeTorrents(ctx.deps(), s));
  verb("delete", "Delete (the files stay unless --delete-files)", (s, files) =>
    deleteTorrents(ctx.deps(), s, files),
  );
}
