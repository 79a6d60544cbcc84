import { readFileSync } from "node:fs";
import type { Deps } from "../../deps.ts";
import { NotFoundError } from "../../errors.ts";
import { resolveReportFile } from "../../services/reports/index.ts";
import type { App } from "../context.ts";
import { render } from "../render.ts";

/**
 * The static reports of DATA_DIR/reports. They are self-contained, so they are served with a
 * policy that forbids any script or external resource, in case a name slipped through.
 */
const HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'",
  "x-content-type-options": "nosniff",
  "cache-control": "no-cache",
};

export function registerReports(app: App, deps: Deps): void {
  const serve = (relative: string) => {
    const path = resolveReportFile(deps.config, relative);
    if (!path) throw new NotFoundError("report", relative.slice(0, 120));
    return new Response(readFileSync(path), { headers: HEADERS });
  };
  app.get("/reports", (c) => {
    if (!resolveReportFile(deps.config, "index.html")) {
      return render(c, "jobs/reports-empty", {}, { title: "Reports" });
    }
    return c.redirect("/reports/index.html", 302);
  });
  app.get("/reports/index.html", () => serve("index.html"));
  app.get("/reports/:job/:file", (c) => serve(`${c.req.param("job")}/${c.req.param("file")}`));
}
