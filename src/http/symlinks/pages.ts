import type { Context } from "hono";
import type { Deps } from "../../deps.ts";
import { AppError, HTTP_STATUS } from "../../errors.ts";
import { detectArrServices, testArrConnection } from "../../services/arr/index.ts";
import {
  cancelScan,
  confirmDeletion,
  deletionOutcome,
  getDirectoryTree,
  getScanProgress,
  isActive,
  listScanHistory,
  parseProblemTypes,
  previewDeletion,
  rerunScan,
  scanFindings,
  startScan,
} from "../../services/symlinks/index.ts";
import type { App, AppEnv } from "../context.ts";
import { render, renderPartial } from "../render.ts";
import { saveSymlinkConfig, symlinkConfigView } from "./api.ts";
import {
  FINDINGS_PER_PAGE,
  type FindingsQuery,
  findingsUrl,
  parseFindingsQuery,
  parseSelection,
} from "./findings-query.ts";
import { asList, formBody, parseKind, parseScanId } from "./params.ts";
import { serveReport } from "./report-route.ts";
import { symlinkFormat } from "./view-format.ts";

interface Flash {
  text: string;
  kind: "ok" | "error";
}

const EMPTY_QUERY: FindingsQuery = { types: [], query: "", outcome: null, page: 1 };

/**
 * /symlinks: Dashboard, Scanner and Settings tabs, and one page per scan with live progress
 * (the fragment polls itself only while the scan runs), results filtered by type and the
 * confirm-delete form of real mode. Forms carry the CSRF field; htmx sends the header.
 */
