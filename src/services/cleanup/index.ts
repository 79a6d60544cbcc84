import type { Deps } from "../../deps.ts";
import { errorMessage } from "../../errors.ts";
import type { RetentionRule } from "./retention-rule.ts";
import { RETENTION_RULES } from "./rules.ts";

export type { RetentionRule } from "./retention-rule.ts";

const DAY_MS = 86_400_000;

export interface CleanupResult {
  rules: Array<{ name: string; description: string; days: number; deleted: number; error: string | null }>;
  /** True when at least one rule failed (the run is then recorded as failed). */
  failed: boolean;
}

/**
 * Applies every retention rule. This is Redriva's own history, not the user's library, so it is
 * applied even with DRY_RUN. One failing rule does not stop the others.
 */
export function runCleanup(deps: Deps, rules: Array<RetentionRule<Deps>> = RETENTION_RULES): CleanupResult {
  const now = deps.clock.now();
  const result: CleanupResult = { rules: [], failed: false };
  for (const rule of rules) {
    const days = rule.days(deps);
    try {
      const deleted = rule.apply(deps, now - days * DAY_MS);
      result.rules.push({ name: rule.name, description: rule.description, days, deleted, error: null });
    } catch (error) {
      result.failed = true;
      result.rules.push({
        name: rule.name,
        description: rule.description,
        days,
        deleted: 0,
        error: errorMessage(error),
      });
    }
  }
  return result;
}
