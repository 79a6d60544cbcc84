import { NotFoundError, ValidationError } from "../../errors.ts";

/** Job names are kebab-case; anything else cannot be a job (404 rather than a lookup). */
export function parseJobName(raw: string): string {
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(raw)) throw new NotFoundError("job", raw.slice(0, 64));
  return raw;
}

export function parseRunId(raw: string): number {
  if (!/^\d{1,12}$/.test(raw))
    throw new ValidationError(`run id must be a number, got "${raw.slice(0, 32)}"`);
  return Number(raw);
}
