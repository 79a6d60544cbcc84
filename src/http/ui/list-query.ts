import { z } from "zod";
import { ValidationError } from "../../errors.ts";
import { PROVIDER_NAME } from "../../providers/types.ts";
import { isValidStatusParam } from "../../services/library-view/filters.ts";
import { type ListQuery, SORT_KEYS, type SortDir, type SortKey } from "../../services/library-view/list.ts";
import { MAX_QUERY_LENGTH } from "../../services/library-view/search.ts";

export const PER_PAGE_CHOICES = [25, 50, 100, 200] as const;
export const DEFAULT_PER_PAGE = 50;
const MAX_PAGE = 100_000;

/** The natural direction of each sort (newest, biggest, A→Z first). */
export const DEFAULT_DIR: Record<SortKey, SortDir> = {
  added: "desc",
  size: "desc",
  name: "asc",
  status: "asc",
  progress: "desc",
};

const intParam = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,7}$/, `${name} must be a whole number`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${name} must be between ${min} and ${max}`);

/** The list's query parameters (the pages' and GET /api/torrents'). */
export const listQuerySchema = z.object({
  page: intParam("page", 1, MAX_PAGE).optional(),
  per_page: intParam("per_page", 1, 1000)
    .refine(
      (n) => (PER_PAGE_CHOICES as readonly number[]).includes(n),
      `per_page must be one of ${PER_PAGE_CHOICES.join(", ")}`,
    )
    .optional(),
  sort: z.enum(SORT_KEYS, { error: `sort must be one of ${SORT_KEYS.join(", ")}` }).optional(),
  dir: z.enum(["asc", "desc"], { error: "dir must be asc or desc" }).optional(),
  status: z
    .string()
    .refine(isValidStatusParam, "status must be a status name such as downloaded, error, active or failed")
    .optional(),
  provider: z.string().regex(PROVIDER_NAME, "provider must be a provider name such as realdebrid").optional(),
  q: z.string().max(MAX_QUERY_LENGTH, `q must be at most ${MAX_QUERY_LENGTH} characters`).optional(),
});

/**
 * Validates the list's query string. Empty values count as absent (a submitted empty search box);
 * anything else wrong is a 400 naming the parameter.
 */
export function parseListQuery(raw: Record<string, string>): ListQuery {
  const present = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ""));
  const parsed = listQuerySchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? "query");
    throw new ValidationError(issue?.message.includes(name) ? issue.message : `${name}: ${issue?.message}`);
  }
  return toListQuery(parsed.data);
}

/** A validated query with the defaults filled in. */
export function toListQuery(v: z.output<typeof listQuerySchema>): ListQuery {
  const sort = v.sort ?? "added";
  return {
    status: v.status ?? "all",
    provider: v.provider ?? "all",
    q: (v.q ?? "").trim(),
    sort,
    dir: v.dir ?? DEFAULT_DIR[sort],
    page: v.page ?? 1,
    perPage: v.per_page ?? DEFAULT_PER_PAGE,
  };
}

/** The canonical URL of a list state (defaults left out), so links are short and shareable. */
export function listUrl(query: ListQuery, change: Partial<ListQuery> = {}, base = "/torrents"): string {
  const q = { ...query, ...change };
  const params = new URLSearchParams();
  if (q.provider !== "all") params.set("provider", q.provider);
  if (q.status !== "all") params.set("status", q.status);
  if (q.q) params.set("q", q.q);
  if (q.sort !== "added") params.set("sort", q.sort);
  if (q.dir !== DEFAULT_DIR[q.sort]) params.set("dir", q.dir);
  if (q.perPage !== DEFAULT_PER_PAGE) params.set("per_page", String(q.perPage));
  if (q.page !== 1) params.set("page", String(q.page));
  const text = params.toString();
  return text ? `${base}?${text}` : base;
}
