import type { Context } from "hono";
import type { AppEnv } from "../context.ts";

/**
 * Request parameters the way qBittorrent reads them: query string and body (urlencoded or
 * multipart) merged, repeated names kept, files apart. *arr sends booleans as `True`/`False`.
 */
export interface QbitParams {
  get(name: string): string | undefined;
  all(name: string): string[];
  files(name: string): File[];
}

export async function readParams(c: Context<AppEnv>): Promise<QbitParams> {
  const values = new Map<string, string[]>();
  const uploads = new Map<string, File[]>();
  const push = (name: string, value: string) => values.set(name, [...(values.get(name) ?? []), value]);
  const url = new URL(c.req.url);
  for (const [k, v] of url.searchParams) push(k, v);
  if (c.req.method === "POST") {
    const type = c.req.header("content-type") ?? "";
    try {
      if (/multipart\/form-data/i.test(type)) {
        const form = await c.req.raw.formData();
        for (const [k, v] of form.entries()) {
          if (typeof v === "string") push(k, v);
          else uploads.set(k, [...(uploads.get(k) ?? []), v]);
        }
      } else {
        // urlencoded, or no content type at all (some scripts): parse the text as a form.
        const text = await c.req.text();
        for (const [k, v] of new URLSearchParams(text)) push(k, v);
      }
    } catch {
      // An unreadable body reads as no parameters; the handler answers 400 for what is missing.
    }
  }
  return {
    get: (name) => values.get(name)?.[0],
    all: (name) => values.get(name) ?? [],
    files: (name) => uploads.get(name) ?? [],
  };
}

/** `True`, `true`, `TRUE`, `1` → true; `False`... → false; absent/empty/other → undefined. */
export function parseBool(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  return undefined;
}

/** A finite number, or undefined. */
export function parseNumber(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const n = Number(value.trim());
  return Number.isFinite(n) ? n : undefined;
}

/** `hashes=a|b|c` or `all`; undefined when missing. */
export function parseHashes(value: string | undefined): string[] | "all" | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed.toLowerCase() === "all") return "all";
  return trimmed
    .split("|")
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== "");
}
