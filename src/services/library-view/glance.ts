import { countCandidatesByState } from "../../db/repo/repair.ts";
import type { Deps } from "../../deps.ts";
import { errorMessage } from "../../errors.ts";
import type { AccountInfo } from "../../providers/types.ts";
import { downloadsOverview } from "../downloads/overview.ts";
import { listScanHistory, type ScanProgress } from "../symlinks/index.ts";

/**
 * The dashboard at a glance (issue 13): what moves and what needs attention, each a link to its
 * page. Loaded after the page (its own fragment), so the dashboard itself stays as fast as before.
 */
export interface Glance {
  downloads: { active: number; downloading: number; speed: number; errors: number };
  repair: { open: number; queued: number; failed: number };
  symlinks: ScanProgress | null;
}

export async function dashboardGlance(deps: Deps): Promise<Glance> {
  const downloads = await downloadsOverview(deps, { finishedLimit: 0 });
  const counts = countCandidatesByState(deps.dbh.db);
  return {
    downloads: {
      active: downloads.active.filter((r) => r.phase !== "error").length,
      downloading: downloads.active.filter((r) => r.phase === "downloading" || r.phase === "moving").length,
      speed: downloads.active.reduce((s, r) => s + r.speed, 0),
      errors: downloads.active.filter((r) => r.phase === "error").length,
    },
    repair: {
      open: (counts.pending ?? 0) + (counts.running ?? 0) + (counts.retry ?? 0),
      queued: counts.retry ?? 0,
      failed: counts.failed ?? 0,
    },
    symlinks: listScanHistory(deps, 1)[0] ?? null,
  };
}

export interface AccountGlance {
  provider: string;
  label: string;
  account: AccountInfo | null;
  error: string | null;
}

/** Each configured provider's account (premium left, traffic): one request each, in parallel. */
export async function accountsGlance(deps: Deps): Promise<AccountGlance[]> {
  const labels = new Map(deps.providers.list.map((p) => [p.kind, p.label]));
  return Promise.all(
    deps.providers.configured().map(async (kind) => {
      const label = labels.get(kind) ?? kind;
      const provider = deps.providers.get(kind);
      if (!provider) return { provider: kind, label, account: null, error: "not configured" };
      try {
        return { provider: kind, label, account: await provider.getAccount(), error: null };
      } catch (error) {
        return { provider: kind, label, account: null, error: errorMessage(error) };
      }
    }),
  );
}
