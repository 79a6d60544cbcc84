import { eq, like } from "drizzle-orm";
import { settings } from "../../../schema/settings.ts";
import type { Db } from "../client.ts";

/**
 * Settings edited from the web UI: one JSON value per key, layered by each feature over its
 * environment defaults. Keys are namespaced by feature ("symlinks", "arr.sonarr", ...).
 * Values are stored as JSON text; a value that no longer parses reads as absent.
 */

export function getSetting<T = unknown>(db: Db, key: string): T | undefined {
  const row = db.select({ value: settings.value }).from(settings).where(eq(settings.key, key)).get();
  if (!row) return undefined;
  try {
    return JSON.parse(row.value) as T;
  } catch {
    return undefined;
  }
}

export function setSetting(db: Db, key: string, value: unknown, now: number = Date.now()): void {
  const json = JSON.stringify(value);
  db.insert(settings)
    .values({ key, value: json, updated_at: now })
    .onConflictDoUpdate({ target: settings.key, set: { value: json, updated_at: now } })
    .run();
}

export function deleteSetting(db: Db, key: string): void {
  db.delete(settings).where(eq(settings.key, key)).run();
}

/** Every setting whose key starts with `prefix`, keyed without it (values that no longer parse are left out). */
export function settingsWithPrefix(db: Db, prefix: string): Record<string, unknown> {
  const rows = db
    .select({ key: settings.key, value: settings.value })
    .from(settings)
    .where(like(settings.key, `${prefix}%`))
    .all();
  const out: Record<string, unknown> = {};
  for (const row of rows) {
    if (!row.key.startsWith(prefix)) continue;
    try {
      out[row.key.slice(prefix.length)] = JSON.parse(row.value);
    } catch {
      // an unreadable value reads as absent, as getSetting does
    }
  }
  return out;
}
