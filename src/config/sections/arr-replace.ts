import { z } from "zod";
import { GRAB_FAILURE_REASONS, type GrabFailureReason } from "../../domain/grab-failure.ts";
import { bool, optionalText, positiveInt } from "../fields.ts";
import { parseDuration } from "./repair.ts";

/**
 * Failed grabs replaced through Sonarr/Radarr (issue 18, src/services/arr/replace.ts): which
 * failures ask the *arr for another release, dry run, the per-title cap, and when a grab that
 * makes no progress at the provider counts as failed.
 */
export const ARR_REPLACE_ACTIONS = ["replace", "wait"] as const;
export type ArrReplaceAction = (typeof ARR_REPLACE_ACTIONS)[number];

/** The defaults: the release is bad → replace; the disk or the provider is the problem → wait. */
export const DEFAULT_REPLACE_POLICY: Readonly<Record<GrabFailureReason, ArrReplaceAction>> = {
  infringing: "replace",
  dead: "replace",
  not_cached: "replace",
  stalled: "replace",
  errors: "replace",
  provider_outage: "wait",
  disk_full: "wait",
  other: "wait",
};

/** `dead=wait,provider_outage=replace` over the defaults; null when a pair is unreadable. */
export function parseReplacePolicy(input: string): Record<GrabFailureReason, ArrReplaceAction> | null {
  const policy = { ...DEFAULT_REPLACE_POLICY };
  for (const part of input.split(",").map((p) => p.trim())) {
    if (part === "") continue;
    const [reason, action, ...rest] = part.split("=").map((s) => s.trim().toLowerCase());
    if (rest.length > 0 || !reason || !action) return null;
    if (!(ARR_REPLACE_ACTIONS as readonly string[]).includes(action)) return null;
    if (!(GRAB_FAILURE_REASONS as readonly string[]).includes(reason)) return null;
    policy[reason as GrabFailureReason] = action as ArrReplaceAction;
  }
  return policy;
}

const policyField = () =>
  optionalText()
    .refine(
      (s) => s === undefined || parseReplacePolicy(s) !== null,
      `expected reason=replace|wait pairs, reasons among ${GRAB_FAILURE_REASONS.join(", ")}`,
    )
    .transform((s) => parseReplacePolicy(s ?? "") as Record<GrabFailureReason, ArrReplaceAction>);

/** A duration (6h, 90m, 45s), or off/0 for never. */
const stalledAfter = () =>
  optionalText()
    .refine(
      (s) => s === undefined || /^(off|0)$/i.test(s) || parseDuration(s) !== null,
      "expected a duration such as 6h, 90m or 45s, or off",
    )
    .transform((s) =>
      s === undefined ? 6 * 3_600_000 : /^(off|0)$/i.test(s) ? null : (parseDuration(s) as number),
    );

/** Unset: follows DRY_RUN, like repair. */
const optionalBool = () =>
  optionalText()
    .refine((s) => s === undefined || /^(1|0|true|false|yes|no|on|off)$/i.test(s), "expected true or false")
    .transform((s) => (s === undefined ? undefined : /^(1|true|yes|on)$/i.test(s)));

export const arrReplaceSchema = z.object({
  DRY_RUN: bool(true),
  /** Master switch: off, failed grabs stay in the *arr's queue as warnings (as before). */
  ARR_REPLACE_FAILED: bool(true),
  ARR_REPLACE_DRY_RUN: optionalBool(),
  ARR_REPLACE_POLICY: policyField(),
  ARR_MAX_REPLACEMENTS: positiveInt(3),
  DOWNLOAD_STALLED_AFTER: stalledAfter(),
});

export function buildArrReplace(env: z.infer<typeof arrReplaceSchema>) {
  return {
    enabled: env.ARR_REPLACE_FAILED,
    /** Records and shows the plan without calling the *arr. */
    dryRun: env.ARR_REPLACE_DRY_RUN ?? env.DRY_RUN,
    policy: env.ARR_REPLACE_POLICY,
    /** Replacements per title (series episodes / movie) and *arr instance, then a person decides. */
    maxReplacements: env.ARR_MAX_REPLACEMENTS,
    /** No progress at the provider for this long: the grab failed (null: never). */
    stalledAfterMs: env.DOWNLOAD_STALLED_AFTER,
  };
}
