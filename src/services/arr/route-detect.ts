import type { ArrKind } from "./types.ts";

/**
 * Reads an *arr's `GET /api/v3/downloadclient` answer: the enabled qBittorrent entries whose port
 * is the one Redriva answers on are Redriva, and their category fields are the categories that
 * *arr grabs with. Sonarr names them `tvCategory` / `tvImportedCategory` (the category it sets after
 * importing), Radarr `movieCategory` / `movieImportedCategory` (QBittorrentSettings.cs). The
 * host is not compared: the *arr sees Redriva under a name of its own (a container name, an IP).
 */
const CATEGORY_FIELDS: Record<ArrKind, readonly string[]> = {
  sonarr: ["tvCategory", "tvImportedCategory"],
  radarr: ["movieCategory", "movieImportedCategory"],
};

export interface RedrivaClientEntries {
  /** Enabled qBittorrent entries of this *arr. */
  qbitClients: number;
  /** Those pointing at Redriva's port. */
  redrivaClients: number;
  /** Their categories ("" when the *arr grabs without a category), deduplicated. */
  categories: string[];
}

interface DownloadClientResource {
  enable?: unknown;
  implementation?: unknown;
  fields?: unknown;
}

export function redrivaCategories(kind: ArrKind, answer: unknown, port: number): RedrivaClientEntries {
  const result: RedrivaClientEntries = { qbitClients: 0, redrivaClients: 0, categories: [] };
  if (!Array.isArray(answer)) return result;
  const categories = new Set<string>();
  for (const entry of answer as DownloadClientResource[]) {
    if (String(entry?.implementation ?? "").toLowerCase() !== "qbittorrent" || entry.enable === false)
      continue;
    result.qbitClients++;
    const fields = fieldValues(entry.fields);
    if (Number(fields.get("port")) !== port) continue;
    result.redrivaClients++;
    const [grab, imported] = CATEGORY_FIELDS[kind];
    categories.add(asCategory(fields.get(grab as string)));
    const after = fields.get(imported as string);
    if (typeof after === "string" && after.trim() !== "") categories.add(asCategory(after));
  }
  result.categories = [...categories];
  return result;
}

function fieldValues(fields: unknown): Map<string, unknown> {
  const values = new Map<string, unknown>();
  if (!Array.isArray(fields)) return values;
  for (const field of fields as Array<{ name?: unknown; value?: unknown }>) {
    if (typeof field?.name === "string") values.set(field.name, field.value);
  }
  return values;
}

/** qBittorrent categories are trimmed names; an absent one means "no category". */
function asCategory(value: unknown): string {
  return typeof value === "string" ? value.trim() : "";
}
