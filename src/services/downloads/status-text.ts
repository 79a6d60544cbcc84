import type { DownloadTorrentRow } from "./queries.ts";

/** One line saying where a torrent is in Redriva, for clients that only show a tracker message. */
export function statusText(t: DownloadTorrentRow): string {
  if (t.stage === "error") return `Redriva: failed: ${t.error ?? "unknown error"}`;
  if (t.stage === "done") return `Redriva: finished, files in place${t.message ? `; ${t.message}` : ""}`;
  if (t.stage === "extracting" || t.stage === "hook") return `Redriva: ${t.message ?? t.stage}`;
  if (t.paused) return "Redriva: paused";
  if (t.message) return `Redriva: ${t.message}`;
  if (t.stage === "queued") return "Redriva: waiting for a debrid service";
  if (t.stage === "provider") {
    const status = t.provider_status ? `: ${t.provider_status.replaceAll("_", " ")}` : "";
    return `Redriva: at ${t.provider ?? "the debrid service"}${status} (${Math.round(t.provider_progress)}%)`;
  }
  if (t.stage === "moving") return "Redriva: moving the files into place";
  return "Redriva: downloading from the debrid service";
}
