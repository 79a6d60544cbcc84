import { statfsSync } from "node:fs";
import type { Deps } from "../../deps.ts";
import {
  createCategory,
  createTags,
  editCategory,
  listAllTags,
  listCategoryViews,
  removeCategories,
  removeTags,
} from "../../services/downloads/categories.ts";
import { defaultSavePath, setPreferences, storedPreferences } from "../../services/downloads/preferences.ts";
import { listDownloads } from "../../services/downloads/queries.ts";
import { currentDownloadLimit } from "../../services/downloads/speed-limit.ts";
import type { App } from "../context.ts";
import { torrentsInfo } from "./list.ts";
import { endpoint } from "./torrents.ts";
import {
  APP_VERSION,
  BUILD_INFO,
  categories,
  mainData,
  preferences,
  transferInfo,
  transferState,
  WEBAPI_VERSION,
} from "./wire.ts";

export function registerAppRoutes(app: App, deps: Deps, base: string): void {
  const cfg = deps.config.downloads;
  endpoint(app, `${base}/app/version`, "read", (c) => c.text(APP_VERSION));
  endpoint(app, `${base}/app/webapiVersion`, "read", (c) => c.text(WEBAPI_VERSION));
  endpoint(app, `${base}/app/buildInfo`, "read", (c) => c.json(BUILD_INFO));
  endpoint(app, `${base}/app/preferences`, "read", (c) =>
    c.json({ ...preferences(cfg, deps.config.auth.username), ...storedPreferences(deps) }),
  );
  endpoint(app, `${base}/app/defaultSavePath`, "read", (c) => c.text(defaultSavePath(deps)));
  endpoint(app, `${base}/app/setPreferences`, "action", (c, p) => {
    setPreferences(deps, p.get("json") ?? "");
    return c.body(null, 200);
  });

  endpoint(app, `${base}/torrents/categories`, "read", (c) => c.json(categories(listCategoryViews(deps))));
  endpoint(app, `${base}/torrents/createCategory`, "action", (c, p) => {
    createCategory(deps, p.get("category") ?? "", p.get("savePath") ?? "");
    return c.body(null, 200);
  });
  endpoint(app, `${base}/torrents/editCategory`, "action", (c, p) => {
    editCategory(deps, p.get("category") ?? "", p.get("savePath") ?? "");
    return c.body(null, 200);
  });
  endpoint(app, `${base}/torrents/removeCategories`, "action", (c, p) => {
    removeCategories(deps, (p.get("categories") ?? "").split(/\r?\n/));
    return c.body(null, 200);
  });

  endpoint(app, `${base}/torrents/tags`, "read", (c) => c.json(listAllTags(deps)));
  endpoint(app, `${base}/torrents/createTags`, "action", (c, p) => {
    createTags(deps, [p.get("tags") ?? ""]);
    return c.body(null, 200);
  });
  endpoint(app, `${base}/torrents/deleteTags`, "action", (c, p) => {
    removeTags(deps, [p.get("tags") ?? ""]);
    return c.body(null, 200);
  });

  const transfer = () => {
    const rows = listDownloads(deps, ["downloading"]);
    const space = diskSpaceOrZero(cfg.dir);
    const limits = storedPreferences(deps);
    const download = currentDownloadLimit(deps);
    return transferState(
      rows,
      space.free,
      download.limit,
      Number(limits.up_limit ?? 0),
      download.alternative,
    );
  };
  endpoint(app, `${base}/transfer/info`, "read", (c) => c.json(transferInfo(transfer())));

  let rid = 0;
  endpoint(app, `${base}/sync/maindata`, "read", (c) => {
    // Always a full update: correct for every client, and cheap at Redriva's sizes.
    rid++;
    return c.json(
      mainData(
        rid,
        torrentsInfo(deps, {}),
        categories(listCategoryViews(deps)),
        listAllTags(deps),
        transfer(),
      ),
    );
  });
}

function diskSpaceOrZero(dir: string): { free: number } {
  try {
    const s = statfsSync(dir);
    return { free: Number(s.bavail) * Number(s.bsize) };
  } catch {
    return { free: 0 };
  }
}
