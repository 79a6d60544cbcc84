import { configValueProblem } from "../../config/index.ts";
import { MAX_ARR_INSTANCES } from "../../config/sections/arr-instances.ts";
import type { Deps } from "../../deps.ts";
import { errorMessage, ValidationError } from "../../errors.ts";
import { buildArrClient } from "../arr/build.ts";
import { getArrConnection, saveArrConnection, savedKeyFor } from "../arr/settings.ts";
import { ARR_KINDS, type ArrConnection, type ArrKind, type ArrTestResult } from "../arr/types.ts";
import { type SaveResult, type StoredChange, saveStoredSettings, storedSettings } from "./store.ts";

/**
 * The Sonarr/Radarr instances as /settings edits them. The first of each kind (`sonarr`,
 * `radarr`) is the connection saved under `arr.<kind>` (also edited on Symlinks → Settings);
 * instances 2..9 are SONARR_URL_N, SONARR_API_KEY_N and SONARR_NAME_N, stored like every other
 * /settings value (validated by the environment's schema, applied at once through deps.settings).
 */
const LABEL: Record<ArrKind, string> = { sonarr: "Sonarr", radarr: "Radarr" };
const VARIABLE_PREFIX: Record<ArrKind, string> = { sonarr: "SONARR", radarr: "RADARR" };
const INSTANCE_ID = /^(sonarr|radarr)([2-9])?$/;

export interface ArrInstanceRow {
  id: string;
  kind: ArrKind;
  label: string;
  /** 1 for the first of its kind. */
  number: number;
  name: string;
  url: string;
  /** Only whether a key is set: the key itself never leaves the server. */
  hasApiKey: boolean;
  enabled: boolean;
  /** The variables of instance N (none for the first: it is edited as one connection). */
  variables: { url: string; apiKey: string; name: string } | null;
  /** "settings" when saved here (over the environment's, if it sets one), else "environment". */
  source: "settings" | "environment" | "default";
  inEnvironment: boolean;
  /** Categories routed to it: ARR_CATEGORIES's, and those its download clients use (last read). */
  categories: { name: string; from: "ARR_CATEGORIES" | "download client" }[];
}

export interface ArrInstanceInput {
  name?: string;
  url?: string;
  /** Empty keeps the saved key, for the saved URL only. */
  apiKey?: string;
  /** The first instance only: the switch Symlinks → Settings also has. */
  enabled?: boolean;
}

function variablesOf(kind: ArrKind, n: number) {
  const p = VARIABLE_PREFIX[kind];
  return { url: `${p}_URL_${n}`, apiKey: `${p}_API_KEY_${n}`, name: `${p}_NAME_${n}` };
}

function parseId(id: string): { kind: ArrKind; number: number } {
  const match = INSTANCE_ID.exec(id);
  if (!match) throw new ValidationError(`no Sonarr/Radarr instance is called ${JSON.stringify(id)}`);
  return { kind: match[1] as ArrKind, number: match[2] ? Number(match[2]) : 1 };
}

function categoriesOf(deps: Deps, id: string): ArrInstanceRow["categories"] {
  const explicit = Object.entries(deps.config.arr.categories)
    .filter(([, target]) => target === id)
    .map(([name]) => ({ name, from: "ARR_CATEGORIES" as const }));
  const detected = (deps.arrRoutes.snapshot?.byInstance.get(id)?.categories ?? [])
    .filter((name) => !explicit.some((e) => e.name === name))
    .map((name) => ({ name, from: "download client" as const }));
  return [...explicit, ...detected];
}

