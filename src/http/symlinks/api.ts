import type { Context } from "hono";
import type { Deps } from "../../deps.ts";
import { ValidationError } from "../../errors.ts";
import {
  detectArrServices,
  getArrConnection,
  publicArrConnection,
  saveArrConnection,
  testArrConnection,
} from "../../services/arr/index.ts";
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
import type { App, AppEnv } from "../context.ts";
import { jsonBody, parseIntParam, parseKind, parseScanId } from "./params.ts";
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

/** JSON API under /api/symlinks (the original plan's endpoints). */
export function registerSymlinkApi(app: App, deps: Deps): void {
  app.get("/api/symlinks/config", (c) => c.json(symlinkConfigView(deps)));
  const setConfig = async (c: Context<AppEnv>) => {
    saveSymlinkConfig(deps, await jsonBody(c));
    return c.json(symlinkConfigView(deps));
  };
  app.post("/api/symlinks/config", setConfig);
  app.put("/api/symlinks/config", setConfig);

  app.get("/api/symlinks/directories", async (c) => {
    const tree = await getDirectoryTree(deps, {
      path: c.req.query("path") ?? "",
      depth: parseIntParam(c.req.query("depth"), "depth", 1, 5),
      refresh: c.req.query("refresh") === "1",
    });
    return c.json(tree);
  });

  app.post("/api/symlinks/scan/start", async (c) => {
    const { scanId } = startScan(deps, await jsonBody(c));
    return c.json(getScanProgress(deps, scanId), 202);
  });
  app.get("/api/symlinks/scan/status/:id", (c) =>
    c.json(getScanProgress(deps, parseScanId(c.req.param("id")))),
  );
  app.post("/api/symlinks/scan/cancel/:id", (c) => c.json(cancelScan(deps, parseScanId(c.req.param("id")))));
  app.post("/api/symlinks/scan/rerun/:id", (c) => {
    const { scanId } = rerunScan(deps, parseScanId(c.req.param("id")));
    return c.json(getScanProgress(deps, scanId), 202);
  });

  app.get("/api/symlinks/scan/:id/problems", (c) => {
    const id = parseScanId(c.req.param("id"));
    return c.json(
      listScanProblems(deps, id, {
        types: parseProblemTypes(c.req.query("type")),
        limit: parseIntParam(c.req.query("limit"), "limit", 200, 5000),
        offset: parseIntParam(c.req.query("offset"), "offset", 0, 1e9),
      }),
    );
  });
  /** The exact list a confirmation deletes, with its token (real mode). */
  app.get("/api/symlinks/scan/:id/deletion", (c) => {
    const id = parseScanId(c.req.param("id"));
    getScanProgress(deps, id);
    const plan = deletionPlan(deps, id, parseProblemTypes(c.req.query("type")));
    return c.json({
      scanId: id,
      count: plan.items.length,
      token: plan.token,
      items: plan.items.map((i) => ({ path: i.path, type: i.type, kind: i.kind })),
    });
  });
  app.post("/api/symlinks/scan/confirm/:id", async (c) => {
    const id = parseScanId(c.req.param("id"));
    const body = await jsonBody(c);
    const result = confirmDeletion(deps, id, { token: body.token, types: parseProblemTypes(body.types) });
    return c.json({ ...getScanProgress(deps, id), confirmed: result.count }, 202);
  });
  app.get("/api/symlinks/scan/:id/report", (c) => serveReport(c, deps, parseScanId(c.req.param("id"))));

  app.get("/api/symlinks/scans/history", (c) =>
    c.json({ scans: listScanHistory(deps, parseIntParam(c.req.query("limit"), "limit", 20, 100)) }),
  );

  app.post("/api/symlinks/services/test", async (c) => {
    const body = await jsonBody(c);
    const kinds = body.kind === undefined ? ARR_KINDS : [parseKind(body.kind)];
    for (const field of ["url", "apiKey"] as const) {
      if (body[field] !== undefined && typeof body[field] !== "string")
        throw new ValidationError(`${field} must be a string`);
    }
    const results = await Promise.all(
      kinds.map((kind) =>
        testArrConnection(deps, kind, {
          url: body.url as string | undefined,
          apiKey: body.apiKey as string | undefined,
        }),
      ),
    );
    return c.json({ results });
  });
  app.post("/api/symlinks/services/detect", async (c) => c.json(await detectArrServices(deps)));
}
