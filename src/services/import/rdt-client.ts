import {
  getCategory,
  getTorrent,
  insertCategory,
  insertFiles,
  insertTags,
  insertTorrent,
  inTransaction,
  queueOrderBounds,
} from "../../db/repo/downloads.ts";
import type { Deps } from "../../deps.ts";
import { formatBytes } from "../../lib/format.ts";
import { notifyChanged } from "../downloads/events.ts";
import { categoryFolder, isValidCategoryName } from "../downloads/paths.ts";
import { setGlobalLimit, storedPreferences } from "../downloads/preferences.ts";
import { providerKind, type RdtClientData, type RdtDownload, readRdtClient } from "./rdt-client-reader.ts";
import { mapSettings } from "./rdt-client-settings.ts";
import { IMPORT_TAG, planTorrent } from "./rdt-client-torrents.ts";
import { type ImportReport, type ImportSection, section } from "./report.ts";

export interface ImportOptions {
  /** False (the default): only report what would be imported. */
  apply: boolean;
}

/**
 * `redriva import rdt-client <db>`: rdt-client's torrents (with their download history),
 * categories and the settings that map onto Redriva's, side by side. Idempotent: what is already
 * in Redriva (same hash, same category, a speed limit already set) is left as it is.
 */
export function importRdtClient(deps: Deps, file: string, options: ImportOptions): ImportReport {
  const data = readRdtClient(file);
  const report: ImportReport = { source: "rdt-client", file, dryRun: !options.apply, sections: [] };
  const work = () => {
    report.sections.push(importCategories(deps, data, options));
    report.sections.push(importTorrents(deps, data, options));
    report.sections.push(importSettings(deps, data, options));
  };
  if (options.apply) inTransaction(deps.dbh.db, work);
  else work();
  if (options.apply) notifyChanged(deps);
  return report;
}

/** Categories from the "General:Categories" setting and from the torrents themselves. */
function importCategories(deps: Deps, data: RdtClientData, options: ImportOptions): ImportSection {
  const result = section("Categories");
  const fromSetting = (data.settings.get("General:Categories") ?? "").split(",");
  const fromTorrents = data.torrents.map((t) => t.Category ?? "");
  const names = [...new Set([...fromSetting, ...fromTorrents].map((n) => n.trim()).filter((n) => n !== ""))];
  for (const name of names.sort()) {
    if (!isValidCategoryName(name) || categoryFolder(deps.config.downloads, name, "") === null)
      result.notImported.push({ item: name, detail: "not a usable folder name" });
    else if (getCategory(deps.dbh.db, name))
      result.notImported.push({ item: name, detail: "already in Redriva" });
    else {
      if (options.apply) insertCategory(deps.dbh.db, name, "");
      const folder = categoryFolder(deps.config.downloads, name, "");
      result.imported.push({ item: name, detail: `category, files in ${folder}` });
    }
  }
  return result;
}

function importTorrents(deps: Deps, data: RdtClientData, options: ImportOptions): ImportSection {
  const result = section("Torrents");
  const downloadsOf = new Map<string, RdtDownload[]>();
  for (const d of data.downloads) {
    const key = d.TorrentId.toUpperCase();
    downloadsOf.set(key, [...(downloadsOf.get(key) ?? []), d]);
  }
  let order = queueOrderBounds(deps.dbh.db).max;
  const planned = new Set<string>();
  const defaultProvider = providerKind(data.settings.get("Provider:Provider") ?? null);
  for (const t of data.torrents) {
    const label = t.RdName?.trim() || t.Hash || t.TorrentId;
    const plan = planTorrent(t, downloadsOf.get(t.TorrentId.toUpperCase()) ?? [], {
      now: deps.clock.now(),
      defaultProvider,
      configured: deps.providers.configured(),
      folderOf: (category) =>
        categoryFolder(deps.config.downloads, category, getCategory(deps.dbh.db, category)?.save_path ?? ""),
      queueOrder: order + 1,
    });
    if (!plan.ok) {
      result.notImported.push({ item: label, detail: plan.reason });
      continue;
    }
    const hash = plan.row.hash;
    if (planned.has(hash) || getTorrent(deps.dbh.db, hash)) {
      result.notImported.push({ item: label, detail: `already in Redriva (${hash})` });
      continue;
    }
    planned.add(hash);
    order += 1;
    if (options.apply) {
      insertTorrent(deps.dbh.db, plan.row);
      insertFiles(deps.dbh.db, plan.files);
    }
    const category = plan.row.category ? ` [${plan.row.category}]` : "";
    result.imported.push({ item: `${plan.row.name}${category}`, detail: plan.note });
  }
  if (options.apply && result.imported.length > 0) insertTags(deps.dbh.db, [IMPORT_TAG]);
  return result;
}

/** The speed limit goes where qBit's transfer/setDownloadLimit puts it; the rest is advice. */
function importSettings(deps: Deps, data: RdtClientData, options: ImportOptions): ImportSection {
  const result = section("Settings");
  const maxSpeed = Number(data.settings.get("DownloadClient:MaxSpeed") ?? "0");
  if (Number.isFinite(maxSpeed) && maxSpeed > 0) {
    const bytes = Math.trunc(maxSpeed * 1024 * 1024);
    const current = storedPreferences(deps).dl_limit;
    const item = `DownloadClient:MaxSpeed = ${maxSpeed} MB/s`;
    if (typeof current === "number" && current > 0)
      result.notImported.push({ item, detail: `Redriva already has a limit (${formatBytes(current)}/s)` });
    else {
      if (options.apply) setGlobalLimit(deps, "dl_limit", String(bytes));
      result.imported.push({
        item,
        detail: `global download limit ${formatBytes(bytes)}/s (shown on /downloads)`,
      });
    }
  }
  for (const m of mapSettings(data.settings))
    result.notImported.push({ item: `${m.key} = ${m.shown}`, detail: m.advice });
  return result;
}
