import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { BodyData, ParseBodyOptions } from "hono/utils/body";
import { ValidationError } from "../errors.ts";

/**
 * The request's form fields. A body that is not a well-formed form (a multipart body without its
 * final boundary, say) is a 400 in words: Bun's form parser throws a TypeError, which became a 500.
 * A body cut by the size cap keeps its 413.
 */
export async function readForm<Options extends Partial<ParseBodyOptions> = { all?: false }>(
  c: Context,
  options?: Options,
): Promise<BodyData<Options>> {
  try {
    return (await c.req.parseBody(options)) as BodyData<Options>;
  } catch (error) {
    if (error instanceof HTTPException) throw error;
    throw new ValidationError("The form could not be read: the request body is not a well-formed form");
  }
}
