import { buildMagnet } from "../../domain/magnet.ts";
import type { FakeTorrent } from "../library.ts";
import type { FakeReply } from "../realdebrid/model.ts";
import type { FakePremiumizeAccount } from "./account.ts";

/**
 * The fake's records in Premiumize's words. The status table is written out here rather than
 * imported from the adapter, so a mistake in one is caught by the other.
 */
const STATUS: Record<string, string> = {
  magnet_conversion: "waiting",
  waiting_files_selection: "waiting",
  queued: "queued",
  downloading: "running",
  compressing: "running",
  uploading: "running",
  downloaded: "finished",
  magnet_error: "error",
  error: "error",
  virus: "banned",
  dead: "deleted",
};

/** Seeded torrents show every documented word: some finished ones seed, some dead ones timed out. */
function pmStatus(t: FakeTorrent): string {
  const word = STATUS[t.status] ?? t.status;
  const last = Number.parseInt(t.hash.slice(-1), 16);
  if (word === "finished" && last === 15) return "seeding";
  if (word === "deleted" && last % 2 === 1) return "timeout";
  return word;
}

export const ok = (data: Record<string, unknown> = {}): FakeReply => ({
  status: 200,
  json: { status: "success", ...data },
});

/** Application errors: `{status: "error", message}` with HTTP 200 unless told otherwise. */
export const fail = (message: string, httpStatus = 200): FakeReply => ({
  status: httpStatus,
  json: { status: "error", message },
});

const MESSAGES: Record<string, string> = {
  waiting: "Waiting for metadata…",
  queued: "Queued",
  running: "Downloading",
  error: "Could not download the torrent.",
  timeout: "No peers: the transfer timed out.",
  banned: "This content is banned.",
};

/** One transfer of /transfer/list. Finished transfers report progress 0 (as the real API does). */
export function transferJson(account: FakePremiumizeAccount, t: FakeTorrent): Record<string, unknown> {
  const status = pmStatus(t);
  const done = status === "finished" || status === "seeding";
  const cloud = done ? account.cloudOf(t) : null;
  const src = account.added.get(t.id)?.src ?? buildMagnet(t.hash, t.filename);
  return {
    id: t.id,
    name: t.filename,
    message: MESSAGES[status] ?? null,
    status,
    progress: done ? 0 : Math.round(t.progress) / 100,
    src,
    folder_id: cloud?.folderId ?? null,
    file_id: cloud?.fileId ?? null,
    created_at: Math.floor(Date.parse(t.added) / 1000),
  };
}

/** A cloud file as folder/list and item/details show it, with a fresh direct link. */
export function fileJson(account: FakePremiumizeAccount, id: string): Record<string, unknown> | null {
  const file = account.files.get(id);
  if (!file) return null;
  const { state } = account;
  const link = `${state.baseUrl}/dl/${state.issueDownloadToken(file.key, file.size, file.name)}/${encodeURIComponent(file.name)}`;
  const video = /\.(mkv|mp4|avi|m4v)$/i.test(file.name);
  return {
    id: file.id,
    name: file.name,
    type: "file",
    size: file.size,
    created_at: file.createdAt,
    mime_type: video ? "video/x-matroska" : "application/octet-stream",
    transcode_status: video ? "good_as_is" : "not_applicable",
    link,
    stream_link: video ? link : null,
  };
}
