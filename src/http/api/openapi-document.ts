import { type ZodType, z } from "zod";
import type { ApiRoute } from "./openapi-route.ts";

type JsonSchema = Record<string, unknown>;

/** Every error of the JSON API (src/http/errors.ts). */
const ERROR_SCHEMA = z.object({
  error: z.object({
    code: z
      .string()
      .describe("validation, not_found, conflict, unauthorized, forbidden, upstream_*, internal"),
    message: z.string().describe("one sentence for a person"),
    requestId: z.string().optional(),
  }),
});

/** A zod schema as JSON Schema 2020-12 (what OpenAPI 3.1 uses), as the request must be sent. */
function jsonSchema(schema: ZodType, io: "input" | "output"): JsonSchema {
  const out = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as JsonSchema;
  delete out.$schema;
  return out;
}

/** `/api/jobs/:name/run` → `/api/jobs/{name}/run`. */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
}

function parameters(route: ApiRoute): JsonSchema[] {
  const list: JsonSchema[] = [];
  for (const [where, schema] of [
    ["path", route.spec.params],
    ["query", route.spec.query],
  ] as const) {
    if (!schema) continue;
    const object = jsonSchema(schema, "input");
    const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((object.required ?? []) as string[]);
    for (const [name, property] of Object.entries(properties)) {
      const { description, ...rest } = property;
      list.push({
        name,
        in: where,
        required: where === "path" || required.has(name),
        ...(description ? { description } : {}),
        schema: rest,
      });
    }
  }
  return list;
}

function responses(route: ApiRoute): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  const error = { content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
  for (const [status, response] of Object.entries(route.spec.responses)) {
    const type = response.contentType ?? "application/json";
    // A 4xx without its own schema is the common error envelope.
    if (Number(status) >= 400 && !response.schema && type === "application/json") {
      out[status] = { description: response.description, ...error };
      continue;
    }
    out[status] = {
      description: response.description,
      ...(response.schema || type !== "application/json"
        ? { content: { [type]: response.schema ? { schema: jsonSchema(response.schema, "output") } : {} } }
        : { content: { "application/json": { schema: { type: "object" } } } }),
    };
  }
  if (route.spec.params || route.spec.query || route.spec.body || route.spec.serviceBody)
    out["400"] ??= { description: "A parameter or the body failed validation", ...error };
  out["401"] ??= { description: "Not logged in (session cookie or HTTP Basic)", ...error };
  if (route.spec.method !== "get")
    out["403"] ??= { description: "The X-CSRF-Token header is missing or wrong", ...error };
  return out;
}

function requestBody(schema: ZodType | undefined): JsonSchema {
  if (!schema) return {};
  const body = jsonSchema(schema, "input");
  return {
    requestBody: {
      required: false,
      content: {
        "application/json": { schema: body },
        "application/x-www-form-urlencoded": { schema: body },
      },
    },
  };
}

export interface DocumentInfo {
  version: string;
  description: string;
}

/** The OpenAPI 3.1 document of `routes`. */
export function buildOpenApiDocument(routes: readonly ApiRoute[], info: DocumentInfo): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const { spec } = route;
    const operation: JsonSchema = {
      operationId: `${spec.method}${openApiPath(spec.path)
        .replace(/[{}]/g, "")
        .split(/[/-]/)
        .filter((s) => s !== "" && s !== "api")
        .map((s) => s[0]?.toUpperCase() + s.slice(1))
        .join("")}`,
      tags: [spec.tag],
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      parameters: parameters(route),
      ...requestBody(spec.body ?? spec.serviceBody),
      responses: responses(route),
    };
    const path = openApiPath(spec.path);
    paths[path] = { ...(paths[path] ?? {}), [spec.method]: operation };
  }
  return {
    openapi: "3.1.0",
    info: { title: "Redriva JSON API", version: info.version, description: info.description },
    servers: [{ url: "/" }],
    security: [{ session: [] }, { basic: [] }],
    tags: [...new Set(routes.map((r) => r.spec.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: { Error: jsonSchema(ERROR_SCHEMA, "output") },
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: "redriva_session", description: "the web UI's login" },
        basic: { type: "http", scheme: "basic", description: "REDRIVA_USERNAME / REDRIVA_PASSWORD" },
      },
    },
  };
}
