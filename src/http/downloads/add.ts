import type { Context } from "hono";
import type { Deps } from "../../deps.ts";
import { addTorrents } from "../../services/downloads/add.ts";
import { listCategoryViews } from "../../services/downloads/categories.ts";
import { remainingProviders } from "../../services/downloads/provider-step.ts";
import type { AppEnv } from "../context.ts";
import { readForm } from "../form.ts";

/** What the Add box needs to draw itself: the categories and the configured providers, in order. */
export function addBoxData(deps: Deps) {
  return {
    categories: listCategoryViews(deps).map((c) => c.name),
    // The order a torrent without a category is offered to them (DEFAULT_PROVIDER, then DOWNLOAD_PROVIDER_ORDER).
    providers: remainingProviders(deps, { category: "", providers_tried: "" }),
  };
}

/** Magnets and .torrent URLs from the textarea: one per line, blank lines ignored. */
function linesOf(value: unknown): string[] {
  const values = Array.isArray(value) ? value : [value];
  return values
    .filter((v): v is string => typeof v === "string")
    .flatMap((v) => v.split(/\r?\n/))
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

async function uploadsOf(value: unknown) {
  const values = Array.isArray(value) ? value : [value];
  const files = values.filter((v): v is File => v instanceof File && v.size > 0);
  return Promise.all(
    files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })),
  );
}

/**
 * The /downloads Add box: the same `addTorrents` verb the qBittorrent API's torrents/add calls,
 * so a torrent added here follows the same path (category folder, provider routing, queue).
 */
export async function addFromForm(c: Context<AppEnv>, deps: Deps) {
  const form = await readForm(c, { all: true });
  const urls = linesOf(form.urls);
  const files = await uploadsOf(form.torrents);
  if (urls.length === 0 && files.length === 0)
    return {
      added: [],
      failed: [{ source: "the form", reason: "paste a magnet or choose a .torrent file" }],
    };
  const category = typeof form.category === "string" ? form.category : "";
  const provider = typeof form.provider === "string" ? form.provider : "";
  return addTorrents(deps, {
    urls,
    files,
    category,
    provider,
    paused: form.paused === "on",
    top: form.top === "on",
  });
}
