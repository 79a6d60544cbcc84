import type { Context } from "hono";
import type { Deps } from "../../deps.ts";
import { AppError } from "../../errors.ts";
import { addTorrents } from "../../services/downloads/add.ts";
import {
  addTagsTo,
  deleteTorrents,
  movePriority,
  pauseTorrents,
  removeTagsFrom,
  resumeTorrents,
  type Selection,
  setCategory,
  setForceStart,
  setShareLimits,
} from "../../services/downloads/control.ts";
import { skippedFiles } from "../../services/downloads/file-priority.ts";
import {
  downloadFiles,
  findDownload,
  listDownloads,
  torrentFileContents,
} from "../../services/downloads/queries.ts";
import type { App, AppEnv } from "../context.ts";
import { torrentsInfoBody } from "./list.ts";
import { parseBool, parseHashes, parseNumber, type QbitParams, readParams } from "./params.ts";
import { files, metadataFiles, properties, queuePositions, type WireContext } from "./wire.ts";

type Handler = (c: Context<AppEnv>, p: QbitParams) => Response | Promise<Response>;

/** Registers a qBit endpoint: reads on GET and POST, actions on POST only (GET → 405). */
export function endpoint(app: App, path: string, kind: "read" | "action", handler: Handler): void {
  const run = async (c: Context<AppEnv>) => {
    try {
      return await handler(c, await readParams(c));
    } catch (error) {
      // Service errors become qBittorrent's plain-text answers (409 conflict, 400 bad input).
      if (!(error instanceof AppError)) throw error;
      const status =
        error.code === "conflict"
          ? 409
          : error.code === "validation"
            ? 400
            : error.code === "not_found"
              ? 404
              : 500;
      return c.text(error.message, status);
    }
  };
  if (kind === "read") app.on(["GET", "POST"], path, run);
  else {
    app.post(path, run);
    app.get(path, (c) => c.text("Method Not Allowed", 405));
  }
}

function wireContext(deps: Deps): WireContext {
  return {
    now: deps.clock.now(),
    config: deps.config.downloads,
    positions: queuePositions(listDownloads(deps)),
    steps: deps.downloads.postSteps,
  };
}

/** `hashes` is required by every action: 400 like qBittorrent when it is missing. */
function selection(c: Context<AppEnv>, p: QbitParams): Selection | Response {
  const hashes = parseHashes(p.get("hashes"));
  if (hashes === undefined) return c.text("Bad Request: missing hashes", 400);
  return hashes;
}

