import type { Context } from "hono";
import type { Deps } from "../../deps.ts";
import {
  addArrInstance,
  arrInstanceRows,
  removeArrInstance,
  resetArrInstance,
  saveArrCategories,
  saveArrInstance,
  testArrInstance,
} from "../../services/settings/arr-instances.ts";
import type { SaveResult } from "../../services/settings/store.ts";
import type { App, AppEnv } from "../context.ts";
import { readForm } from "../form.ts";
import { renderPartial } from "../render.ts";

/** What the instances section shows after a refused form: which form, what was typed (never a key). */
export interface ArrFormOutcome {
  id: string;
  problems: SaveResult["problems"];
  typed: Record<string, string>;
}

type Page = (c: Context<AppEnv>, extra: Record<string, unknown>, status: number) => Promise<Response>;

/** The section's data: the instances and ARR_CATEGORIES as typed (category=instance pairs). */
export function arrSectionData(deps: Deps) {
  return {
    arrInstances: arrInstanceRows(deps),
    arrCategories: Object.entries(deps.config.arr.categories)
      .map(([category, id]) => `${category}=${id}`)
      .join(","),
  };
}

async function formOf(c: Context<AppEnv>): Promise<Record<string, string>> {
  const body = await readForm(c);
  const out: Record<string, string> = {};
  for (const key of ["kind", "name", "url", "apiKey", "enabled", "categories"]) {
    const value = body[key];
    if (typeof value === "string") out[key] = value.slice(0, 2000);
  }
  return out;
}

/** /settings/arr/...: save, add, remove, reset and test Sonarr/Radarr instances; forms redirect back. */
export function registerArrSettings(app: App, deps: Deps, page: Page): void {
  const answer = (
    c: Context<AppEnv>,
    id: string,
    form: Record<string, string>,
    result: SaveResult,
    done: string,
  ) => {
    if (Object.keys(result.problems).length > 0) {
      const { apiKey: _never, ...typed } = form;
      const arrForm: ArrFormOutcome = { id, problems: result.problems, typed };
      return page(c, { arrForm }, 400);
    }
    return c.redirect(`/settings?arr=${encodeURIComponent(done)}#arr`, 303);
  };
  const input = (form: Record<string, string>) => ({
    name: form.name,
    url: form.url,
    apiKey: form.apiKey,
    enabled: form.enabled === "on",
  });

  app.post("/settings/arr/add", async (c) => {
    const form = await formOf(c);
    const result = addArrInstance(deps, form.kind ?? "", input(form));
    return answer(c, "new", form, result, `added:${result.id ?? ""}`);
  });
  app.post("/settings/arr/categories", async (c) => {
    const form = await formOf(c);
    return answer(c, "categories", form, saveArrCategories(deps, form.categories ?? ""), "categories");
  });
  app.post("/settings/arr/:id/test", async (c) => {
    const form = await formOf(c);
    const result = await testArrInstance(deps, c.req.param("id"), { url: form.url, apiKey: form.apiKey });
    return renderPartial(c, "ui/arr-test-result", { result });
  });
  app.post("/settings/arr/:id/remove", async (c) => {
    const id = c.req.param("id");
    return answer(c, id, {}, removeArrInstance(deps, id), `removed:${id}`);
  });
  app.post("/settings/arr/:id/reset", async (c) => {
    const id = c.req.param("id");
    return answer(c, id, {}, resetArrInstance(deps, id), `reset:${id}`);
  });
  app.post("/settings/arr/:id", async (c) => {
    const id = c.req.param("id");
    const form = await formOf(c);
    return answer(c, id, form, saveArrInstance(deps, id, input(form)), `saved:${id}`);
  });
}

/** The flash after a redirect: `?arr=added:sonarr2` → "Added sonarr2: in use now." */
export function arrSavedMessage(query: string | undefined): string | null {
  const match = /^(added|saved|removed|reset):(\w*)$|^categories$/.exec(query ?? "");
  if (!match) return null;
  if (!match[1]) return "Category routing saved: in use now.";
  const verb = { added: "Added", saved: "Saved", removed: "Removed", reset: "Reset" }[match[1]];
  return `${verb} ${match[2]}: in use now, no restart needed.`;
}
