import type { Context } from "hono";
import { ValidationError } from "../../errors.ts";
import { ARR_KINDS, type ArrKind } from "../../services/arr/types.ts";
import type { AppEnv } from "../context.ts";
import { readForm } from "../form.ts";

/** Edge validation of the symlinks routes: anything odd is a 400 with a clear message. */

export function parseScanId(raw: string | undefined): number {
  if (!raw || !/^\d{1,12}$/.test(raw))
    throw new ValidationError(`scan id must be a positive number, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

export function parseKind(raw: unknown): ArrKind {
  if (typeof raw === "string" && (ARR_KINDS as readonly string[]).includes(raw)) return raw as ArrKind;
  throw new ValidationError(`service must be sonarr or radarr, got ${JSON.stringify(raw)}`);
}

export function parseIntParam(raw: string | undefined, name: string, fallback: number, max: number): number {
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d{1,9}$/.test(raw)) throw new ValidationError(`${name} must be a whole number`);
  return Math.min(Number(raw), max);
}

/** Form fields as strings (repeated fields as arrays); `_csrf` is the middleware's. */
export async function formBody(c: Context<AppEnv>): Promise<Record<string, string | string[]>> {
  const body = await readForm(c, { all: true });
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === "_csrf") continue;
    if (Array.isArray(value)) out[key] = value.filter((v): v is string => typeof v === "string");
    else if (typeof value === "string") out[key] = value;
  }
  return out;
}

export function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Finding ids: `4,7,9` or a list; anything but whole numbers is a 400. */
export function parseFindingIds(raw: string | Array<string | number> | undefined): number[] | undefined {
  if (raw === undefined || raw === "") return undefined;
  const list = Array.isArray(raw) ? raw.map(String) : raw.split(",");
  return list.map((item) => {
    const text = item.trim();
    if (!/^\d{1,12}$/.test(text))
      throw new ValidationError(`ids must be finding numbers, got ${JSON.stringify(item)}`);
    return Number(text);
  });
}
