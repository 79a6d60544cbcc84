import type { ZodType } from "zod";
import { API_ROUTES } from "../../src/http/api/openapi.ts";

/** The body schema the OpenAPI document gives `METHOD /path` (Hono syntax) for one status. */
export function documentedSchema(key: string, status = 200): ZodType {
  const route = API_ROUTES.find((r) => `${r.spec.method.toUpperCase()} ${r.spec.path}` === key);
  const schema = route?.spec.responses[status]?.schema;
  if (!schema) throw new Error(`${key} documents no ${status} schema`);
  return schema;
}
