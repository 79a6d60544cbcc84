import type { Deps } from "../../deps.ts";
import { SYNC_ACTIONS } from "../../services/library-view/sync-console.ts";
import { diagnoseLibrary } from "../../services/stats/diagnose.ts";
import { canResumeSync } from "../../services/sync/index.ts";
import type { App } from "../context.ts";
import { render } from "../render.ts";
import { viewHelpers } from "./view-helpers.ts";

const SHOWN_PER_GROUP = 10;

/** The button each kind of failure gets (the CLI prints the command instead). */
function actionFor(type: string, canResume: boolean): string | undefined {
  if (type === "details_rate_limited" || type === "details_timeout") return "smart";
  if (type === "details_server_error") return canResume ? "resume" : "smart";
  if (type === "magnet_error" || type === "virus" || type === "dead") return "repair";
  if (type === "error") return "errors";
  return undefined;
}

/** /diagnose: `redriva diagnose` as a page, each group with a button for what fixes it. */
export function registerDiagnose(app: App, deps: Deps): void {
  app.get("/diagnose", (c) => {
    const canResume = canResumeSync(deps);
    const groups = diagnoseLibrary(deps).map((g) => ({ ...g, uiAction: actionFor(g.type, canResume) }));
    return render(c, "ui/diagnose", {
      title: "Diagnosis",
      groups,
      total: groups.reduce((sum, g) => sum + g.torrents.length, 0),
      shown: SHOWN_PER_GROUP,
      syncActions: SYNC_ACTIONS,
      h: viewHelpers(deps.time),
    });
  });
}
