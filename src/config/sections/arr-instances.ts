import { z } from "zod";
import { httpUrl, optionalText, port, secret } from "../fields.ts";

/**
 * More Sonarr/Radarr instances (a 4K one, an anime one) and which qBit category belongs to
 * which. Instance N (2 to 9) is `SONARR_URL_N` + `SONARR_API_KEY_N` (+ an optional
 * `SONARR_NAME_N` shown in the UI), id `sonarr2`, like the debrid accounts (`RD_API_TOKEN_2`).
 * The first instance stays `SONARR_URL`/`SONARR_API_KEY` (or the one saved from the UI), id `sonarr`.
 */
export const MAX_ARR_INSTANCES = 9;
const KINDS = ["sonarr", "radarr"] as const;
const PREFIX = { sonarr: "SONARR", radarr: "RADARR" } as const;
const INSTANCE_ID = /^(sonarr|radarr)([2-9])?$/;

/** `SONARR_API_KEY_2`... for the list of secrets never printed. */
export const ARR_INSTANCE_SECRETS: readonly string[] = KINDS.flatMap((kind) =>
  Array.from({ length: MAX_ARR_INSTANCES - 1 }, (_, i) => `${PREFIX[kind]}_API_KEY_${i + 2}`),
);

/** What /settings may store for the instances: URL, key and name of 2..9, and ARR_CATEGORIES. */
export const ARR_INSTANCE_VARIABLES: readonly string[] = [
  ...KINDS.flatMap((kind) =>
    Array.from({ length: MAX_ARR_INSTANCES - 1 }, (_, i) =>
      ["URL", "API_KEY", "NAME"].map((field) => `${PREFIX[kind]}_${field}_${i + 2}`),
    ).flat(),
  ),
  "ARR_CATEGORIES",
];

const emptyAsUnset = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

function instanceFields() {
  const fields: Record<string, z.ZodType> = {};
  for (const kind of KINDS) {
    for (let n = 2; n <= MAX_ARR_INSTANCES; n++) {
      fields[`${PREFIX[kind]}_URL_${n}`] = z.preprocess(emptyAsUnset, httpUrl());
      fields[`${PREFIX[kind]}_API_KEY_${n}`] = secret();
      fields[`${PREFIX[kind]}_NAME_${n}`] = optionalText();
    }
  }
  return fields;
}

/** `tv-sonarr=sonarr,tv-4k=sonarr2` → { "tv-sonarr": "sonarr", "tv-4k": "sonarr2" }; null if malformed. */
export function parseArrCategories(input: string): Record<string, string> | null {
  const map: Record<string, string> = {};
  for (const part of input.split(",").map((p) => p.trim())) {
    if (part === "") continue;
    const eq = part.lastIndexOf("=");
    if (eq <= 0) return null;
    const category = part.slice(0, eq).trim();
    const id = part
      .slice(eq + 1)
      .trim()
      .toLowerCase();
    if (category === "" || !INSTANCE_ID.test(id)) return null;
    map[category] = id;
  }
  return map;
}

export const arrInstanceFields = {
  ...instanceFields(),
  /** Explicit category → instance pairs; they win over what is read from each *arr. */
  ARR_CATEGORIES: z
    .string()
    .optional()
    .transform((s) => s ?? "")
    .refine(
      (s) => parseArrCategories(s) !== null,
      "expected category=instance pairs with an instance among sonarr, sonarr2..sonarr9, radarr, radarr2..radarr9 (tv-4k=sonarr2)",
    )
    .transform((s) => parseArrCategories(s) as Record<string, string>),
  /** The port Sonarr/Radarr use to reach Redriva's qBit API, when it is not PORT (Docker port mapping). */
  ARR_DOWNLOAD_CLIENT_PORT: z.preprocess(emptyAsUnset, port(0)),
  /** How often each *arr's download clients are read again to learn its categories. */
  ARR_ROUTES_REFRESH_MS: z
    .string()
    .trim()
    .regex(/^\d+$/, "expected a positive integer")
    .transform(Number)
    .refine((n) => n >= 1000, "expected at least 1000 (ms)")
    .optional()
    .transform((n) => n ?? 600_000),
};

export interface ArrInstanceConfig {
  /** `sonarr2`, `radarr3`: the name ARR_CATEGORIES uses. */
  id: string;
  kind: (typeof KINDS)[number];
  name: string;
  url: string | undefined;
  apiKey: string | undefined;
  enabled: boolean;
}

/** Instances 2..9 the environment configures (a URL or a key set), in order. */
export function buildArrInstances(env: Record<string, unknown>): ArrInstanceConfig[] {
  const list: ArrInstanceConfig[] = [];
  for (const kind of KINDS) {
    for (let n = 2; n <= MAX_ARR_INSTANCES; n++) {
      const url = env[`${PREFIX[kind]}_URL_${n}`] as string | undefined;
      const apiKey = env[`${PREFIX[kind]}_API_KEY_${n}`] as string | undefined;
      if (!url && !apiKey) continue;
      const label = kind === "sonarr" ? "Sonarr" : "Radarr";
      const name = (env[`${PREFIX[kind]}_NAME_${n}`] as string | undefined) ?? `${label} #${n}`;
      list.push({ id: `${kind}${n}`, kind, name, url, apiKey, enabled: Boolean(url && apiKey) });
    }
  }
  return list;
}

/** ARR_CATEGORIES may only name instances that exist: the first of each kind, or a configured N. */
export function unknownArrInstances(categories: Record<string, string>, instances: ArrInstanceConfig[]) {
  const known = new Set<string>(["sonarr", "radarr", ...instances.map((i) => i.id)]);
  return Object.values(categories).filter((id) => !known.has(id));
}