export function registerTorrentRoutes(app: App, deps: Deps, base: string): void {
  endpoint(app, `${base}/torrents/info`, "read", (c, p) => {
    const hashes = parseHashes(p.get("hashes"));
    const gzip = /\bgzip\b/i.test(c.req.header("accept-encoding") ?? "");
    const body = torrentsInfoBody(
      deps,
      {
        filter: p.get("filter"),
        category: p.get("category"),
        tag: p.get("tag"),
        hashes: hashes === "all" ? undefined : hashes,
        sort: p.get("sort"),
        reverse: parseBool(p.get("reverse")),
        limit: parseNumber(p.get("limit")),
        offset: parseNumber(p.get("offset")),
      },
      gzip,
    );
    return c.body(body as unknown as ArrayBuffer, 200, {
      "Content-Type": "application/json",
      Vary: "Accept-Encoding",
      ...(gzip ? { "Content-Encoding": "gzip" } : {}),
    });
  });

  endpoint(app, `${base}/torrents/count`, "read", (c) => c.text(String(listDownloads(deps).length)));

  endpoint(app, `${base}/torrents/properties`, "read", (c, p) => {
    const hash = p.get("hash")?.trim().toLowerCase();
    if (!hash) return c.text("Bad Request: missing hash", 400);
    const torrent = findDownload(deps, hash);
    if (!torrent) return c.text("Not Found", 404);
    return c.json(properties(torrent, wireContext(deps), torrentFileContents(deps, torrent.hash)));
  });

  endpoint(app, `${base}/torrents/files`, "read", (c, p) => {
    const hash = p.get("hash")?.trim().toLowerCase();
    if (!hash) return c.text("Bad Request: missing hash", 400);
    const torrent = findDownload(deps, hash);
    if (!torrent) return c.text("Not Found", 404);
    const onDisk = downloadFiles(deps, torrent.hash);
    const meta = onDisk.length === 0 ? torrentFileContents(deps, torrent.hash) : null;
    return c.json(meta ? metadataFiles(torrent, meta, skippedFiles(torrent)) : files(torrent, onDisk));
  });

  endpoint(app, `${base}/torrents/add`, "action", async (c, p) => {
    const urls = p
      .all("urls")
      .flatMap((u) => u.split(/\r?\n/))
      .map((u) => u.trim())
      .filter((u) => u !== "");
    const uploads = await Promise.all(
      p.files("torrents").map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })),
    );
    if (urls.length === 0 && uploads.length === 0) return c.text("Fails.");
    const paused = parseBool(p.get("stopped")) ?? parseBool(p.get("paused"));
    const result = await addTorrents(deps, {
      urls,
      files: uploads,
      category: p.get("category"),
      savepath: p.get("savepath"),
      paused,
      tags: p.get("tags") ? [p.get("tags") as string] : [],
      rename: p.get("rename"),
      ratioLimit: parseNumber(p.get("ratioLimit")),
      seedingTimeLimit: parseNumber(p.get("seedingTimeLimit")),
      inactiveSeedingTimeLimit: parseNumber(p.get("inactiveSeedingTimeLimit")),
      top: parseBool(p.get("addToTopOfQueue")),
    });
    // qBittorrent 4.x: "Fails." only when nothing could be added.
    return c.text(result.added.length > 0 ? "Ok." : "Fails.");
  });

  const action = (path: string, act: (s: Selection, p: QbitParams) => unknown) =>
    endpoint(app, `${base}/torrents/${path}`, "action", (c, p) => {
      const s = selection(c, p);
      if (s instanceof Response) return s;
      act(s, p);
      return c.body(null, 200);
    });

  action("delete", (s, p) => deleteTorrents(deps, s, parseBool(p.get("deleteFiles")) ?? false));
  for (const name of ["pause", "stop"]) action(name, (s) => pauseTorrents(deps, s));
  for (const name of ["resume", "start"]) action(name, (s) => resumeTorrents(deps, s));
  action("topPrio", (s) => movePriority(deps, s, "top"));
  action("bottomPrio", (s) => movePriority(deps, s, "bottom"));
  action("increasePrio", (s) => movePriority(deps, s, "up"));
  action("decreasePrio", (s) => movePriority(deps, s, "down"));
  action("setForceStart", (s, p) => setForceStart(deps, s, parseBool(p.get("value")) ?? false));
  action("setShareLimits", (s, p) =>
    setShareLimits(deps, s, {
      ratioLimit: parseNumber(p.get("ratioLimit")),
      seedingTimeLimit: parseNumber(p.get("seedingTimeLimit")),
      inactiveSeedingTimeLimit: parseNumber(p.get("inactiveSeedingTimeLimit")),
    }),
  );
  action("addTags", (s, p) => addTagsTo(deps, s, [p.get("tags") ?? ""]));
  action("removeTags", (s, p) => removeTagsFrom(deps, s, p.get("tags") ? [p.get("tags") as string] : []));
  // Accepted and ignored: Redriva does not seed, and aria2c's own settings govern speed.
  for (const name of [
    "setUploadLimit",
    "setDownloadLimit",
    "setSuperSeeding",
    "recheck",
    "reannounce",
    "setAutoManagement",
  ])
    action(name, () => undefined);

  endpoint(app, `${base}/torrents/setCategory`, "action", (c, p) => {
    const s = selection(c, p);
    if (s instanceof Response) return s;
    setCategory(deps, s, p.get("category") ?? "");
    return c.body(null, 200);
  });
}
