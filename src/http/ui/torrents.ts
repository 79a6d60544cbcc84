import type { Deps } from "../../deps.ts";
import { ValidationError } from "../../errors.ts";
import {
  BULK_ACTIONS,
  type BulkAction,
  type BulkOutcome,
  bulkAction,
  MAX_BULK,
} from "../../services/library-view/actions.ts";
import { STATUS_GROUPS, statusLabel, statusTone } from "../../services/library-view/filters.ts";
import { listTorrents, type StatusCounts } from "../../services/library-view/list.ts";
import type { App } from "../context.ts";
import { readForm } from "../form.ts";
import { isHtmx, render } from "../render.ts";
import { toastTrigger } from "./htmx.ts";
import { DEFAULT_DIR, listUrl, PER_PAGE_CHOICES, parseListQuery } from "./list-query.ts";
import { viewHelpers } from "./view-helpers.ts";

export interface FilterChip {
  key: string;
  label: string;
  count: number;
  tone: string;
}

/** The status filter row: groups first, then every status present, then the special views. */
export function filterChips(counts: StatusCounts): FilterChip[] {
  const sum = (list: readonly string[]) => list.reduce((n, s) => n + (counts.byStatus[s] ?? 0), 0);
  const chips: FilterChip[] = [
    { key: "all", label: "All", count: counts.present, tone: "muted" },
    { key: "active", label: "Active", count: sum(STATUS_GROUPS.active), tone: "active" },
    { key: "failed", label: "Failed", count: sum(STATUS_GROUPS.failed), tone: "failed" },
  ];
  const statuses = Object.entries(counts.byStatus).sort((a, b) => b[1] - a[1]);
  for (const [status, count] of statuses)
    chips.push({ key: status, label: statusLabel(status), count, tone: statusTone(status) });
  const missing = counts.present - counts.withDetails;
  if (missing > 0)
    chips.push({ key: "missing_details", label: "Without details", count: missing, tone: "warn" });
  if (counts.removed > 0)
    chips.push({ key: "removed", label: "Removed", count: counts.removed, tone: "muted" });
  return chips;
}

/** /torrents: the paginated, filtered, searchable list; htmx swaps only #torrent-list. */
export function registerTorrentList(app: App, deps: Deps): void {
  app.get("/torrents", (c) => {
    const query = parseListQuery(c.req.query());
    const result = listTorrents(deps, query);
    const selfUrl = listUrl(query);
    // The address bar shows the canonical state, whatever form sent the request.
    c.header("HX-Push-Url", selfUrl);
    return render(
      c,
      "ui/torrents",
      {
        title: "Torrents",
        query,
        result,
        selfUrl,
        chips: filterChips(result.counts),
        perPageChoices: PER_PAGE_CHOICES,
        defaultDir: DEFAULT_DIR,
        listUrl,
        maxBulk: MAX_BULK,
        h: viewHelpers(deps.time),
      },
      { partial: "ui/torrent-list" },
    );
  });

  app.post("/torrents/bulk", async (c) => {
    const body = await readForm(c, { all: true });
    const action = String(body.action ?? "");
    if (!(BULK_ACTIONS as readonly string[]).includes(action)) {
      throw new ValidationError(`action must be one of ${BULK_ACTIONS.join(", ")}`);
    }
    const raw = body.ids;
    const ids = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String);
    const outcomes = await bulkAction(deps, action as BulkAction, ids);
    const failed = outcomes.filter((o) => !o.ok);
    const message = bulkMessage(action as BulkAction, outcomes);
    if (!isHtmx(c)) return c.redirect("/torrents", 303);
    c.header(
      "HX-Trigger",
      toastTrigger(failed.length === 0 ? "ok" : "error", message, { "torrents-changed": true }),
    );
    return c.json({ outcomes }, 200);
  });
}

/** The toast after a bulk action; a dry run says it only planned. */
function bulkMessage(action: BulkAction, outcomes: BulkOutcome[]): string {
  const ok = outcomes.filter((o) => o.ok).length;
  const failed = outcomes.filter((o) => !o.ok);
  const verb = { reinject: "Re-inject", refresh: "Refresh", delete: "Delete" }[action];
  const failures = failed
    .slice(0, 3)
    .map((f) => `${f.id}: ${f.message}`)
    .join("; ");
  const planned = outcomes.filter((o) => o.planned).length;
  if (planned > 0 && planned === ok)
    return `${verb} dry run (DRY_RUN is on): planned for ${planned} of ${outcomes.length}, nothing changed${failed.length > 0 ? `; ${failed.length} could not be planned (${failures})` : ""}. Re-inject one from its page to see its plan.`;
  if (failed.length === 0)
    return `${verb}: ${ok} of ${outcomes.length} done${action === "reinject" ? ` (${outcomes[0]?.message ?? ""})` : ""}`;
  return `${verb}: ${ok} done, ${failed.length} failed (${failures})`;
}
