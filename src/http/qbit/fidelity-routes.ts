import type { Deps } from "../../deps.ts";
import { renameTorrent, toggleFlag } from "../../services/downloads/control.ts";
import { setFilePriority } from "../../services/downloads/file-priority.ts";
import { setLocation } from "../../services/downloads/location.ts";
import { setGlobalLimit, storedPreferences } from "../../services/downloads/preferences.ts";
import { findDownload, listDownloads, torrentFileOf } from "../../services/downloads/queries.ts";
import { currentDownloadLimit, toggleAlternativeSpeed } from "../../services/downloads/speed-limit.ts";
import { statusText } from "../../services/downloads/status-text.ts";
import { addTrackers, editTracker, removeTrackers, trackerList } from "../../services/downloads/trackers.ts";
import type { App } from "../context.ts";
import { parseHashes, type QbitParams } from "./params.ts";
import { endpoint } from "./torrents.ts";

/**
 * The rest of WebAPI 2.8.19's torrents/*, sync/*, transfer/* and app/* endpoints: what clients
 * beyond the *arrs (web UIs, qbit_manage, cross-seed, autobrr) call. Each works, or answers the way
 * qBittorrent does when the feature is off (Redriva downloads over HTTP from a debrid service: it
 * has no peers, pieces, web seeds or BitTorrent port). README "qBittorrent API" lists them.
 */
