import type { Context } from "hono";
import { type ZodType, z } from "zod";
import type { Deps } from "../../deps.ts";
import { ValidationError } from "../../errors.ts";
import type { App, AppEnv } from "../context.ts";
import { readForm } from "../form.ts";

type Method = "get" | "post" | "put" | "delete";

export interface ApiResponseSpec {
  description: string;
  /** The body's shape, when declared (JSON). */
  schema?: ZodType;
  /** Defaults to application/json. */
  contentType?: string;
}

/**
 * One route of the JSON API: what it validates (path parameters, query, body — zod schemas, the
 * same ones that check the request) and what it answers. The OpenAPI document is generated from
 * these specs (openapi-document.ts), so the documentation cannot say something the route does not check.
 */
export interface ApiRouteSpec<P extends ZodType, Q extends ZodType, B extends ZodType> {
  method: Method;
  /** Hono syntax (`/api/jobs/:name/run`). */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  /** A JSON object (or form fields); an empty body reads as {}. */
  body?: B;
  /**
   * The body's schema when the service validates it itself (its messages name the setting):
   * described here, the handler hands `raw` to the service, which parses it with this schema.
   */
  serviceBody?: ZodType;
  responses: Record<number, ApiResponseSpec>;
}

export interface ApiInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The body as sent (an object; {} when empty). */
  raw: Record<string, unknown>;
}

type Handler<P, Q, B> = (
  c: Context<AppEnv>,
  input: ApiInput<P, Q, B>,
  deps: Deps,
) => Response | Promise<Response>;

export interface ApiRoute {
  spec: ApiRouteSpec<ZodType, ZodType, ZodType>;
  mount(app: App, deps: Deps): void;
}

const EMPTY = z.object({});

/** Declares a route; `mountApi` registers it on the app, the OpenAPI document describes it. */
export function apiRoute<
  P extends ZodType = typeof EMPTY,
  Q extends ZodType = typeof EMPTY,
  B extends ZodType = typeof EMPTY,
>(spec: ApiRouteSpec<P, Q, B>, handler: Handler<z.output<P>, z.output<Q>, z.output<B>>): ApiRoute {
  return {
    spec: spec as unknown as ApiRouteSpec<ZodType, ZodType, ZodType>,
    mount(app, deps) {
      app[spec.method](spec.path, async (c) => {
        const params = check(spec.params ?? EMPTY, c.req.param(), "path");
        // An empty value counts as absent (a submitted empty search box).
        const sent = Object.entries(c.req.query()).filter(([, v]) => v !== "");
        const query = check(spec.query ?? EMPTY, Object.fromEntries(sent), "query");
        const raw = spec.body || spec.serviceBody ? await readBody(c) : {};
        const body = spec.body ? check(spec.body, raw, "body") : {};
        return handler(
          c,
          { params, query, body, raw } as ApiInput<z.output<P>, z.output<Q>, z.output<B>>,
          deps,
        );
      });
    },
  };
}

export function mountApi(app: App, deps: Deps, routes: readonly ApiRoute[]): void {
  for (const route of routes) route.mount(app, deps);
}

/** Parses with the route's schema; the first problem becomes a 400 with its message. */
function check<T extends ZodType>(schema: T, value: unknown, where: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join(".") ?? "";
  if (issue?.code === "unrecognized_keys")
    throw new ValidationError(`unknown field: ${issue.keys.join(", ")}`);
  const message = issue?.message ?? "invalid request";
  // Our schemas carry their own sentences; zod's generic ones get the field's name.
  const generic = /^(Invalid|Expected|Unrecognized|Too )/.test(message);
  throw new ValidationError(generic && field ? `${field} (${where}): ${message}` : message);
}

/** The request's body as an object: JSON (whatever the content type says) or form fields. */
async function readBody(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const type = c.req.header("content-type") ?? "";
  if (type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data"))
    return (await readForm(c)) as Record<string, unknown>;
  const text = await c.req.text();
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ValidationError("the request body is not valid JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new ValidationError("the request body must be a JSON object");
  return value as Record<string, unknown>;
}
