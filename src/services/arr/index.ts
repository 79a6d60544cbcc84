import type { Deps } from "../../deps.ts";
import { errorMessage } from "../../errors.ts";
import { buildArrClient } from "./build.ts";
import type { ArrClient } from "./client.ts";
import { getArrConnection, savedKeyFor } from "./settings.ts";
import {
  ARR_KINDS,
  type ArrConnection,
  type ArrKind,
  type ArrRescanReport,
  type ArrTestResult,
} from "./types.ts";

/**
 * Entry points of the Sonarr/Radarr integration for other features (symlinks, repair):
 * - `getArrClient(deps, kind)`: the client of an enabled instance, or undefined;
 * - `testArrConnection(deps, kind, override?)`: for "test" buttons (never throws);
 * - `rescanPathsEverywhere(deps, paths)`: rescans in every enabled instance the items owning
 *   these files; one instance failing does not stop the other.
 * Clients are kept in `deps.arrClients` so their rate limits hold across calls.
 */
export { ArrClient } from "./client.ts";
export { detectArrServices } from "./detect.ts";
export { arrForCategory, arrRoutesReport } from "./route.ts";
export { getArrConnection, publicArrConnection, saveArrConnection } from "./settings.ts";
export type { ArrKind, ArrRescanReport, ArrTestResult } from "./types.ts";

export function getArrClient(deps: Deps, kind: ArrKind): ArrClient | undefined {
  const connection = getArrConnection(deps, kind);
  if (!connection.enabled) return undefined;
  return deps.arrClients.get(kind, connection, () => buildArrClient(deps, kind, connection));
}

/**
 * Tests the saved connection, or `override` (unsaved form values). An empty key uses the saved
 * one only when the URL is the saved URL: a new URL must come with its key.
 */
export async function testArrConnection(
  deps: Deps,
  kind: ArrKind,
  override?: { url?: string; apiKey?: string },
  signal?: AbortSignal,
): Promise<ArrTestResult> {
  const saved = getArrConnection(deps, kind);
  const url = override?.url?.trim().replace(/\/+$/, "") || saved.url;
  const connection: ArrConnection = {
    enabled: true,
    url,
    apiKey: override?.apiKey?.trim() || savedKeyFor(saved, url),
  };
  if (!connection.url) return { ok: false, kind, error: "no URL configured" };
  if (!URL.canParse(connection.url) || !/^https?:/i.test(connection.url)) {
    return { ok: false, kind, error: "the URL must start with http:// or https://" };
  }
  if (!connection.apiKey) {
    const error = saved.apiKey
      ? "enter the API key for this URL (the saved key is only sent to the saved URL)"
      : "no API key configured";
    return { ok: false, kind, error };
  }
  const client = buildArrClient(deps, kind, connection) as ArrClient;
  return client.testConnection(signal);
}

export interface ArrRescanSummary {
  reports: ArrRescanReport[];
  errors: Array<{ kind: ArrKind; error: string }>;
  /** Commands sent across instances. */
  commands: number;
}

export async function rescanPathsEverywhere(
  deps: Deps,
  paths: readonly string[],
  signal?: AbortSignal,
): Promise<ArrRescanSummary> {
  const summary: ArrRescanSummary = { reports: [], errors: [], commands: 0 };
  if (paths.length === 0) return summary;
  for (const kind of ARR_KINDS) {
    const client = getArrClient(deps, kind);
    if (!client) continue;
    try {
      const report = await client.rescanPaths(paths, signal);
      summary.reports.push(report);
      summary.commands += report.commands;
    } catch (error) {
      if (signal?.aborted) throw error;
      deps.log.warn({ kind, err: errorMessage(error) }, "arr rescan failed");
      summary.errors.push({ kind, error: errorMessage(error) });
    }
  }
  return summary;
}