export function registerFidelityRoutes(app: App, deps: Deps, base: string): void {
  const hashOf = (p: QbitParams) => p.get("hash")?.trim().toLowerCase() ?? "";
  const known = (p: QbitParams) => {
    const hash = hashOf(p);
    return hash === "" ? "missing" : (findDownload(deps, hash) ?? "unknown");
  };
  /** A read about one torrent: 400 without hash, 404 for an unknown one (qBittorrent's codes). */
  const perTorrent = (path: string, answer: (t: NonNullable<ReturnType<typeof findDownload>>) => unknown) =>
    endpoint(app, `${base}/${path}`, "read", (c, p) => {
      const t = known(p);
      if (t === "missing") return c.text("Bad Request: missing hash", 400);
      if (t === "unknown") return c.text("Not Found", 404);
      return c.json(answer(t));
    });

  perTorrent("torrents/trackers", (t) => {
    const msg = statusText(t);
    const special = ["** [DHT] **", "** [PeX] **", "** [LSD] **"].map((url) => ({
      url,
      status: 0,
      tier: "",
      num_peers: 0,
      num_seeds: 0,
      num_leeches: 0,
      num_downloaded: 0,
      msg: "Redriva downloads from a debrid service, not from peers",
    }));
    const trackers = trackerList(t).map((url, tier) => ({
      url,
      status: t.stage === "error" ? 4 : 1,
      tier,
      num_peers: 0,
      num_seeds: 0,
      num_leeches: 0,
      num_downloaded: 0,
      msg,
    }));
    return [...special, ...trackers];
  });
  perTorrent("torrents/webseeds", () => []);
  perTorrent("torrents/pieceStates", () => []);
  perTorrent("torrents/pieceHashes", () => []);

  let peersRid = 0;
  endpoint(app, `${base}/sync/torrentPeers`, "read", (c, p) => {
    const t = known(p);
    if (t === "missing") return c.text("Bad Request: missing hash", 400);
    if (t === "unknown") return c.text("Not Found", 404);
    peersRid++;
    return c.json({ full_update: true, rid: peersRid, peers: {}, show_flags: true });
  });

  endpoint(app, `${base}/torrents/export`, "read", (c, p) => {
    const t = known(p);
    if (t === "missing") return c.text("Bad Request: missing hash", 400);
    if (t === "unknown") return c.text("Not Found", 404);
    const bytes = torrentFileOf(deps, t.hash);
    if (!bytes) return c.text("Torrent's metadata has not yet downloaded", 409);
    return c.body(bytes as unknown as ArrayBuffer, 200, { "Content-Type": "application/x-bittorrent" });
  });

  endpoint(app, `${base}/torrents/addTrackers`, "action", (c, p) => {
    addTrackers(deps, hashOf(p), (p.get("urls") ?? "").split(/\r?\n/));
    return c.body(null, 200);
  });
  endpoint(app, `${base}/torrents/editTracker`, "action", (c, p) => {
    editTracker(deps, hashOf(p), p.get("origUrl") ?? "", p.get("newUrl") ?? "");
    return c.body(null, 200);
  });
  endpoint(app, `${base}/torrents/removeTrackers`, "action", (c, p) => {
    removeTrackers(deps, hashOf(p), (p.get("urls") ?? "").split("|"));
    return c.body(null, 200);
  });
  endpoint(app, `${base}/torrents/filePrio`, "action", (c, p) => {
    setFilePriority(deps, hashOf(p), (p.get("id") ?? "").split("|"), p.get("priority") ?? "");
    return c.body(null, 200);
  });
  endpoint(app, `${base}/torrents/rename`, "action", (c, p) => {
    if (!findDownload(deps, hashOf(p))) return c.text("Not Found", 404);
    renameTorrent(deps, hashOf(p), p.get("name") ?? "");
    return c.body(null, 200);
  });
  endpoint(app, `${base}/torrents/setLocation`, "action", async (c, p) => {
    const hashes = parseHashes(p.get("hashes"));
    if (hashes === undefined) return c.text("Bad Request: missing hashes", 400);
    await setLocation(deps, hashes, p.get("location") ?? "");
    return c.body(null, 200);
  });
  for (const [name, flag] of [
    ["toggleSequentialDownload", "seq_dl"],
    ["toggleFirstLastPiecePrio", "f_l_piece_prio"],
  ] as const) {
    endpoint(app, `${base}/torrents/${name}`, "action", (c, p) => {
      const hashes = parseHashes(p.get("hashes"));
      if (hashes === undefined) return c.text("Bad Request: missing hashes", 400);
      toggleFlag(deps, hashes, flag);
      return c.body(null, 200);
    });
  }

  // Per-torrent limits: Redriva has none (aria2c's global settings apply), so -1 like an unlimited torrent.
  for (const name of ["downloadLimit", "uploadLimit"])
    endpoint(app, `${base}/torrents/${name}`, "action", (c, p) => {
      const hashes = parseHashes(p.get("hashes"));
      if (hashes === undefined) return c.text("Bad Request: missing hashes", 400);
      const list =
        hashes === "all" ? listDownloads(deps) : hashes.flatMap((h) => findDownload(deps, h) ?? []);
      return c.json(Object.fromEntries(list.map((t) => [t.hash, -1])));
    });
  // No peers, no files renamed on a debrid download: qBittorrent's answers for what is not possible.
  endpoint(app, `${base}/torrents/addPeers`, "action", (c) => c.text("No valid peers were specified", 400));
  for (const name of ["renameFile", "renameFolder"])
    endpoint(app, `${base}/torrents/${name}`, "action", (c) =>
      c.text(
        "Redriva names files when it moves them into place; they cannot be renamed through the API",
        409,
      ),
    );
  endpoint(app, `${base}/torrents/setDownloadPath`, "action", (c) =>
    c.text("Redriva's incomplete folder is DOWNLOAD_INCOMPLETE_DIR; it cannot be set per torrent", 409),
  );

  // transfer/*: the download limit in force (schedule, alternative mode, client's, configured) and
  // the alternative mode as qBittorrent reports them; upload limits are kept; no peers to ban.
  const prefs = () => storedPreferences(deps);
  endpoint(app, `${base}/transfer/downloadLimit`, "read", (c) =>
    c.text(String(currentDownloadLimit(deps).limit)),
  );
  endpoint(app, `${base}/transfer/uploadLimit`, "read", (c) => c.text(String(prefs().up_limit ?? 0)));
  endpoint(app, `${base}/transfer/setDownloadLimit`, "action", (c, p) => {
    setGlobalLimit(deps, "dl_limit", p.get("limit"));
    return c.body(null, 200);
  });
  endpoint(app, `${base}/transfer/setUploadLimit`, "action", (c, p) => {
    setGlobalLimit(deps, "up_limit", p.get("limit"));
    return c.body(null, 200);
  });
  endpoint(app, `${base}/transfer/speedLimitsMode`, "read", (c) =>
    c.text(currentDownloadLimit(deps).alternative ? "1" : "0"),
  );
  endpoint(app, `${base}/transfer/toggleSpeedLimitsMode`, "action", (c) => {
    toggleAlternativeSpeed(deps);
    return c.body(null, 200);
  });
  endpoint(app, `${base}/transfer/banPeers`, "action", (c) => c.body(null, 200));

  // app/*: Redriva is a service; it is stopped by its supervisor, not by a client.
  endpoint(app, `${base}/app/shutdown`, "action", (c) =>
    c.text("Redriva does not shut down through the qBittorrent API; stop the service instead", 403),
  );
  endpoint(app, `${base}/app/networkInterfaceList`, "read", (c) => c.json([]));
  endpoint(app, `${base}/app/networkInterfaceAddressList`, "read", (c) => c.json([]));
}
