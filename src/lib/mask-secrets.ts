/**
 * Masks every occurrence of the given secrets in a free-form string (error messages, URLs).
 * Its own file so provider clients, loaded by the configuration, do not pull in pino.
 */
export function maskSecrets(text: string, secrets: Array<string | undefined>): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join("[redacted]");
  return out;
}
