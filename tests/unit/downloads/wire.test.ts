import { describe, expect, test } from "bun:test";
import { loadConfig } from "../../../src/config/index.ts";
import type { DownloadTorrentRow } from "../../../src/db/repo/downloads.ts";
import {
  files,
  QBIT_STATES,
  type QbitState,
  qbitState,
  STALLED_AFTER_MS,
  toQbitTorrent,
  type WireContext,
} from "../../../src/http/qbit/wire.ts";

const NOW = 1_800_000_000_000;
const config = loadConfig({
  DOWNLOAD_DIR: "/data/downloads",
  DOWNLOAD_CATEGORY_MODES: "tv-linked=symlink",
  SYMLINK_MOUNT_PATH: "/mnt/debrid",
}).downloads;
const ctx: WireContext = { now: NOW, config, positions: new Map([["a".repeat(40), 1]]) };

function row(patch: Partial<DownloadTorrentRow>): DownloadTorrentRow {
  return {
    hash: "a".repeat(40),
    name: "Show.S01E01.1080p",
    source_kind: "magnet",
    magnet: null,
    link: null,
    category: "tv-sonarr",
    save_path: "/data/downloads/tv-sonarr",
    tags: "",
    stage: "queued",
    paused: false,
    blocked: null,
    force_start: false,
    queue_order: 1,
    provider: null,
    provider_id: null,
    providers_tried: "",
    provider_status: null,
    provider_progress: 0,
    provider_speed: 0,
    size: 0,
    downloaded: 0,
    speed: 0,
    error: null,
    fail_reason: null,
    failed_at: null,
    message: null,
    attempts: 0,
    next_attempt_at: 0,
    root_name: null,
    content_path: null,
    delete_files: false,
    ratio_limit: -2,
    seeding_time_limit: -2,
    inactive_seeding_time_limit: -2,
    added_on: NOW - 60_000,
    completion_on: null,
    last_activity: NOW - 1_000,
    progress_at: NOW - 1_000,
    trackers: "",
    seq_dl: false,
    f_l_piece_prio: false,
    comment: null,
    creation_date: null,
    skipped_files: "",
    mount_name: null,
    ...patch,
  };
}

const downloading = {
  stage: "downloading",
  size: 10_000_000,
  downloaded: 2_500_000,
  speed: 1_000_000,
  root_name: "Show.S01E01.1080p.mkv",
} as const;

/** One domain situation per state string Redriva may report. */
const CASES: Record<QbitState, Partial<DownloadTorrentRow>> = {
  error: { stage: "error", error: "realdebrid: infringing_file" },
  pausedUP: {
    stage: "done",
    size: 10_000_000,
    downloaded: 10_000_000,
    root_name: "Show.S01E01.1080p.mkv",
    content_path: "/data/downloads/tv-sonarr/Show.S01E01.1080p.mkv",
    completion_on: NOW - 30_000,
  },
  pausedDL: { ...downloading, paused: true },
  moving: { ...downloading, stage: "moving", downloaded: 10_000_000 },
  metaDL: { stage: "queued" },
  forcedMetaDL: { stage: "provider", provider_status: "magnet_conversion", force_start: true },
  queuedDL: { stage: "waiting", size: 10_000_000, root_name: "Show.S01E01.1080p.mkv" },
  downloading,
  forcedDL: { ...downloading, force_start: true },
  stalledDL: { ...downloading, progress_at: NOW - STALLED_AFTER_MS - 1 },
  // Symlink mode: the provider has the files, the mount does not show them yet.
  checkingDL: {
    stage: "waiting",
    category: "tv-linked",
    size: 10_000_000,
    root_name: "Show.S01E01.1080p.mkv",
  },
};

/** Contract section 6: how Sonarr/Radarr read each state. */
function arrStatus(state: string, dht = true): string {
  if (state === "error") return "Warning";
  if (["stoppedDL", "pausedDL"].includes(state)) return "Paused";
  if (["queuedDL", "checkingDL", "checkingUP", "checkingResumeData"].includes(state)) return "Queued";
  if (["pausedUP", "stoppedUP", "uploading", "stalledUP", "queuedUP", "forcedUP"].includes(state))
    return "Completed";
  if (["stalledDL", "missingFiles"].includes(state)) return "Warning";
  if (["metaDL", "forcedMetaDL"].includes(state)) return dht ? "Queued" : "Warning";
  if (["forcedDL", "moving", "downloading"].includes(state)) return "Downloading";
  return "Unknown";
}

