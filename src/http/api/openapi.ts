import pkg from "../../../package.json" with { type: "json" };
import type { Deps } from "../../deps.ts";
import type { App } from "../context.ts";
import { JOBS_API } from "../jobs/api.ts";
import { render } from "../render.ts";
import { REPAIR_API } from "../repair/api.ts";
import { SYMLINKS_API } from "../symlinks/api.ts";
import { LIBRARY_API } from "../ui/api.ts";
import { STATS_API } from "../ui/stats.ts";
import { buildOpenApiDocument } from "./openapi-document.ts";
import { type ApiRoute, apiRoute, mountApi } from "./openapi-route.ts";

const DESCRIPTION = [
  "The JSON API of Redriva's web UI, for scripts. GET works with HTTP Basic (REDRIVA_USERNAME /",
  "REDRIVA_PASSWORD) or the web UI's session cookie; POST and PUT need the session (POST /login) and",
  "its X-CSRF-Token header (the pages' `csrf-token` meta tag). Errors are `{ error: { code, message } }`.",
  "Parameters and bodies are described by the zod schemas that validate them. The qBittorrent API",
  "(/api/v2, for Sonarr/Radarr) follows qBittorrent's own documentation and is not listed here.",
].join(" ");

const OPENAPI_API: readonly ApiRoute[] = [
  apiRoute(
    {
      method: "get",
      path: "/api/openapi.json",
      tag: "Documentation",
      summary: "This document (OpenAPI 3.1); /docs/api shows it as a page",
      responses: { 200: { description: "The OpenAPI document" } },
    },
    (c) => c.json(openApiDocument()),
  ),
];

/** Every route of the JSON API, in the order the document lists them. */
export const API_ROUTES: readonly ApiRoute[] = [
  ...LIBRARY_API,
  ...STATS_API,
  ...JOBS_API,
  ...REPAIR_API,
  ...SYMLINKS_API,
  ...OPENAPI_API,
];

export function openApiDocument() {
  return buildOpenApiDocument(API_ROUTES, { version: pkg.version, description: DESCRIPTION });
}

/** GET /api/openapi.json and its readable page, GET /docs/api (behind the web UI's login). */
export function registerOpenApi(app: App, deps: Deps): void {
  mountApi(app, deps, OPENAPI_API);
  app.get("/docs/api", (c) => render(c, "api/docs", { title: "API", doc: openApiDocument() }));
}
