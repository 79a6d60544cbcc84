import { existsSync } from "node:fs";
import { dirname } from "node:path";
import type { DownloadMode } from "../../config/sections/download-mode.ts";
import type { DownloadsConfig } from "../../config/sections/downloads.ts";
import { type DownloadTorrentRow, listTorrents } from "../../db/repo/downloads.ts";
import type { Deps } from "../../deps.ts";
import type { EffectiveLimit, SpeedWindow } from "../../domain/speed-schedule.ts";
import { type DiskSpace, diskSpace } from "../../downloader/storage.ts";
import { type ImportSummary, importSummaries } from "../arr/imports-view.ts";
import { type ReplacementView, recentReplacementViews, replacementTexts } from "../arr/replace-view.ts";
import { downloadModeOf } from "./mode.ts";
import type { RunningStep } from "./post-download/step.ts";
import { ETA_UNKNOWN, etaSeconds } from "./progress.ts";
import { currentDownloadLimit } from "./speed-limit.ts";
import type { RuntimeStatus } from "./state.ts";

export type Phase =
  | "provider"
  | "queued"
  | "downloading"
  | "moving"
  | "extracting"
  | "hook"
  | "done"
  | "error"
  | "paused";

export interface DownloadRow {
  hash: string;
  name: string;
  category: string;
  /** Downloaded by aria2c, or linked from the debrid mount (DOWNLOAD_MODE, per category). */
  mode: DownloadMode;
  phase: Phase;
  /** Words under the phase: the provider's status, why it waits, the error. */
  detail: string | null;
  /** 0..1: the provider's progress while it fetches, then bytes on disk. */
  progress: number;
  size: number;
  downloaded: number;
  speed: number;
  /** Seconds, null when unknown. */
  eta: number | null;
  provider: string | null;
  paused: boolean;
  contentPath: string | null;
  addedOn: number;
  /** 0..1 of each phase (the bar above is their average). */
  providerProgress: number;
  diskProgress: number;
  /** When it finished (ms), null before. */
  completedOn: number | null;
  /** The *arr's history showed its import (src/services/arr/imports.ts); null until then. */
  imported: ImportSummary | null;
  /** What Redriva did about it with Sonarr/Radarr once it failed (issue 18), in words. */
  replacement: string | null;
}

export interface DownloadsOverview {
  active: DownloadRow[];
  finished: DownloadRow[];
  /** Something moves: the page refreshes its rows. */
  live: boolean;
  runtime: RuntimeStatus | null;
  space: DiskSpace | null;
  dir: string;
  /** DOWNLOAD_MODE and the categories that differ (DOWNLOAD_CATEGORY_MODES). */
  modes: { defaultMode: DownloadMode; overrides: Array<{ category: string; mode: DownloadMode }> };
  /** The download limit in force and why (schedule window, alternative mode, client, configured). */
  speed: EffectiveLimit & { schedule: SpeedWindow[] };
  /** The last failed grabs handed back to Sonarr/Radarr (or planned, in a dry run). */
  replacements: ReplacementView[];
}

/** The folder itself, or the nearest parent that exists (before the first download creates it). */
function existingAncestor(dir: string): string {
  let current = dir;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

/** `step`: the post-download step running for it now (post-download/runner.ts), if any. */
export function phaseOf(t: DownloadTorrentRow, step?: RunningStep): Phase {
  if (t.stage === "error") return "error";
  if (t.stage === "done") return "done";
  if (t.stage === "moving" || t.stage === "extracting" || t.stage === "hook")
    return t.paused && !step ? "paused" : t.stage;
  if (t.paused || t.blocked) return "paused";
  if (t.stage === "queued" || t.stage === "provider") return "provider";
  if (t.stage === "downloading") return "downloading";
  return "queued";
}

function rowOf(config: DownloadsConfig, t: DownloadTorrentRow, step?: RunningStep): DownloadRow {
  const phase = phaseOf(t, step);
  const atProvider = t.stage === "queued" || t.stage === "provider";
  const providerShare = atProvider ? t.provider_progress / 100 : 1;
  const diskShare = atProvider ? 0 : t.size > 0 ? Math.min(1, t.downloaded / t.size) : 0;
  // One bar over both phases (the provider's half, then the disk's), so it never goes backwards
  // when the provider is done and the download to disk starts from 0.
  // While archives are extracted, the bar shows the extraction (as qBit's progress does).
  const extracting = t.stage === "extracting" && step ? (step.progress ?? 0) : null;
  const progress = t.stage === "done" ? 1 : (extracting ?? (providerShare + diskShare) / 2);
  const speed = atProvider ? t.provider_speed : t.speed;
  const remaining = atProvider ? (t.size * (100 - t.provider_progress)) / 100 : t.size - t.downloaded;
  const eta = phase === "downloading" || (atProvider && speed > 0) ? etaSeconds(remaining, speed) : null;
  const detail =
    t.stage === "error"
      ? t.error
      : (t.message ??
        (atProvider
          ? `${t.provider ?? "choosing a provider"}${t.provider_status ? `: ${t.provider_status.replaceAll("_", " ")}` : ""}`
          : null));
  return {
    hash: t.hash,
    name: t.name,
    category: t.category,
    mode: downloadModeOf(config, t.category),
    phase,
    detail,
    progress,
    size: t.size,
    downloaded: t.stage === "done" ? t.size : t.downloaded,
    speed: t.stage === "done" ? 0 : speed,
    eta: eta === null || eta === ETA_UNKNOWN ? null : eta,
    provider: t.provider,
    paused: t.paused,
    contentPath: t.content_path,
    addedOn: t.added_on,
    providerProgress: providerShare,
    diskProgress: t.stage === "done" ? 1 : diskShare,
    completedOn: t.completion_on,
    imported: null,
    replacement: null,
  };
}

/** Everything the /downloads page shows: queue and active first (queue order), then the last finished. */
export async function downloadsOverview(
  deps: Deps,
  options: { finishedLimit?: number } = {},
): Promise<DownloadsOverview> {
  const rows = listTorrents(deps.dbh.db);
  const config = deps.config.downloads;
  const toRow = (t: DownloadTorrentRow) => rowOf(config, t, deps.downloads.postSteps.get(t.hash));
  const active = rows
    .filter((r) => r.stage !== "done")
    .sort((a, b) => Number(b.force_start) - Number(a.force_start) || a.queue_order - b.queue_order)
    .map(toRow);
  const texts = replacementTexts(
    deps,
    active.filter((r) => r.phase === "error").map((r) => r.hash),
  );
  for (const row of active) row.replacement = texts.get(row.hash) ?? null;
  const done = rows
    .filter((r) => r.stage === "done")
    .sort((a, b) => (b.completion_on ?? 0) - (a.completion_on ?? 0))
    .slice(0, options.finishedLimit ?? 50);
  const imports = importSummaries(
    deps,
    done.map((r) => r.hash),
  );
  const finished = done.map((t) => ({ ...toRow(t), imported: imports.get(t.hash) ?? null }));
  const dir = deps.config.downloads.dir;
  return {
    active,
    finished,
    live: active.some((r) => r.phase !== "error" && r.phase !== "paused"),
    runtime: deps.downloads.status,
    space: await diskSpace(existingAncestor(dir)).catch(() => null),
    dir,
    modes: {
      defaultMode: config.linking.defaultMode,
      overrides: Object.entries(config.linking.categoryModes).map(([category, mode]) => ({ category, mode })),
    },
    speed: { ...currentDownloadLimit(deps), schedule: config.speed.schedule },
    replacements: recentReplacementViews(deps),
  };
}
