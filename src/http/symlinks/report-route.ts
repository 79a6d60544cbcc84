import { existsSync, readFileSync } from "node:fs";
import type { Context } from "hono";
import type { Deps } from "../../deps.ts";
import { NotFoundError } from "../../errors.ts";
import { getScanProgress, reportPathFor } from "../../services/symlinks/index.ts";
import type { AppEnv } from "../context.ts";

/**
 * Serves the static report of a scan. The file name comes from the scan id, never from the
 * request, and the report has no script: a strict CSP keeps it that way.
 */
export function serveReport(c: Context<AppEnv>, deps: Deps, scanId: number) {
  getScanProgress(deps, scanId);
  const path = reportPathFor(deps, scanId);
  if (!existsSync(path)) throw new NotFoundError("report of scan", scanId);
  c.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
  c.header("X-Content-Type-Options", "nosniff");
  return c.html(readFileSync(path, "utf8"));
}
