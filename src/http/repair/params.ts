import { ValidationError } from "../../errors.ts";
import { BULK_ACTIONS, type BulkAction, SCAN_MODES, type ScanMode } from "../../services/repair/index.ts";

/** Input validation of the repair routes: a bad value is a 400 with a clear message. */

export function parseTorrentId(value: string | undefined): string {
  if (!value || !/^[A-Za-z0-9_-]{1,64}$/.test(value)) {
    throw new ValidationError(`invalid torrent id: ${JSON.stringify(value ?? "").slice(0, 80)}`);
  }
  return value;
}

export function parseCandidateId(value: string | undefined): number {
  if (!value || !/^\d{1,12}$/.test(value)) throw new ValidationError("invalid candidate id");
  return Number(value);
}

export function parseMode(value: unknown): ScanMode {
  const mode = typeof value === "string" && value !== "" ? value : "quick";
  if (!SCAN_MODES.includes(mode as ScanMode)) {
    throw new ValidationError(`unknown scan mode "${mode.slice(0, 40)}" (${SCAN_MODES.join(", ")})`);
  }
  return mode as ScanMode;
}

export function parseLimit(value: unknown, fallback: number | undefined, max = 1000): number | undefined {
  if (value === undefined || value === null || value === "") return fallback;
  const text = String(value);
  if (!/^\d{1,6}$/.test(text) || Number(text) < 1 || Number(text) > max) {
    throw new ValidationError(`limit must be a whole number from 1 to ${max}`);
  }
  return Number(text);
}

/** Dry run can be asked for, never turned off from a request: DRY_RUN=false is the user's opt-in. */
export function parseDryRun(value: unknown): true | undefined {
  if (value === undefined || value === null || value === "" || value === false) return undefined;
  if (value === true || value === "1" || value === "true" || value === "on") return true;
  if (value === "0" || value === "false" || value === "off") return undefined;
  throw new ValidationError("dryRun must be true or false");
}

export function parseBulkAction(value: unknown): BulkAction {
  if (!BULK_ACTIONS.includes(value as BulkAction)) {
    throw new ValidationError(`unknown bulk action (${BULK_ACTIONS.join(", ")})`);
  }
  return value as BulkAction;
}

/** The candidate ids ticked in the table (one form field per box). */
export function parseCandidateIds(value: unknown): number[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list.map((v) => parseCandidateId(typeof v === "string" ? v : undefined));
}

/** `?page=` of the candidates table: 1 when absent. */
export function parsePage(value: string | undefined): number {
  if (value === undefined || value === "") return 1;
  if (!/^\d{1,6}$/.test(value) || Number(value) < 1)
    throw new ValidationError("page must be a whole number from 1");
  return Number(value);
}
