import { listTorrents } from "../../db/repo/downloads.ts";
import type { Deps } from "../../deps.ts";
import { diskSpace } from "../../downloader/storage.ts";
import {
  createCategory,
  createTags,
  editCategory,
  listAllTags,
  listCategoryViews,
  removeCategories,
  removeTags,
} from "../../services/downloads/categories.ts";
import type { App } from "../context.ts";
import { torrentsInfo } from "./list.ts";
import { endpoint } from "./torrents.ts";
import { APP_VERSION, categories, preferences, WEBAPI_VERSION } from "./wire.ts";

const BUILD_INFO = {
  qt: "5.15.8",
  libtorrent: "2.0.8.0",
  boost: "1.74.0",
  openssl: "3.0.9",
  zlib: "1.2.13",
  bitness: 64,
};

export function registerAppRoutes(app: App, deps: Deps, base: string): void {
  const cfg = deps.config.downloads;
  endpoint(app, `${base}/app/version`, "read", (c) => c.text(APP_VERSION));
  endpoint(app, `${base}/app/webapiVersion`, "read", (c) => c.text(WEBAPI_VERSION));
  endpoint(app, `${base}/app/buildInfo`, "read", (c) => c.json(BUILD_INFO));
  endpoint(app, `${base}/app/preferences`, "read", (c) =>
    c.json(preferences(cfg, deps.config.auth.username)),
  );
  endpoint(app, `${base}/app/defaultSavePath`, "read", (c) => c.text(cfg.dir));
  // Settings come from the environment; accepted so tools that push preferences do not fail.
  endpoint(app, `${base}/app/setPreferences`, "action", (c) => c.body(null, 200));

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

  const transferInfo = async () => {
    const rows = listTorrents(deps.dbh.db, { stages: ["downloading"] });
    const space = await diskSpace(cfg.dir).catch(() => ({ free: 0, total: 0 }));
    return {
      dl_info_speed: rows.reduce((s, r) => s + r.speed, 0),
      dl_info_data: rows.reduce((s, r) => s + r.downloaded, 0),
      up_info_speed: 0,
      up_info_data: 0,
      dl_rate_limit: 0,
      up_rate_limit: 0,
      dht_nodes: 0,
      connection_status: "connected",
      free_space_on_disk: space.free,
      queueing: true,
    };
  };
  endpoint(app, `${base}/transfer/info`, "read", async (c) => {
    const { free_space_on_disk: _free, queueing: _q, ...info } = await transferInfo();
    return c.json(info);
  });

  let rid = 0;
  endpoint(app, `${base}/sync/maindata`, "read", async (c) => {
    // Always a full update: correct for every client, and cheap at Redriva's sizes.
    rid++;
    const list = torrentsInfo(deps, {});
    return c.json({
      rid,
      full_update: true,
      torrents: Object.fromEntries(list.map(({ hash, ...t }) => [hash, t])),
      categories: categories(listCategoryViews(deps)),
      tags: listAllTags(deps),
      trackers: {},
      server_state: await transferInfo(),
    });
  });
}
