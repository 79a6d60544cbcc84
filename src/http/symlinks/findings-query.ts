import type { Context } from "hono";
import { ValidationError } from "../../errors.ts";
import {
  type DeletionSelection,
  type FindingOutcome,
  parseProblemTypes,
} from "../../services/symlinks/index.ts";
import type { AppEnv } from "../context.ts";
import { asList, parseFindingIds, parseIntParam } from "./params.ts";

/** Findings per page of the scan page. */
export const FINDINGS_PER_PAGE = 50;
const MAX_QUERY = 500;
const OUTCOMES: readonly FindingOutcome[] = ["pending", "deleted", "failed"];

/** What the scan page shows: kinds, a path search, what deletion did, the page. */
export interface FindingsQuery {
  types: string[];
  query: string;
  outcome: FindingOutcome | null;
  page: number;
}

function parseQueryText(raw: unknown): string {
  const text = typeof raw === "string" ? raw.trim() : "";
  if (text.length > MAX_QUERY) throw new ValidationError(`q must be at most ${MAX_QUERY} characters`);
  return text;
}

function parseOutcome(raw: unknown): FindingOutcome | null {
  if (raw === undefined || raw === "") return null;
  if ((OUTCOMES as readonly unknown[]).includes(raw)) return raw as FindingOutcome;
  throw new ValidationError(`outcome must be one of ${OUTCOMES.join(", ")}`);
}

/** Types come as `type=broken,empty` or repeated `type=` fields. */
function parseTypes(raw: string[]): string[] {
  return parseProblemTypes(raw.join(",")) ?? [];
}

export function parseFindingsQuery(c: Context<AppEnv>): FindingsQuery {
  return {
    types: parseTypes(c.req.queries("type") ?? []),
    query: parseQueryText(c.req.query("q")),
    outcome: parseOutcome(c.req.query("outcome")),
    page: Math.max(1, parseIntParam(c.req.query("page"), "page", 1, 1_000_000)),
  };
}

/** The scan page's address for a state (defaults left out), so links are short. */
export function findingsUrl(
  scanId: number,
  fq: FindingsQuery,
  change: Partial<FindingsQuery> = {},
  suffix = "",
): string {
  const q = { ...fq, ...change };
  const params = new URLSearchParams();
  if (q.types.length > 0) params.set("type", q.types.join(","));
  if (q.query) params.set("q", q.query);
  if (q.outcome) params.set("outcome", q.outcome);
  if (q.page > 1) params.set("page", String(q.page));
  const text = params.toString();
  return `/symlinks/scans/${scanId}${suffix}${text ? `?${text}` : ""}`;
}

/**
 * The findings a plan or a confirmation covers: `scope=all` takes every pending finding matching
 * the kinds and the search; `scope=selected` only the ticked ids (at least one).
 */
export function parseSelection(fields: Record<string, string | string[] | undefined>): DeletionSelection {
  const types = parseProblemTypes(asList(fields.types ?? fields.type).join(",")) ?? undefined;
  const query = parseQueryText(fields.q) || undefined;
  const scope = fields.scope;
  if (scope === "all") return { types, query };
  if (scope !== "selected") throw new ValidationError("scope must be selected or all");
  const ids = parseFindingIds(asList(fields.ids)) ?? [];
  if (ids.length === 0) throw new ValidationError("select at least one finding, or choose all matching");
  return { types, query, ids };
}
