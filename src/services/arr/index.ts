import type { Deps } from "../../deps.ts";
import { buildArrClient } from "./build.ts";
import type { ArrClient } from "./client.ts";
import { getArrConnection, savedKeyFor } from "./settings.ts";
import type { ArrConnection, ArrKind, ArrTestResult } from "./types.ts";

/**
 * Entry points of the Sonarr/Radarr integration for other features (symlinks, repair):
 * - `arrInstanceClient(deps, instance)`: the client of one instance (instances.ts);
 * - `testArrConnection(deps, kind, override?)`: for "test" buttons (never throws);
 * - `rescanPathsEverywhere(deps, paths)`: rescans the items owning these files in the instance
 *   whose root folders hold them (rescan.ts); one instance failing does not stop the others.
 * Clients are kept in `deps.arrClients` so their rate limits hold across calls.
 */
export { ArrClient } from "./client.ts";
export { detectArrServices } from "./detect.ts";
export { arrInstanceClient } from "./instances.ts";
export { rescanPathsEverywhere, rescanTargets } from "./rescan.ts";
export { arrForCategory, arrRoutesReport } from "./route.ts";
export { getArrConnection, publicArrConnection, saveArrConnection } from "./settings.ts";
export type { ArrKind, ArrTestResult } from "./types.ts";

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
