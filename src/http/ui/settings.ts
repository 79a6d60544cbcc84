import type { Context } from "hono";
import { redactConfig } from "../../config/index.ts";
import type { Deps } from "../../deps.ts";
import { errorMessage, ValidationError } from "../../errors.ts";
import { EDITABLE_SETTINGS } from "../../services/settings/editable.ts";
import {
  editableSettings,
  pendingRestart,
  type SaveResult,
  saveEditableSettings,
} from "../../services/settings/store.ts";
import type { App, AppEnv } from "../context.ts";
import { readForm } from "../form.ts";
import { render, renderPartial } from "../render.ts";
import { arrSavedMessage, arrSectionData, registerArrSettings } from "./settings-arr.ts";
import { inPageOrder, type SettingsSection } from "./settings-sections.ts";
import { viewHelpers } from "./view-helpers.ts";

/** One row per listed provider: its label, the variable to set and what it can do. */
function providerRows(deps: Deps) {
  const configured = deps.providers.configured();
  return deps.providers.list.map((p) => ({
    kind: p.kind,
    label: p.label,
    variable: p.credentialVariable,
    capabilities: p.capabilities,
    configured: configured.includes(p.kind),
  }));
}

/** `{a: {b: 1}}` → `[["a.b", "1"]]`, for a readable table of the effective configuration. */
export function flattenConfig(value: unknown, prefix = ""): Array<[string, string]> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return [
      [prefix, value === undefined ? "(not set)" : typeof value === "string" ? value : JSON.stringify(value)],
    ];
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return [[prefix, "{}"]];
  return entries.flatMap(([k, v]) => flattenConfig(v, prefix ? `${prefix}.${k}` : k));
}

/** Every section of /settings; a feature adds its entry here. */
const SETTINGS_SECTIONS: readonly SettingsSection[] = inPageOrder([
  {
    id: "accounts",
    title: "Debrid accounts",
    order: 10,
    partial: "ui/settings-accounts",
    data: (deps) => ({ providers: providerRows(deps) }),
  },
  {
    id: "editable",
    title: "Settings you can change here",
    order: 15,
    partial: "ui/settings-editable",
    data: (deps) => ({ groups: editableSettings(deps) }),
  },
  {
    id: "arr",
    title: "Sonarr and Radarr",
    order: 20,
    partial: "ui/settings-arr",
    data: arrSectionData,
  },
  {
    id: "config",
    title: "Effective configuration",
    order: 90,
    partial: "ui/settings-config",
    data: (deps) => {
      const redacted = redactConfig(deps.config, deps.providers.list);
      const isGroup = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
      const core = Object.entries(redacted).filter(([, v]) => !isGroup(v));
      return {
        groups: [
          { name: "core", rows: core.flatMap(([k, v]) => flattenConfig(v, k)) },
          ...Object.entries(redacted)
            .filter(([, v]) => isGroup(v))
            .map(([name, value]) => ({ name, rows: flattenConfig(value) })),
        ],
      };
    },
  },
]);

/** /settings: the effective configuration (secrets masked), account checks, feature sections. */
export function registerSettings(app: App, deps: Deps): void {
  const page = async (
    c: Context<AppEnv>,
    outcome: Partial<SaveResult> & { savedNames?: string[] } = {},
    status = 200,
    extra: Record<string, unknown> = {},
  ) => {
    const sections = await Promise.all(
      SETTINGS_SECTIONS.map(async (s) => ({ ...s, values: s.data ? await s.data(deps) : {} })),
    );
    return render(
      c,
      "ui/settings",
      {
        sections,
        h: viewHelpers(deps.time),
        problems: outcome.problems,
        savedNames: outcome.savedNames,
        applied: outcome.applied,
        pendingRestart: pendingRestart(deps),
        ...extra,
      },
      { title: "Settings", status },
    );
  };

  app.get("/settings", (c) => {
    // ?saved= names what the last save stored (only known setting names are shown).
    const names = new Set((c.req.query("saved") ?? "").split(","));
    return page(
      c,
      {
        savedNames: EDITABLE_SETTINGS.map((s) => s.name).filter((n) => names.has(n)),
        applied: c.req.query("later") !== "1",
      },
      200,
      { arrSaved: arrSavedMessage(c.req.query("arr")) },
    );
  });

  app.post("/settings/config", async (c) => {
    const body = await readForm(c, { all: true });
    const form: Record<string, string | undefined> = {};
    for (const { name } of EDITABLE_SETTINGS) {
      const value = body[name];
      if (typeof value === "string") form[name] = value.slice(0, 2000);
    }
    const reset = [body.reset].flat().filter((v): v is string => typeof v === "string");
    const result = saveEditableSettings(deps, form, reset);
    if (Object.keys(result.problems).length > 0) return page(c, result, 400);
    const later = result.applied ? "" : "&later=1";
    return c.redirect(`/settings?saved=${encodeURIComponent(result.saved.join(","))}${later}#editable`, 303);
  });

  registerArrSettings(app, deps, (c, extra, status) => page(c, {}, status, extra));

  app.post("/settings/test/:provider", async (c) => {
    const kind = c.req.param("provider");
    const spec = providerRows(deps).find((p) => p.kind === kind);
    if (!spec) throw new ValidationError(deps.providers.notConfigured(kind));
    const provider = deps.providers.get(spec.kind);
    if (!provider) {
      return renderPartial(c, "ui/account-result", {
        error: `${spec.label} is not configured: set ${spec.variable}`,
      });
    }
    try {
      const account = await provider.getAccount();
      return renderPartial(c, "ui/account-result", { account, spec, h: viewHelpers(deps.time) });
    } catch (error) {
      return renderPartial(c, "ui/account-result", { error: errorMessage(error), spec });
    }
  });
}
