import { z } from "zod";
import { ARR_KINDS } from "../../../services/arr/types.ts";

/** Response bodies of the symlink checker's GET routes (src/services/symlinks/ builds them). */

const count = z.number().int().nonnegative();

export const scanProgressSchema = z.object({
  scanId: z.number(),
  status: z.string().describe("running, completed, cancelled, failed, interrupted…"),
  phase: z.string(),
  mode: z.string().describe("dry-run or real"),
  depth: z.string(),
  paths: z.array(z.string()),
  root: z.string(),
  startedAt: z.number().describe("epoch ms"),
  finishedAt: z.number().nullable(),
  elapsedMs: z.number(),
  folders: count,
  total: count,
  done: count,
  phase2Total: count,
  phase2Done: count,
  phase2EstimateMs: z.number().nullable(),
  rate: z.number(),
  etaMs: z.number().nullable(),
  counts: z
    .record(z.string(), z.number())
    .describe("ok, skipped and one count per problem type (broken, inaccessible, empty…)"),
  problems: count,
  deleted: count,
  deleteFailed: count,
  rescans: count,
  error: z.string().nullable(),
  reportPath: z.string().nullable(),
  confirmToken: z.string().nullable(),
});

export const scanProblemsSchema = z.object({
  total: count,
  byType: z.record(z.string(), z.number()),
  problems: z.array(
    z.object({
      id: z.number(),
      scan_id: z.number(),
      path: z.string(),
      type: z.string(),
      kind: z.string(),
      target: z.string().nullable(),
      size: z.number().nullable(),
      detail: z.string().nullable(),
      deleted_at: z.number().nullable(),
      delete_error: z.string().nullable(),
    }),
  ),
});

export const deletionPlanSchema = z.object({
  scanId: z.number(),
  count,
  token: z.string().describe("what POST /api/symlinks/scan/confirm/{id} needs"),
  items: z.array(z.object({ path: z.string(), type: z.string(), kind: z.string() })),
});

export const scanHistorySchema = z.object({ scans: z.array(scanProgressSchema) });

type Node = {
  path: string;
  name: string;
  symlinks: number;
  mediaFiles: number;
  folders: number;
  children?: Node[];
  hasChildren: boolean;
};
const treeNode: z.ZodType<Node> = z.lazy(() =>
  z.object({
    path: z.string(),
    name: z.string(),
    symlinks: count,
    mediaFiles: count,
    folders: count,
    children: z.array(treeNode).optional(),
    hasChildren: z.boolean(),
  }),
);

export const directoryTreeSchema = z.object({
  root: z.string().describe("the media root, resolved"),
  computedAt: z.number(),
  unreadable: count.describe("folders that could not be read"),
  node: treeNode,
});

const limit = z.object({ min: z.number(), max: z.number() });
/** An *arr connection as the API shows it: whether a key is saved, never the key. */
const publicArrConnection = z.object({ enabled: z.boolean(), url: z.string(), hasApiKey: z.boolean() });

export const symlinkConfigSchema = z.object({
  settings: z.object({
    mediaRoot: z.string().optional().describe("absent when none is configured"),
    workers: count,
    ffprobeTimeoutMs: count,
    minSizeBytes: count,
    historyKeep: count,
  }),
  limits: z.object({ workers: limit, ffprobeTimeoutMs: limit, minSizeBytes: limit, historyKeep: limit }),
  ffprobePath: z.string(),
  sonarr: publicArrConnection,
  radarr: publicArrConnection,
});

const arrKind = z.enum(ARR_KINDS);

export const arrTestResultsSchema = z.object({
  results: z.array(
    z.union([
      z.object({ ok: z.literal(true), kind: arrKind, appName: z.string(), version: z.string() }),
      z.object({ ok: z.literal(false), kind: arrKind, error: z.string() }),
    ]),
  ),
});

export const arrDetectSchema = z.object({
  services: z.array(
    z.object({
      kind: arrKind,
      url: z.string(),
      source: z.enum(["localhost", "docker"]),
      container: z.string().optional().describe("its name, when found through Docker"),
      confirmed: z.boolean().describe("its status answered with the saved key"),
      version: z.string().optional(),
      needsApiKey: z.boolean().describe("it answered 401: enter its API key"),
    }),
  ),
  docker: z.object({ available: z.boolean(), containers: count, error: z.string().optional() }),
});
