import { z } from "zod";

/** Response bodies of GET /api/torrents/… and GET /api/stats (the shapes their handlers build). */

const count = z.number().int().nonnegative();
const bytes = z.number().nonnegative();
const text = z.string().nullable();

const torrentRecord = z.object({
  seq: z.number(),
  id: z.string(),
  provider: z.string(),
  filename: z.string(),
  status: z.string(),
  bytes,
  added_on: text,
  ended_on: text,
  hash: text,
  host: text,
  split: z.number().nullable(),
  progress: z.number(),
  speed: z.number().nullable(),
  seeders: z.number().nullable(),
  links: z.array(z.string()).describe("restricted links (from the details when known, else the list)"),
  links_count: count,
  first_seen_at: z.number().describe("epoch ms"),
  last_seen_at: z.number(),
  changed_at: z.number(),
  removed_at: z.number().nullable().describe("epoch ms it left the provider's list, null while there"),
  details_error: text,
  details_error_at: z.number().nullable(),
});

const detailsRecord = z.object({
  provider: z.string(),
  id: z.string(),
  name: z.string(),
  original_filename: text,
  status: z.string(),
  size: bytes,
  original_bytes: z.number().nullable(),
  files_count: count,
  progress: z.number(),
  links: z.string().describe("comma-separated"),
  hash: text,
  host: text,
  error: text,
  added_on: text,
  ended_on: text,
  speed: z.number().nullable(),
  seeders: z.number().nullable(),
  fetched_at: z.number(),
});

export const repairAttemptSchema = z.object({
  id: z.number(),
  candidate_id: z.number().nullable(),
  provider: z.string(),
  torrent_id: z.string(),
  hash: text,
  action: z.string(),
  trigger: z.string(),
  started_at: z.number(),
  finished_at: z.number(),
  outcome: z.string(),
  dry_run: z.boolean(),
  failure: text,
  error: text,
  error_code: text,
  response_ms: z.number(),
  requests: z.number(),
  new_torrent_id: text,
  detail: z.string().describe("JSON object"),
});

export const torrentDetailSchema = z.object({
  torrent: torrentRecord,
  details: detailsRecord.nullable(),
  files: z.array(z.object({ id: z.number(), path: z.string(), bytes, selected: z.boolean() })),
  repairAttempts: z.array(repairAttemptSchema),
});

const countAndBytes = z.object({ count, bytes });

export const libraryStatsSchema = z.object({
  generatedAt: z.number().describe("epoch ms"),
  overview: z.object({ torrents: count, removed: count, withDetails: count, coveragePercent: z.number() }),
  volume: z.object({ totalBytes: bytes, averageBytes: bytes, downloadedBytes: bytes }),
  recent: z.object({ last24h: countAndBytes, last7d: countAndBytes }),
  downloads: z.object({ active: count, byStatus: z.array(z.object({ status: z.string(), count })) }),
  errors: z.object({ failed: count, detailsErrors: count }),
  byStatus: z.array(z.object({ status: z.string(), count, bytes, percent: z.number() })),
  byProvider: z.array(z.object({ provider: z.string(), count, bytes })),
  topHosts: z.array(z.object({ host: z.string(), count, bytes })),
  biggest: z.array(
    z.object({ provider: z.string(), id: z.string(), filename: z.string(), bytes, status: z.string() }),
  ),
  staleDetails: count,
  lastSync: z
    .object({
      provider: z.string(),
      mode: z.string(),
      status: z.string(),
      finishedAt: z.number().nullable(),
      startedAt: z.number(),
    })
    .nullable(),
  recommendations: z.array(
    z.object({
      text: z.string(),
      command: z.string().optional(),
      action: z.enum(["smart", "torrents", "resume", "errors", "diagnose", "jobs"]).optional(),
    }),
  ),
});
