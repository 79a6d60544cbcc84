import type { Eta } from "eta";
import type { Hono } from "hono";
import type { Deps } from "../deps.ts";

/** Variables every request carries (set by middleware in app.ts). */
export interface AppVariables {
  deps: Deps;
  /** The app's templates (render.ts). */
  views: Eta;
  requestId: string;
  /** The logged-in web user, when authentication is on. */
  user: string | null;
  /** CSRF token of the session, rendered into forms and htmx headers. */
  csrfToken: string;
}

export type AppEnv = { Variables: AppVariables };
export type App = Hono<AppEnv>;
