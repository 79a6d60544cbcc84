import { knownTorrents } from "../../db/repo/library.ts";
import { type HistoryTorrent, insertLibraryHistory } from "../../db/repo/library-import.ts";
import type { Deps } from "../../deps.ts";
import type { ImportOptions } from "./rdt-client.ts";
import { type PythonTorrent, readRedrivaPython } from "./redriva-python-reader.ts";
import { type ImportReport, section } from "./report.ts";

/** The original Redriva mirrored Real-Debrid only. */
const PROVIDER = "realdebrid";
/** Ids checked against the library per query (json_each keeps it one statement). */
const CHUNK = 5000;

/**
 * `redriva import redriva-python <db>`: the original Redriva's mirror of the Real-Debrid library
 * becomes Redriva's, keyed by provider realdebrid, details included. The first smart sync then
 * lists the library and fetches details only for what changed since (new, finished, changed,
 * never detailed), not for every torrent. Torrents already in the library are left as they are.
 */
export function importRedrivaPython(deps: Deps, file: string, options: ImportOptions): ImportReport {
  const data = readRedrivaPython(file);
  const torrents = section("Torrents (Real-Debrid library)");
  const details = section("Details");
  const rows: HistoryTorrent[] = [];
  const seen = new Set<string>();
  for (let start = 0; start < data.torrents.length; start += CHUNK) {
    const chunk = data.torrents.slice(start, start + CHUNK);
    const ids = chunk.map((t) => String(t.id ?? "").trim()).filter((id) => id !== "");
    const known = knownTorrents(deps.dbh.sqlite, PROVIDER, ids);
    for (const t of chunk) {
      const id = String(t.id ?? "").trim();
      const label = t.filename?.trim() || t.d_name?.trim() || id || "(no id)";
      if (id === "") torrents.notImported.push({ item: label, detail: "no id" });
      else if (known.has(id) || seen.has(id))
        torrents.notImported.push({ item: `${label} (${id})`, detail: "already in the library" });
      else {
        seen.add(id);
        const row = historyRow(id, t);
        rows.push(row);
        torrents.imported.push({ item: `${label} (${id})`, detail: row.status });
        if (row.details) details.imported.push({ item: id, detail: `${row.details.files_count} files` });
        else
          details.notImported.push({
            item: `${label} (${id})`,
            detail: "no details row: the next smart sync fetches them",
          });
      }
    }
  }
  for (const id of data.orphanDetails)
    details.notImported.push({ item: id, detail: "details of a torrent missing from its torrents table" });
  if (options.apply) insertLibraryHistory(deps.dbh, PROVIDER, rows, deps.clock.now());
  return { source: "redriva-python", file, dryRun: !options.apply, sections: [torrents, details] };
}

function historyRow(id: string, t: PythonTorrent): HistoryTorrent {
  const hasDetails = t.d_id !== null;
  const status = t.status?.trim() || t.d_status?.trim() || "unknown";
  // The list's links and the details' links are compared by the smart sync: same text, same order.
  const links = (t.d_links ?? "")
    .split(",")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  const bytes = num(t.bytes) ?? num(t.d_size) ?? 0;
  const progress = num(t.d_progress) ?? (status === "downloaded" ? 100 : 0);
  return {
    id,
    filename: t.filename ?? t.d_name ?? "",
    status,
    bytes,
    added_on: t.added_on,
    ended_on: t.d_ended_on,
    hash: t.d_hash,
    host: t.d_host,
    progress,
    links,
    details: hasDetails
      ? {
          name: t.d_name ?? t.filename ?? "",
          original_filename: t.d_original_filename,
          status: t.d_status?.trim() || status,
          size: num(t.d_size) ?? bytes,
          original_bytes: num(t.d_original_bytes),
          files_count: num(t.d_files_count) ?? 0,
          progress,
          error: t.d_error,
          speed: num(t.d_speed),
          seeders: num(t.d_seeders),
        }
      : null,
  };
}

function num(value: unknown): number | null {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : null;
}