const EXPECTED_ARR: Record<QbitState, string> = {
  error: "Warning",
  pausedUP: "Completed",
  pausedDL: "Paused",
  moving: "Downloading",
  metaDL: "Queued",
  forcedMetaDL: "Queued",
  queuedDL: "Queued",
  downloading: "Downloading",
  forcedDL: "Downloading",
  stalledDL: "Warning",
  checkingDL: "Queued",
};

describe.each(QBIT_STATES.map((s) => [s]))("state %s", (state) => {
  const t = toQbitTorrent(row(CASES[state]), ctx);

  test("is what the mapper decides for its situation", () => {
    const symlink = CASES[state].category === "tv-linked";
    expect(qbitState(row(CASES[state]), NOW, symlink)).toBe(state);
    expect(t.state).toBe(state);
  });

  test("is a state every *arr knows, with the meaning we intend", () => {
    expect(arrStatus(state)).toBe(EXPECTED_ARR[state]);
  });

  test("has qBittorrent's JSON types (integers stay integers)", () => {
    for (const key of [
      "added_on",
      "amount_left",
      "completed",
      "completion_on",
      "dlspeed",
      "downloaded",
      "eta",
      "last_activity",
      "priority",
      "seeding_time",
      "size",
      "total_size",
      "time_active",
    ] as const)
      expect({ key, integer: Number.isInteger(t[key]) }).toEqual({ key, integer: true });
    expect(typeof t.progress).toBe("number");
    expect(t.progress).toBeGreaterThanOrEqual(0);
    expect(t.progress).toBeLessThanOrEqual(1);
    expect(t.eta).toBeGreaterThanOrEqual(0);
    expect(typeof t.tags).toBe("string");
    expect(typeof t.content_path).toBe("string");
    expect(t.hash).toMatch(/^[0-9a-f]{40}$/);
  });

  test("reports complete only with the files at content_path", () => {
    if (state === "pausedUP") {
      expect(t.progress).toBe(1);
      expect(t.amount_left).toBe(0);
      expect(t.content_path).toBe("/data/downloads/tv-sonarr/Show.S01E01.1080p.mkv");
      expect(t.content_path).not.toBe(t.save_path);
      expect(t.seeding_time).toBe(30);
    } else {
      expect(t.progress).toBeLessThan(1);
      // qBittorrent: save_path/<name on disk> as soon as it is known (an *arr imports only Completed).
      if (t.content_path !== "") expect(t.content_path.startsWith(`${t.save_path}/`)).toBe(true);
    }
  });
});

describe("mapper details", () => {
  test("a magnet not resolved yet: size 0, total_size -1, eta 8640000, no content path", () => {
    const t = toQbitTorrent(row({}), ctx);
    expect(t).toMatchObject({ size: 0, total_size: -1, eta: 8_640_000, content_path: "", completion_on: -1 });
  });

  test("ETA from the smoothed speed, progress from bytes on disk", () => {
    const t = toQbitTorrent(row(downloading), ctx);
    expect(t.progress).toBe(0.25);
    expect(t.eta).toBe(8);
    expect(t.amount_left).toBe(7_500_000);
  });

  test("provider phase: ETA from the provider's own progress and speed, nothing on disk yet", () => {
    const t = toQbitTorrent(
      row({
        stage: "provider",
        provider_status: "downloading",
        size: 1000,
        provider_progress: 50,
        provider_speed: 100,
      }),
      ctx,
    );
    expect(t.state).toBe("downloading");
    expect(t.progress).toBe(0);
    expect(t.eta).toBe(5);
  });

  test("a finished torrent has reached the global ratio limit (0), so the *arr may remove it", () => {
    const t = toQbitTorrent(row(CASES.pausedUP), ctx);
    expect(t.ratio_limit).toBe(-2);
    expect(t.max_ratio - t.ratio).toBeLessThanOrEqual(0.001);
  });

  test("tags are ', '-separated; files carry the root folder for several files", () => {
    expect(toQbitTorrent(row({ tags: "a,b" }), ctx).tags).toBe("a, b");
    const done = row({ ...CASES.pausedUP, root_name: "Show.S01" });
    const list = files(done, [
      {
        id: 1,
        hash: done.hash,
        file_index: 1,
        path: "E01.mkv",
        size: 5,
        link: "",
        gid: "0",
        status: "complete",
        completed: 5,
        speed: 0,
        attempts: 0,
        error: null,
      },
      {
        id: 2,
        hash: done.hash,
        file_index: 2,
        path: "E02.mkv",
        size: 5,
        link: "",
        gid: "1",
        status: "complete",
        completed: 5,
        speed: 0,
        attempts: 0,
        error: null,
      },
    ]);
    expect(list.map((f) => f.name)).toEqual(["Show.S01/E01.mkv", "Show.S01/E02.mkv"]);
    expect(list.every((f) => f.progress === 1)).toBe(true);
  });
});