export function registerSymlinkHtml(app: App, deps: Deps): void {
  const fmt = symlinkFormat(deps.time);
  const base = (tab: string) => ({
    fmt,
    tab,
    running: listScanHistory(deps, 5).find((s) => isActive(s)) ?? null,
  });

  /** Renders the tab again with an error message when an AppError (400/404/409) comes out. */
  const guard = async (
    action: () => Promise<Response>,
    onError: (flash: Flash, status: number) => Response | Promise<Response>,
  ) => {
    try {
      return await action();
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return onError({ text: error.message, kind: "error" }, HTTP_STATUS[error.code]);
    }
  };

  const dashboard = (c: Context<AppEnv>, flash: Flash | null = null, status = 200) =>
    render(
      c,
      "symlinks/dashboard",
      { ...base("dashboard"), flash, history: listScanHistory(deps, 20) },
      { title: "Symlinks", status },
    );
  const scanner = (c: Context<AppEnv>, flash: Flash | null = null, status = 200) =>
    render(
      c,
      "symlinks/scanner",
      { ...base("scanner"), flash, config: symlinkConfigView(deps) },
      { title: "Symlink scanner", status },
    );
  const settings = (c: Context<AppEnv>, flash: Flash | null = null, status = 200) =>
    render(
      c,
      "symlinks/settings",
      { ...base("settings"), flash, config: symlinkConfigView(deps) },
      { title: "Symlink settings", status },
    );

  const scanData = (id: number, fq: FindingsQuery) => {
    const scan = getScanProgress(deps, id);
    const types = parseProblemTypes(fq.types);
    const findings = scanFindings(deps, id, {
      types,
      query: fq.query,
      outcome: fq.outcome ?? undefined,
      page: fq.page,
      perPage: FINDINGS_PER_PAGE,
    });
    const ended = scan.status !== "running";
    return {
      fmt,
      scan,
      findings,
      fq,
      url: (change: Partial<FindingsQuery> = {}, suffix = "") => findingsUrl(id, fq, change, suffix),
      // Real mode: pick what to delete while the scan waits; dry run: pick what to plan.
      selectable:
        (scan.mode === "real" && scan.status === "awaiting_confirmation") ||
        (scan.mode === "dry-run" && ended),
      outcome: scan.deleted || scan.deleteFailed ? deletionOutcome(deps, id) : null,
    };
  };
  const scanPage = (c: Context<AppEnv>, id: number, fq: FindingsQuery, extra: object = {}, status = 200) =>
    render(
      c,
      "symlinks/scan",
      { ...base("scanner"), ...scanData(id, fq), flash: null, preview: null, ...extra },
      { title: `Scan #${id}`, status },
    );

  app.get("/symlinks", (c) => dashboard(c));
  app.get("/symlinks/scanner", (c) => scanner(c));
  app.get("/symlinks/settings", (c) => settings(c));
  app.get("/symlinks/running", (c) => renderPartial(c, "symlinks/running-badge", base("dashboard")));

  app.get("/symlinks/directories", async (c) =>
    guard(
      async () => {
        const tree = await getDirectoryTree(deps, {
          path: c.req.query("path") ?? "",
          depth: 2,
          refresh: c.req.query("refresh") === "1",
        });
        return renderPartial(c, "symlinks/tree", { fmt, tree });
      },
      (flash, status) => renderPartial(c, "symlinks/flash", { flash }, status),
    ),
  );

  app.post("/symlinks/scan", async (c) =>
    guard(
      async () => {
        const form = await formBody(c);
        const { scanId } = startScan(deps, {
          paths: asList(form.paths).filter((p) => p !== ""),
          mode: form.mode === "real" ? "real" : "dry-run",
          depth: form.depth === "full" ? "full" : "basic",
        });
        return c.redirect(`/symlinks/scans/${scanId}`, 303);
      },
      (flash, status) => scanner(c, flash, status),
    ),
  );

  app.get("/symlinks/scans/:id", (c) => scanPage(c, parseScanId(c.req.param("id")), parseFindingsQuery(c)));
  app.get("/symlinks/scans/:id/live", (c) =>
    renderPartial(c, "symlinks/scan-live", scanData(parseScanId(c.req.param("id")), parseFindingsQuery(c))),
  );
  /** What deleting the selection would do: a dialog to confirm (real) or to read (dry run). */
  app.get("/symlinks/scans/:id/plan", async (c) => {
    const id = parseScanId(c.req.param("id"));
    const fq = parseFindingsQuery(c);
    const selection = parseSelection({
      ...c.req.queries(),
      q: c.req.query("q"),
      scope: c.req.query("scope"),
    });
    const preview = { ...(await previewDeletion(deps, id, selection)), selection, fmt };
    if (c.req.header("HX-Request") === "true") return renderPartial(c, "symlinks/plan", preview);
    return scanPage(c, id, fq, { preview });
  });
  app.get("/symlinks/scans/:id/report", (c) => serveReport(c, deps, parseScanId(c.req.param("id"))));

  const scanAction = (
    path: string,
    action: (id: number, form: Record<string, string | string[]>) => number,
  ) =>
    app.post(path, async (c) => {
      const id = parseScanId(c.req.param("id"));
      return guard(
        async () => c.redirect(`/symlinks/scans/${action(id, await formBody(c))}`, 303),
        (flash, status) =>
          render(
            c,
            "symlinks/scan",
            { ...base("scanner"), ...scanData(id, EMPTY_QUERY), flash, preview: null },
            { title: `Scan #${id}`, status },
          ),
      );
    });
  scanAction("/symlinks/scans/:id/cancel", (id) => {
    cancelScan(deps, id);
    return id;
  });
  scanAction("/symlinks/scans/:id/confirm", (id, form) => {
    confirmDeletion(deps, id, { token: form.token, ...parseSelection(form) });
    return id;
  });
  scanAction("/symlinks/scans/:id/rerun", (id) => rerunScan(deps, id).scanId);

  app.post("/symlinks/settings", async (c) =>
    guard(
      async () => {
        const form = await formBody(c);
        const text = (key: string) => (typeof form[key] === "string" ? (form[key] as string) : undefined);
        const connection = (kind: string) => ({
          enabled: text(`${kind}Enabled`) === "on",
          url: text(`${kind}Url`) ?? "",
          apiKey: text(`${kind}ApiKey`) ?? "",
        });
        saveSymlinkConfig(deps, {
          ...(text("mediaRoot") ? { mediaRoot: text("mediaRoot") } : {}),
          workers: text("workers"),
          ffprobeTimeoutMs: text("ffprobeTimeoutSec")
            ? Math.round(Number(text("ffprobeTimeoutSec")) * 1000)
            : undefined,
          minSizeBytes: text("minSizeBytes"),
          historyKeep: text("historyKeep"),
          sonarr: connection("sonarr"),
          radarr: connection("radarr"),
        });
        return settings(c, { text: "Settings saved", kind: "ok" });
      },
      (flash, status) => settings(c, flash, status),
    ),
  );

  app.post("/symlinks/services/test/:kind", async (c) => {
    const kind = parseKind(c.req.param("kind"));
    const form = await formBody(c);
    const pick = (key: string) => (typeof form[key] === "string" ? (form[key] as string) : undefined);
    const result = await testArrConnection(deps, kind, {
      url: pick(`${kind}Url`),
      apiKey: pick(`${kind}ApiKey`),
    });
    return renderPartial(c, "symlinks/service-test", { result });
  });
  app.post("/symlinks/services/detect", async (c) =>
    renderPartial(c, "symlinks/detect", { detected: await detectArrServices(deps) }),
  );
}
