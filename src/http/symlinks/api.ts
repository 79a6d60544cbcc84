import { z } from "zod";
import type { Deps } from "../../deps.ts";
import {
  detectArrServices,
  getArrConnection,
  publicArrConnection,
  saveArrConnection,
  testArrConnection,
} from "../../services/arr/index.ts";
import { connectionInput } from "../../services/arr/settings.ts";
import { ARR_KINDS } from "../../services/arr/types.ts";
import {
  cancelScan,
  confirmDeletion,
  deletionPlan,
  getDirectoryTree,
  getScanProgress,
  getSymlinkSettings,
  listScanHistory,
  listScanProblems,
  parseProblemTypes,
  rerunScan,
  SETTINGS_LIMITS,
  saveSymlinkSettings,
  startScan,
} from "../../services/symlinks/index.ts";
import { scanInput } from "../../services/symlinks/scan.ts";
import { settingsInput } from "../../services/symlinks/settings.ts";
import { type ApiRoute, apiRoute } from "../api/openapi-route.ts";
import {
  arrDetectSchema,
  arrTestResultsSchema,
  deletionPlanSchema,
  directoryTreeSchema,
  scanHistorySchema,
  scanProblemsSchema,
  scanProgressSchema,
  symlinkConfigSchema,
} from "../api/responses/symlinks.ts";
import { parseFindingIds, parseIntParam, parseKind, parseScanId } from "./params.ts";
import { serveReport } from "./report-route.ts";

/** The configuration as the API shows it: API keys never leave the server. */
export function symlinkConfigView(deps: Deps) {
  return {
    settings: getSymlinkSettings(deps),
    limits: SETTINGS_LIMITS,
    ffprobePath: deps.config.symlinks.ffprobePath,
    sonarr: publicArrConnection(getArrConnection(deps, "sonarr")),
    radarr: publicArrConnection(getArrConnection(deps, "radarr")),
  };
}

/** Saves settings and connections in one transaction: all of it or nothing. */
export function saveSymlinkConfig(deps: Deps, body: Record<string, unknown>) {
  const { sonarr, radarr, ...settings } = body;
  deps.dbh.sqlite.transaction(() => {
    if (Object.keys(settings).length > 0) saveSymlinkSettings(deps, settings);
    if (sonarr !== undefined) saveArrConnection(deps, "sonarr", sonarr);
    if (radarr !== undefined) saveArrConnection(deps, "radarr", radarr);
  })();
  // symlink-check is off without a usable media root: arm it now, not at the next start.
  deps.jobs.rescheduleAll();
}

const TAG = "Symlinks";
const scanId = z
  .string()
  .meta({ pattern: "^\\d{1,12}$" })
  .transform((v) => parseScanId(v));
const idParams = z.object({ id: scanId });
/** A comma-separated list of problem types, or `all`. */
const problemTypes = z
  .string()
  .optional()
  .transform((v) => parseProblemTypes(v))
  .describe("problem types, comma-separated (all by default)");
const pathQuery = z
  .string()
  .max(500, "q must be at most 500 characters")
  .optional()
  .describe("only paths containing this text (any case)");
/** Finding ids (from GET .../problems), comma-separated in a query, a list in a body. */
const findingIds = z
  .union([z.string(), z.array(z.union([z.string(), z.number()]))])
  .optional()
  .transform((v) => parseFindingIds(v))
  .describe("only these findings (ids from GET /api/symlinks/scan/{id}/problems)");
const intQuery = (name: string, fallback: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v) => parseIntParam(v, name, fallback, max))
    .describe(`${name} (default ${fallback}, at most ${max})`);
/** Settings and *arr connections in one body; each part is validated by its service. */
const configBody = settingsInput.extend({
  sonarr: connectionInput.optional(),
  radarr: connectionInput.optional(),
});
const progress = { description: "The scan's progress", schema: scanProgressSchema };

