import { join } from "node:path";
import { Eta } from "eta";
import type { Context } from "hono";
import type { Config } from "../config/index.ts";
import type { AppEnv } from "./context.ts";

export const VIEWS_DIR = join(import.meta.dir, "..", "..", "views");

/**
 * The Eta instance of one app over views/ (createApp builds it; handlers reach it as
 * `c.get("views")`). `<%= %>` escapes (the default for every value, since names come from
 * strangers); `<%~ %>` is reserved for trusted partial output. Templates are compiled once, unless
 * the config asks to re-read them on each render (NODE_ENV=development).
 */
export function createViews(config: Pick<Config, "reloadViews">): Eta {
  return new Eta({ views: VIEWS_DIR, cache: !config.reloadViews, autoEscape: true });
}

/** An htmx request for a fragment (a history restore wants the whole page). */
export function isHtmx(c: Context<AppEnv>): boolean {
  return c.req.header("HX-Request") === "true" && c.req.header("HX-History-Restore-Request") !== "true";
}

/** Common data every template receives. */
function baseData(c: Context<AppEnv>) {
  const deps = c.get("deps");
  return {
    user: c.get("user"),
    csrfToken: c.get("csrfToken"),
    authEnabled: deps.config.auth.enabled,
    bindHost: deps.config.host,
    path: c.req.path,
  };
}

/**
 * Renders a full page (layout + page) or, for an htmx request asking for a fragment, only the
 * partial. `partial` names a file under views/partials/.
 */
export function render(
  c: Context<AppEnv>,
  page: string,
  data: Record<string, unknown>,
  options: { partial?: string; status?: number; title?: string } = {},
) {
  const all = { ...baseData(c), title: options.title ?? "Redriva", ...data };
  const html =
    options.partial && isHtmx(c) && c.req.header("HX-Boosted") !== "true"
      ? c.get("views").render(`partials/${options.partial}`, all)
      : c.get("views").render(`pages/${page}`, all);
  // The same URL answers a page or a fragment: caches must keep them apart.
  c.header("Vary", "HX-Request");
  return c.html(html, (options.status ?? 200) as 200);
}

/** Renders one partial on its own (htmx fragment routes). */
export function renderPartial(
  c: Context<AppEnv>,
  partial: string,
  data: Record<string, unknown>,
  status = 200,
) {
  return c.html(c.get("views").render(`partials/${partial}`, { ...baseData(c), ...data }), status as 200);
}
