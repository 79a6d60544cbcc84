import type { StatusFilter } from "../../db/repo/torrent-queries.ts";
import { ValidationError } from "../../errors.ts";
import { ACTIVE_STATUSES, FAILED_STATUSES } from "../../providers/types.ts";

/** Pseudo statuses of the list filter, beside the provider's own statuses. */
export const STATUS_GROUPS = {
  active: ACTIVE_STATUSES,
  failed: FAILED_STATUSES,
} as const;

/** Provider statuses are lower_snake words; anything else is refused before reaching SQL. */
const STATUS_WORD = /^[a-z][a-z0-9_]{0,39}$/;

export function isValidStatusParam(value: string): boolean {
  return STATUS_WORD.test(value);
}

export function toStatusFilter(status: string): StatusFilter {
  if (!STATUS_WORD.test(status)) throw new ValidationError(`unknown status filter ${JSON.stringify(status)}`);
  switch (status) {
    case "all":
      return { kind: "all" };
    case "active":
    case "failed":
      return { kind: "group", statuses: STATUS_GROUPS[status] };
    case "removed":
      return { kind: "removed" };
    case "missing_details":
      return { kind: "missing_details" };
    default:
      return { kind: "status", status };
  }
}

export const FILTER_LABELS: Record<string, string> = {
  all: "All",
  active: "Active",
  failed: "Failed",
  removed: "Removed",
  missing_details: "Without details",
};

/** Provider status words a person would not say as they are. */
const STATUS_WORDS: Record<string, string> = {
  waiting_files_selection: "waiting for file selection",
  magnet_conversion: "converting the magnet",
  magnet_error: "magnet error",
};

/** A failed status in a few words, for the list's Reason column when the provider gave no error. */
const FAILED_STATUS_REASONS: Record<string, string> = {
  dead: "lost by the provider",
  error: "stopped by the provider",
  magnet_error: "magnet unreadable",
  virus: "flagged as a virus",
};

/**
 * Why a torrent is not fine, in a few words (the list's Reason column): the provider's error,
 * else what its failed status means, else why its details could not be fetched; "" when fine.
 */
export function failureReason(row: {
  status: string;
  error: string | null;
  details_error: string | null;
}): string {
  return (
    row.error ||
    FAILED_STATUS_REASONS[row.status] ||
    (row.details_error ? `details: ${row.details_error}` : "")
  );
}

/** Why a torrent in a failed status is stuck, and what Re-inject does about it. */
export const FAILED_STATUS_EXPLANATIONS: Record<string, string> = {
  dead: "The provider lost this torrent (no seeders left, or its links no longer work). Re-inject adds the same hash again with the same files.",
  error:
    "The provider stopped this torrent with an error. Re-inject adds the same hash again with the same files.",
  magnet_error: "The provider could not read this magnet. Re-inject tries it again from the info-hash.",
  virus: "The provider flagged a file of this torrent as a virus: it is not re-added; delete it.",
};

/** Human label of a provider status (`waiting_files_selection` → `Waiting for file selection`). */
export function statusLabel(status: string): string {
  const label = FILTER_LABELS[status] ?? STATUS_WORDS[status] ?? status.replaceAll("_", " ");
  return label.charAt(0).toUpperCase() + label.slice(1);
}

/** CSS tone of a status badge: the shared colour groups (src/lib/status-tone.ts). */
export { statusTone } from "../../lib/status-tone.ts";
