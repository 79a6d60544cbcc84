import { z } from "zod";
import { repairAttemptSchema } from "./library.ts";

/** Response bodies of the GET routes of /api/repair (src/services/repair/queries.ts builds them). */

const text = z.string().nullable();

const candidate = z.object({
  id: z.number(),
  provider: z.string(),
  torrent_id: z.string(),
  hash: text,
  filename: z.string(),
  reason: z.string(),
  status_seen: text,
  detail: z.string().describe("JSON object"),
  priority: z.number(),
  state: z.string(),
  attempts: z.number(),
  due_at: z.number().nullable().describe("epoch ms of the next try"),
  failure: text,
  last_error: text,
  new_torrent_id: text,
  found_at: z.number(),
  seen_at: z.number(),
  updated_at: z.number(),
  resolved_at: z.number().nullable(),
});

const scan = z.object({
  id: z.number(),
  mode: z.string(),
  started_at: z.number(),
  finished_at: z.number().nullable(),
  status: z.string(),
  torrents_listed: z.number(),
  checked: z.number(),
  found: z.number(),
  new_candidates: z.number(),
  requests: z.number(),
  error: text,
});

export const repairOverviewSchema = z.object({
  dryRun: z.boolean(),
  counts: z.record(z.string(), z.number()).describe("candidates per state"),
  settings: z.object({
    retryDelayMs: z.number(),
    maxAttempts: z.number(),
    runLimit: z.number(),
    deleteOnly: z.boolean(),
  }),
  scans: z.array(scan).describe("the last scan"),
});

export const candidatesSchema = z.object({ candidates: z.array(candidate) });
export const queueSchema = z.object({ queue: z.array(candidate), now: z.number().describe("epoch ms") });
export const attemptsSchema = z.object({ attempts: z.array(repairAttemptSchema) });
export const historySchema = z.object({
  candidate: candidate.nullable(),
  ids: z.array(z.string()).describe("every id the torrent had, newest first"),
  attempts: z.array(repairAttemptSchema),
});
export const repairRunStateSchema = z.object({
  run: z
    .object({
      running: z.boolean(),
      startedAt: z.number(),
      result: z.record(z.string(), z.unknown()).nullable().describe("the finished run's outcome"),
      error: text,
    })
    .nullable(),
});

export const repairScanSchema = z.object({
  scan: z.object({
    scanId: z.number(),
    mode: z.string().describe("quick, full or symlinks"),
    status: z.string().describe("succeeded or failed"),
    torrentsListed: z.number(),
    checked: z.number().describe("links test-unrestricted (full) or symlinks examined (symlinks)"),
    found: z.number(),
    newCandidates: z.number(),
    requests: z.number().describe("provider requests the scan made"),
    unmapped: z.array(z.string()).describe("broken links no torrent was found for (the first 50)"),
    unmappedCount: z.number(),
    closed: z.number(),
    error: text,
    durationMs: z.number(),
  }),
});

export const reinjectResultSchema = z.object({
  result: z.object({
    candidateId: z.number().nullable(),
    torrentId: z.string(),
    filename: z.string(),
    reason: z.string(),
    outcome: z.string().describe("repaired, retry, failed, skipped, planned (dry run), deferred, aborted"),
    failure: text.describe("the failure class, when it failed"),
    error: text,
    newTorrentId: text,
    dueAt: z.number().nullable().describe("epoch ms of the next try (retry queue)"),
    attempts: z.number(),
    plan: z
      .object({
        magnet: z.string().optional(),
        oldTorrentId: z.string().optional(),
        oldStatus: text.optional(),
        select: z.string().optional(),
        steps: z.array(z.string()),
      })
      .nullable()
      .describe("a dry run: the steps that would be taken"),
    links: z.array(z.string()).describe("infringing: the links removed (or that would be)"),
    requests: z.number(),
    responseMs: z.number(),
    dryRun: z.boolean(),
    arr: z.object({ rescans: z.number(), searches: z.number(), errors: z.array(z.string()) }),
  }),
});