/** JSON API under /api/symlinks (the original plan's endpoints). */
export const SYMLINKS_API: readonly ApiRoute[] = [
  apiRoute(
    {
      method: "get",
      path: "/api/symlinks/config",
      tag: TAG,
      summary: "Checker settings and *arr connections (API keys never returned)",
      responses: {
        200: { description: "Settings, their limits and the *arr connections", schema: symlinkConfigSchema },
      },
    },
    (c, _input, deps) => c.json(symlinkConfigView(deps)),
  ),
  ...(["post", "put"] as const).map((method) =>
    apiRoute(
      {
        method,
        path: "/api/symlinks/config",
        tag: TAG,
        summary: "Save settings and connections (all of it or nothing)",
        serviceBody: configBody,
        responses: {
          200: { description: "The configuration as saved (same as GET)", schema: symlinkConfigSchema },
        },
      },
      (c, { raw }, deps) => {
        saveSymlinkConfig(deps, raw);
        return c.json(symlinkConfigView(deps));
      },
    ),
  ),
  apiRoute(
    {
      method: "get",
      path: "/api/symlinks/directories",
      tag: TAG,
      summary: "Folders under the media root (for picking what to scan)",
      query: z.object({
        path: z.string().optional().describe("a folder relative to the media root"),
        depth: intQuery("depth", 1, 5),
        refresh: z.string().optional().describe("1: read the disk again instead of the cache"),
      }),
      responses: { 200: { description: "The folder tree", schema: directoryTreeSchema } },
    },
    async (c, { query }, deps) =>
      c.json(
        await getDirectoryTree(deps, {
          path: query.path ?? "",
          depth: query.depth,
          refresh: query.refresh === "1",
        }),
      ),
  ),
  apiRoute(
    {
      method: "post",
      path: "/api/symlinks/scan/start",
      tag: TAG,
      summary: "Start a scan in the background (one at a time)",
      serviceBody: scanInput,
      responses: { 202: progress, 409: { description: "A scan is already running" } },
    },
    (c, { raw }, deps) => {
      const { scanId } = startScan(deps, raw);
      return c.json(getScanProgress(deps, scanId), 202);
    },
  ),
  apiRoute(
    {
      method: "get",
      path: "/api/symlinks/scan/status/:id",
      tag: TAG,
      summary: "Progress of a scan",
      params: idParams,
      responses: {
        200: progress,
        404: { description: "No such scan" },
      },
    },
    (c, { params }, deps) => c.json(getScanProgress(deps, params.id)),
  ),
  apiRoute(
    {
      method: "post",
      path: "/api/symlinks/scan/cancel/:id",
      tag: TAG,
      summary: "Cancel a running scan",
      params: idParams,
      responses: { 200: progress, 404: { description: "No such scan" } },
    },
    (c, { params }, deps) => c.json(cancelScan(deps, params.id)),
  ),
  apiRoute(
    {
      method: "post",
      path: "/api/symlinks/scan/rerun/:id",
      tag: TAG,
      summary: "Run a scan again with the same paths and options",
      params: idParams,
      responses: { 202: progress, 404: { description: "No such scan" } },
    },
    (c, { params }, deps) => {
      const { scanId } = rerunScan(deps, params.id);
      return c.json(getScanProgress(deps, scanId), 202);
    },
  ),
  apiRoute(
    {
      method: "get",
      path: "/api/symlinks/scan/:id/problems",
      tag: TAG,
      summary: "Problems a scan found, by type, paged",
      params: idParams,
      query: z.object({
        type: problemTypes,
        q: pathQuery,
        limit: intQuery("limit", 200, 5000),
        offset: intQuery("offset", 0, 1e9),
      }),
      responses: {
        200: {
          description: "The total, counts by type and one page of problems",
          schema: scanProblemsSchema,
        },
        404: { description: "No such scan" },
      },
    },
    (c, { params, query }, deps) =>
      c.json(
        listScanProblems(deps, params.id, {
          types: query.type,
          query: query.q,
          limit: query.limit,
          offset: query.offset,
        }),
      ),
  ),
  apiRoute(
    {
      method: "get",
      path: "/api/symlinks/scan/:id/deletion",
      tag: TAG,
      summary: "The exact list a confirmation deletes, with its token (real mode)",
      params: idParams,
      query: z.object({ type: problemTypes, q: pathQuery, ids: findingIds }),
      responses: { 200: { description: "The list and its token", schema: deletionPlanSchema } },
    },
    (c, { params, query }, deps) => {
      getScanProgress(deps, params.id);
      const plan = deletionPlan(deps, params.id, { types: query.type, query: query.q, ids: query.ids });
      return c.json({
        scanId: params.id,
        count: plan.items.length,
        token: plan.token,
        items: plan.items.map((i) => ({ path: i.path, type: i.type, kind: i.kind })),
      });
    },
  ),
  apiRoute(
    {
      method: "post",
      path: "/api/symlinks/scan/confirm/:id",
      tag: TAG,
      summary: "Delete the broken links of a real-mode scan (the token of GET .../deletion)",
      params: idParams,
      body: z.object({
        token: z.string().optional().describe("from GET /api/symlinks/scan/{id}/deletion"),
        types: z
          .union([z.string(), z.array(z.string())])
          .optional()
          .transform((v) => parseProblemTypes(v)),
        q: pathQuery,
        ids: findingIds,
      }),
      responses: {
        202: {
          description: "Deleting; the progress and how many links were confirmed",
          schema: scanProgressSchema.extend({ confirmed: z.number() }),
        },
        409: { description: "The token is out of date: the list changed" },
      },
    },
    (c, { params, body }, deps) => {
      const result = confirmDeletion(deps, params.id, {
        token: body.token,
        types: body.types,
        query: body.q,
        ids: body.ids,
      });
      return c.json({ ...getScanProgress(deps, params.id), confirmed: result.count }, 202);
    },
  ),
  apiRoute(
    {
      method: "get",
      path: "/api/symlinks/scan/:id/report",
      tag: TAG,
      summary: "The scan's static HTML report",
      params: idParams,
      responses: {
        200: { description: "The report", contentType: "text/html" },
        404: { description: "No report" },
      },
    },
    (c, { params }, deps) => serveReport(c, deps, params.id),
  ),
  apiRoute(
    {
      method: "get",
      path: "/api/symlinks/scans/history",
      tag: TAG,
      summary: "Past scans, newest first",
      query: z.object({ limit: intQuery("limit", 20, 100) }),
      responses: { 200: { description: "Past scans", schema: scanHistorySchema } },
    },
    (c, { query }, deps) => c.json({ scans: listScanHistory(deps, query.limit) }),
  ),
  apiRoute(
    {
      method: "post",
      path: "/api/symlinks/services/test",
      tag: TAG,
      summary: "Test the Sonarr/Radarr connections (saved, or the URL and key given)",
      body: z.object({
        kind: z
          .string()
          .optional()
          .meta({ enum: [...ARR_KINDS] })
          .transform((v) => (v === undefined ? undefined : parseKind(v))),
        url: z.string({ error: "url must be a string" }).optional(),
        apiKey: z.string({ error: "apiKey must be a string" }).optional(),
      }),
      responses: { 200: { description: "One result per service", schema: arrTestResultsSchema } },
    },
    async (c, { body }, deps) => {
      const kinds = body.kind === undefined ? ARR_KINDS : [body.kind];
      const results = await Promise.all(
        kinds.map((kind) => testArrConnection(deps, kind, { url: body.url, apiKey: body.apiKey })),
      );
      return c.json({ results });
    },
  ),
  apiRoute(
    {
      method: "post",
      path: "/api/symlinks/services/detect",
      tag: TAG,
      summary: "Look for Sonarr/Radarr at their usual addresses",
      responses: {
        200: { description: "What was found, and whether Docker could be asked", schema: arrDetectSchema },
      },
    },
    async (c, _input, deps) => c.json(await detectArrServices(deps)),
  ),
];
