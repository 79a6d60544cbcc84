import { z } from "zod";
import { getSetting, setSetting } from "../../db/repo/settings.ts";
import type { Deps } from "../../deps.ts";
import { ValidationError } from "../../errors.ts";
import type { ArrConnection, ArrKind } from "./types.ts";

const KEY = (kind: ArrKind) => `arr.${kind}`;

/** The effective connection: the one saved from the UI, else the environment's (SONARR_URL...). */
export function getArrConnection(deps: Pick<Deps, "config" | "dbh">, kind: ArrKind): ArrConnection {
  const saved = getSetting<ArrConnection>(deps.dbh.db, KEY(kind));
  const fromEnv = deps.config.arr[kind];
  if (!saved) return { ...fromEnv };
  return { enabled: Boolean(saved.enabled), url: saved.url || undefined, apiKey: saved.apiKey || undefined };
}

/** One URL however it is written: trailing slashes, scheme/host case and default ports aside. */
function sameArrUrl(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const norm = (u: string) => {
    const trimmed = u.trim().replace(/\/+$/, "");
    return URL.canParse(trimmed) ? new URL(trimmed).href.replace(/\/+$/, "") : trimmed;
  };
  return norm(a) === norm(b);
}

/**
 * The saved API key, only for the URL it was saved with: the key never travels to an address
 * someone else typed (a "test" button, a detected service, a changed URL).
 */
export function savedKeyFor(saved: ArrConnection, url: string | undefined): string | undefined {
  return sameArrUrl(saved.url, url) ? saved.apiKey : undefined;
}

export const connectionInput = z.object({
  enabled: z.boolean(),
  url: z
    .string()
    .trim()
    .refine((s) => s === "" || (/^https?:\/\/[^\s]+$/i.test(s) && URL.canParse(s)), "expected an http(s) URL")
    .transform((s) => s.replace(/\/+$/, ""))
    .optional(),
  /** Empty or absent keeps the saved key (for the saved URL only): pages never echo it back. */
  apiKey: z.string().trim().max(200).optional(),
});

/** Validates and saves one connection; returns the effective one. */
export function saveArrConnection(
  deps: Pick<Deps, "config" | "dbh" | "clock">,
  kind: ArrKind,
  input: unknown,
) {
  const parsed = connectionInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(`${kind}.${String(issue?.path[0] ?? "")}: ${issue?.message ?? "invalid"}`);
  }
  const current = getArrConnection(deps, kind);
  const url = parsed.data.url === undefined ? current.url : parsed.data.url || undefined;
  // A new URL needs its key typed again: the saved one stays with the URL it was saved for.
  const apiKey = parsed.data.apiKey ? parsed.data.apiKey : savedKeyFor(current, url);
  if (parsed.data.enabled && (!url || !apiKey)) {
    throw new ValidationError(
      url && current.apiKey && !apiKey
        ? `${kind}: the URL changed, enter the API key again (the saved one only goes to the saved URL)`
        : `${kind}: a URL and an API key are needed to enable it`,
    );
  }
  const next: ArrConnection = { enabled: parsed.data.enabled, url, apiKey };
  setSetting(deps.dbh.db, KEY(kind), next, deps.clock.now());
  return next;
}

/** A connection safe to show or return from the API: the key is replaced by a flag. */
export function publicArrConnection(connection: ArrConnection) {
  return { enabled: connection.enabled, url: connection.url ?? "", hasApiKey: Boolean(connection.apiKey) };
}
