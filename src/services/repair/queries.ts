import {
  type CandidateRow,
  candidateForTorrent,
  candidateProvidersOf,
  countCandidatesByState,
  getCandidate,
  listCandidates,
  retryQueue,
} from "../../db/repo/repair.ts";
import {
  type AttemptRow,
  attemptProvidersOf,
  attemptsForCandidate,
  attemptsForTorrent,
  recentAttempts,
  torrentIdHistory,
} from "../../db/repo/repair-attempts.ts";
import { recentScans, type ScanRow } from "../../db/repo/repair-scans.ts";
import type { Deps } from "../../deps.ts";
import { NotFoundError, ValidationError } from "../../errors.ts";
import { PROVIDER_NAME } from "../../providers/types.ts";

/** Read models of the repair feature for the CLI, the pages and the JSON API. */

export interface RepairOverview {
  dryRun: boolean;
  counts: Record<string, number>;
  /** Open candidates (pending, queued, running) first, then the latest settled ones. */
  candidates: CandidateRow[];
  queue: CandidateRow[];
  attempts: AttemptRow[];
  scans: ScanRow[];
  settings: { retryDelayMs: number; maxAttempts: number; runLimit: number; deleteOnly: boolean };
}

export function repairOverview(deps: Deps, options: { limit?: number } = {}): RepairOverview {
  const { db } = deps.dbh;
  const limit = options.limit ?? 200;
  const open = listCandidates(db, { states: ["running", "pending", "retry"], limit });
  const settled = listCandidates(db, { states: ["repaired", "failed", "skipped", "dismissed"], limit: 50 });
  return {
    dryRun: deps.config.dryRun,
    counts: countCandidatesByState(db),
    candidates: [...open, ...settled],
    queue: retryQueue(db),
    attempts: recentAttempts(db, 50),
    scans: recentScans(db, 5),
    settings: {
      retryDelayMs: deps.config.repair.retryDelayMs,
      maxAttempts: deps.config.repair.maxAttempts,
      runLimit: deps.config.repair.runLimit,
      deleteOnly: deps.config.repair.deleteOnly,
    },
  };
}

const OPEN_STATES = ["running", "pending", "retry"] as const;
const SETTLED_STATES = ["repaired", "failed", "skipped", "dismissed"] as const;

export interface CandidatePage {
  rows: CandidateRow[];
  total: number;
  page: number;
  pages: number;
  perPage: number;
}

/** One page of candidates: the open ones (running, pending, queued) first, then the settled ones. */
export function repairCandidatePage(deps: Deps, page: number, perPage = 50): CandidatePage {
  const { db } = deps.dbh;
  const counts = countCandidatesByState(db);
  const open = OPEN_STATES.reduce((n, s) => n + (counts[s] ?? 0), 0);
  const total = open + SETTLED_STATES.reduce((n, s) => n + (counts[s] ?? 0), 0);
  const pages = Math.max(1, Math.ceil(total / perPage));
  const offset = (Math.min(Math.max(1, page), pages) - 1) * perPage;
  const rows = offset < open ? listCandidates(db, { states: OPEN_STATES, limit: perPage, offset }) : [];
  if (rows.length < perPage) {
    const settledOffset = Math.max(0, offset - open);
    rows.push(
      ...listCandidates(db, { states: SETTLED_STATES, limit: perPage - rows.length, offset: settledOffset }),
    );
  }
  return { rows, total, page: Math.min(Math.max(1, page), pages), pages, perPage };
}

/** The retry queue, soonest first. */
export function repairQueue(deps: Deps): CandidateRow[] {
  return retryQueue(deps.dbh.db);
}

export interface RepairHistory {
  candidate: CandidateRow | null;
  /** Every id the torrent had (re-injections give new ids), newest first. */
  ids: string[];
  attempts: AttemptRow[];
}

/**
 * History of a candidate (numeric id) or of a provider's torrent (followed across the ids
 * re-injections gave it). Without `provider`, a torrent id is read as the only provider whose
 * repair rows name it. Throws NotFoundError when nothing is known, ValidationError when ambiguous.
 */
export function repairHistory(deps: Deps, id: string, provider?: string): RepairHistory {
  const { db } = deps.dbh;
  const value = id.trim();
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(value)) throw new ValidationError(`invalid id: ${JSON.stringify(id)}`);
  if (provider === undefined && /^\d+$/.test(value)) {
    const candidate = getCandidate(db, Number(value));
    if (candidate) {
      const ids = [candidate.new_torrent_id, candidate.torrent_id].filter((x): x is string => Boolean(x));
      return { candidate, ids, attempts: attemptsForCandidate(db, candidate.id) };
    }
  }
  const kind = provider ?? soleRepairProvider(deps, value);
  const attempts = attemptsForTorrent(db, assertProvider(kind), value);
  const candidate = candidateForTorrent(db, kind, value) ?? null;
  if (!candidate && attempts.length === 0) throw new NotFoundError("repair history for", `${kind}:${value}`);
  return { candidate, ids: torrentIdHistory(db, kind, value), attempts };
}

function soleRepairProvider(deps: Deps, torrentId: string): string {
  const { db } = deps.dbh;
  const providers = [
    ...new Set([...candidateProvidersOf(db, torrentId), ...attemptProvidersOf(db, torrentId)]),
  ];
  if (providers.length === 0) throw new NotFoundError("repair history for", torrentId);
  if (providers.length > 1) {
    throw new ValidationError(
      `torrent id ${torrentId} is known for several providers (${providers.sort().join(", ")}): give the provider`,
    );
  }
  return providers[0] as string;
}

function assertProvider(provider: string): string {
  if (!PROVIDER_NAME.test(provider))
    throw new ValidationError(`invalid provider ${JSON.stringify(provider.slice(0, 40))}`);
  return provider;
}

/** Attempts for a provider's torrent (detail page): empty when none (never throws for a known torrent). */
export function torrentRepairAttempts(deps: Deps, provider: string, torrentId: string): AttemptRow[] {
  return attemptsForTorrent(deps.dbh.db, assertProvider(provider), torrentId);
}
