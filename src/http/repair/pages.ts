import type { Context } from "hono";
import type { Deps } from "../../deps.ts";
import { AppError, HTTP_STATUS } from "../../errors.ts";
import {
  type BulkResult,
  currentRepairRun,
  dismissRepairCandidate,
  type ItemResult,
  reinjectTorrent,
  repairBulk,
  repairCandidatePage,
  repairHistory,
  repairOverview,
  type ScanResult,
  scanForRepair,
  startRepairRun,
} from "../../services/repair/index.ts";
import type { App, AppEnv } from "../context.ts";
import { readForm } from "../form.ts";
import { render, renderPartial } from "../render.ts";
import {
  parseBulkAction,
  parseCandidateId,
  parseCandidateIds,
  parseDryRun,
  parseLimit,
  parseMode,
  parsePage,
  parseTorrentId,
} from "./params.ts";
import { repairFormat } from "./view-format.ts";

interface Flash {
  text: string;
  kind: "ok" | "error";
  item?: ItemResult & { dryRun: boolean };
  scan?: ScanResult;
  bulk?: BulkResult;
}

/**
 * /repair: candidates, retry queue, attempts, scans; forms to scan, run, re-inject one torrent
 * now and dismiss a candidate. Every form posts the CSRF field; htmx sends the header.
 */
export function registerRepairHtml(app: App, deps: Deps): void {
  const tables = (page = 1) => {
    const run = currentRepairRun(deps);
    return {
      ...repairOverview(deps),
      candidatePage: repairCandidatePage(deps, page),
      running: Boolean(run?.running),
      lastRun: run?.result ?? null,
      lastRunError: run?.error ?? null,
      fmt: repairFormat(deps.clock.now(), deps.time),
    };
  };

  const page = (c: Context<AppEnv>, flash?: Flash, status = 200, pageNo = 1) =>
    render(
      c,
      "repair/index",
      { ...tables(pageNo), flash: flash ?? null },
      { partial: "repair/tables", title: "Repair", status },
    );

  /** Runs a form action; an AppError becomes the page with its message and status. */
  const act = async (c: Context<AppEnv>, action: () => Promise<Flash>) => {
    try {
      return page(c, await action());
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return page(c, { text: error.message, kind: "error" }, HTTP_STATUS[error.code]);
    }
  };

  const form = async (c: Context<AppEnv>) => (await readForm(c)) as Record<string, unknown>;

  app.get("/repair", (c) => page(c, undefined, 200, parsePage(c.req.query("page"))));
  app.get("/repair/tables", (c) => renderPartial(c, "repair/tables", tables(parsePage(c.req.query("page")))));

  app.post("/repair/bulk", (c) =>
    act(c, async () => {
      const body = (await readForm(c, { all: true })) as Record<string, unknown>;
      const action = parseBulkAction(body.action);
      const ids = parseCandidateIds(body.ids);
      const bulk = await repairBulk(deps, action, ids, { dryRun: parseDryRun(body.dryRun) });
      const verb = action === "dismiss" ? "dismissed" : bulk.dryRun ? "planned (dry run)" : "re-injected";
      const text = `${bulk.done.length} of ${ids.length} ${verb}${bulk.failed.length ? `, ${bulk.failed.length} failed` : ""}`;
      return { text, kind: bulk.failed.length ? "error" : "ok", bulk };
    }),
  );

  app.post("/repair/scan", (c) =>
    act(c, async () => {
      const mode = parseMode((await form(c)).mode);
      const scan = await scanForRepair(deps, mode);
      return {
        text:
          scan.status === "succeeded"
            ? `${mode} scan: ${scan.found} candidate(s), ${scan.newCandidates} new`
            : `${mode} scan failed: ${scan.error}`,
        kind: scan.status === "succeeded" ? "ok" : "error",
        scan,
      };
    }),
  );

  app.post("/repair/run", (c) =>
    act(c, async () => {
      const body = await form(c);
      const limit = parseLimit(body.limit, undefined);
      const dryRun = parseDryRun(body.dryRun) ?? deps.config.dryRun;
      startRepairRun(deps, { limit, dryRun });
      return { text: `repair run started${dryRun ? " (dry run)" : ""}`, kind: "ok" };
    }),
  );

  app.post("/repair/reinject/:torrentId", (c) =>
    act(c, async () => {
      const torrentId = parseTorrentId(c.req.param("torrentId"));
      const body = await form(c);
      const dryRun = parseDryRun(body.dryRun);
      const provider = typeof body.provider === "string" && body.provider ? body.provider : undefined;
      const item = await reinjectTorrent(deps, torrentId, { dryRun, trigger: "manual", provider });
      const ok = ["repaired", "planned", "skipped"].includes(item.outcome);
      return { text: `${item.filename || torrentId}: ${item.outcome}`, kind: ok ? "ok" : "error", item };
    }),
  );

  app.post("/repair/candidates/:id/dismiss", (c) =>
    act(c, async () => {
      const id = parseCandidateId(c.req.param("id"));
      dismissRepairCandidate(deps, id);
      return { text: `candidate #${id} dismissed`, kind: "ok" };
    }),
  );

  app.get("/repair/history/:id", (c) => {
    const history = repairHistory(deps, c.req.param("id"), c.req.query("provider") || undefined);
    return render(
      c,
      "repair/history",
      { history, fmt: repairFormat(deps.clock.now(), deps.time) },
      { title: `Repair history ${history.candidate?.filename ?? c.req.param("id")}` },
    );
  });
}