/** Every instance the running process has (the first of each kind always listed), first ones first. */
export function arrInstanceRows(deps: Deps): ArrInstanceRow[] {
  const { stored } = storedSettings(deps.dbh.db);
  const rows: ArrInstanceRow[] = [];
  for (const kind of ARR_KINDS) {
    const first = getArrConnection(deps, kind);
    const env = [`${VARIABLE_PREFIX[kind]}_URL`, `${VARIABLE_PREFIX[kind]}_API_KEY`];
    const inEnvironment = env.some((n) => deps.config.sources.environment.includes(n));
    const savedHere =
      first.url !== deps.config.arr[kind].url || first.apiKey !== deps.config.arr[kind].apiKey;
    rows.push({
      id: kind,
      kind,
      label: LABEL[kind],
      number: 1,
      name: LABEL[kind],
      url: first.url ?? "",
      hasApiKey: Boolean(first.apiKey),
      enabled: first.enabled,
      variables: null,
      source: savedHere ? "settings" : inEnvironment ? "environment" : "default",
      inEnvironment,
      categories: categoriesOf(deps, kind),
    });
    for (const extra of deps.config.arr.instances.filter((i) => i.kind === kind)) {
      const number = Number(extra.id.slice(kind.length));
      const variables = variablesOf(kind, number);
      const names = Object.values(variables);
      rows.push({
        id: extra.id,
        kind,
        label: LABEL[kind],
        number,
        name: extra.name,
        url: extra.url ?? "",
        hasApiKey: Boolean(extra.apiKey),
        enabled: extra.enabled,
        variables,
        source: names.some((n) => stored[n] !== undefined) ? "settings" : "environment",
        inEnvironment: names.some((n) => deps.config.sources.environment.includes(n)),
        categories: categoriesOf(deps, extra.id),
      });
    }
  }
  return rows;
}

/** The lowest free number of a kind (2..9), or null when all are taken. */
function freeNumber(deps: Deps, kind: ArrKind): number | null {
  const taken = new Set(deps.config.arr.instances.filter((i) => i.kind === kind).map((i) => i.id));
  for (let n = 2; n <= MAX_ARR_INSTANCES; n++) if (!taken.has(`${kind}${n}`)) return n;
  return null;
}

function refused(field: string, message: string, typed = ""): SaveResult {
  return { saved: [], problems: { [field]: { message, typed } }, applied: false };
}

/** The changes that store instance N's name, URL and key (the key kept for the same URL only). */
function instanceChanges(
  deps: Deps,
  kind: ArrKind,
  number: number,
  input: ArrInstanceInput,
): StoredChange | SaveResult {
  const variables = variablesOf(kind, number);
  const current = deps.config.arr.instances.find((i) => i.id === `${kind}${number}`);
  const url = input.url?.trim().replace(/\/+$/, "") ?? "";
  const typedKey = input.apiKey?.trim() ?? "";
  if (url === "") return refused(variables.url, "a URL is needed (http://host:port)");
  // The URL's own check first: a key question about a URL that cannot be used would mislead.
  const urlProblem = configValueProblem(variables.url, url);
  if (urlProblem) return refused(variables.url, urlProblem, url);
  const keptKey = current
    ? savedKeyFor({ enabled: true, url: current.url, apiKey: current.apiKey }, url)
    : undefined;
  if (!typedKey && !keptKey) {
    return refused(
      variables.apiKey,
      current?.apiKey
        ? "the URL changed: enter the API key again (the saved key only goes to the saved URL)"
        : "an API key is needed (Settings → General in Sonarr/Radarr)",
    );
  }
  const changes: StoredChange = { [variables.url]: url, [variables.name]: input.name?.trim() || null };
  if (typedKey) changes[variables.apiKey] = typedKey;
  return changes;
}

/** Saves an instance's name, URL and key (the first one's connection too); applied at once. */
export function saveArrInstance(deps: Deps, id: string, input: ArrInstanceInput): SaveResult {
  const { kind, number } = parseId(id);
  if (number === 1) {
    try {
      saveArrConnection(deps, kind, {
        enabled: input.enabled ?? true,
        url: input.url ?? "",
        apiKey: input.apiKey,
      });
    } catch (error) {
      return refused(`${VARIABLE_PREFIX[kind]}_URL`, errorMessage(error).replace(/^\w+: /, ""), input.url);
    }
    return { saved: [id], problems: {}, applied: true };
  }
  if (!deps.config.arr.instances.some((i) => i.id === id))
    throw new ValidationError(`${LABEL[kind]} #${number} is not configured`);
  const changes = instanceChanges(deps, kind, number, input);
  if ("problems" in changes) return changes as SaveResult;
  return saveStoredSettings(deps, changes as StoredChange, new Set([variablesOf(kind, number).apiKey]));
}

/** Adds the next instance of a kind (2..9). */
export function addArrInstance(
  deps: Deps,
  kind: string,
  input: ArrInstanceInput,
): SaveResult & { id?: string } {
  if (kind !== "sonarr" && kind !== "radarr") throw new ValidationError("choose Sonarr or Radarr");
  const number = freeNumber(deps, kind);
  if (number === null) return refused("kind", `${LABEL[kind]} already has ${MAX_ARR_INSTANCES} instances`);
  const changes = instanceChanges(deps, kind, number, input);
  if ("problems" in changes) return changes as SaveResult;
  const result = saveStoredSettings(
    deps,
    changes as StoredChange,
    new Set([variablesOf(kind, number).apiKey]),
  );
  return { ...result, id: `${kind}${number}` };
}

/**
 * Removes instance N (2..9): its saved values go, and what the environment sets for it is
 * overridden by empty values (a reset brings it back). The first instance is switched off instead.
 */
export function removeArrInstance(deps: Deps, id: string): SaveResult {
  const { kind, number } = parseId(id);
  if (number === 1) throw new ValidationError(`the first ${LABEL[kind]} is switched off, not removed`);
  const environment = deps.config.sources.environment;
  const changes: StoredChange = {};
  for (const name of Object.values(variablesOf(kind, number)))
    changes[name] = environment.includes(name) ? "" : null;
  return saveStoredSettings(deps, changes);
}

/** Instance N back to what the environment sets for it (its saved values removed). */
export function resetArrInstance(deps: Deps, id: string): SaveResult {
  const { kind, number } = parseId(id);
  if (number === 1) throw new ValidationError(`the first ${LABEL[kind]} is reset on Symlinks → Settings`);
  const changes: StoredChange = {};
  for (const name of Object.values(variablesOf(kind, number))) changes[name] = null;
  return saveStoredSettings(deps, changes);
}

/**
 * Tests an instance as saved, or with the URL and key typed in its form (not saved). An empty key
 * uses the saved one for the saved URL only: the key never goes to an address someone typed.
 */
export async function testArrInstance(
  deps: Deps,
  id: string,
  typed: { url?: string; apiKey?: string } = {},
): Promise<ArrTestResult> {
  const { kind, number } = parseId(id);
  const saved: ArrConnection =
    number === 1
      ? getArrConnection(deps, kind)
      : { enabled: true, ...deps.config.arr.instances.find((i) => i.id === id) };
  const url = typed.url?.trim().replace(/\/+$/, "") || saved.url;
  if (!url) return { ok: false, kind, error: "no URL configured" };
  if (!URL.canParse(url) || !/^https?:/i.test(url))
    return { ok: false, kind, error: "the URL must start with http:// or https://" };
  const apiKey = typed.apiKey?.trim() || savedKeyFor(saved, url);
  if (!apiKey) return { ok: false, kind, error: "enter the API key for this URL" };
  const client = buildArrClient(deps, kind, { enabled: true, url, apiKey });
  return client ? client.testConnection() : { ok: false, kind, error: "no URL or key" };
}

/** ARR_CATEGORIES from its text field (empty: back to the environment's). */
export function saveArrCategories(deps: Deps, typed: string): SaveResult {
  const value = typed.trim();
  return saveStoredSettings(deps, { ARR_CATEGORIES: value === "" ? null : value });
}
