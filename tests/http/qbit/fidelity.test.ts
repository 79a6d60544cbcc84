import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { buildMagnet } from "../../../src/domain/magnet.ts";
import { buildTorrentFile, parseTorrentFile } from "../../../src/domain/torrent-file.ts";
import { createApp } from "../../../src/http/app.ts";
import { randomHash, startPipeline, waitFor } from "../../helpers/downloads.ts";
import { ArrQbitClient } from "../../helpers/qbit-client.ts";
import { QBIT_CREDS, startQbitServer } from "../../helpers/qbit-server.ts";

/** Issue 12 §16-18: what clients beyond the *arrs call, over real HTTP. */

/** Every torrents/*, transfer/*, sync/* and app/* endpoint of WebAPI 2.8.19, with its method. */
const WEBAPI_2_8_19: Array<[string, "GET" | "POST"]> = [
  ["app/version", "GET"],
  ["app/webapiVersion", "GET"],
  ["app/buildInfo", "GET"],
  ["app/shutdown", "POST"],
  ["app/preferences", "GET"],
  ["app/setPreferences", "POST"],
  ["app/defaultSavePath", "GET"],
  ["app/networkInterfaceList", "GET"],
  ["app/networkInterfaceAddressList", "GET"],
  ["sync/maindata", "GET"],
  ["sync/torrentPeers", "GET"],
  ["transfer/info", "GET"],
  ["transfer/speedLimitsMode", "GET"],
  ["transfer/toggleSpeedLimitsMode", "POST"],
  ["transfer/downloadLimit", "GET"],
  ["transfer/setDownloadLimit", "POST"],
  ["transfer/uploadLimit", "GET"],
  ["transfer/setUploadLimit", "POST"],
  ["transfer/banPeers", "POST"],
  ["torrents/info", "GET"],
  ["torrents/properties", "GET"],
  ["torrents/trackers", "GET"],
  ["torrents/webseeds", "GET"],
  ["torrents/files", "GET"],
  ["torrents/pieceStates", "GET"],
  ["torrents/pieceHashes", "GET"],
  ["torrents/pause", "POST"],
  ["torrents/resume", "POST"],
  ["torrents/delete", "POST"],
  ["torrents/recheck", "POST"],
  ["torrents/reannounce", "POST"],
  ["torrents/editTracker", "POST"],
  ["torrents/removeTrackers", "POST"],
  ["torrents/addPeers", "POST"],
  ["torrents/add", "POST"],
  ["torrents/addTrackers", "POST"],
  ["torrents/increasePrio", "POST"],
  ["torrents/decreasePrio", "POST"],
  ["torrents/topPrio", "POST"],
  ["torrents/bottomPrio", "POST"],
  ["torrents/filePrio", "POST"],
  ["torrents/downloadLimit", "POST"],
  ["torrents/setDownloadLimit", "POST"],
  ["torrents/setShareLimits", "POST"],
  ["torrents/uploadLimit", "POST"],
  ["torrents/setUploadLimit", "POST"],
  ["torrents/setLocation", "POST"],
  ["torrents/setDownloadPath", "POST"],
  ["torrents/rename", "POST"],
  ["torrents/setCategory", "POST"],
  ["torrents/categories", "GET"],
  ["torrents/createCategory", "POST"],
  ["torrents/editCategory", "POST"],
  ["torrents/removeCategories", "POST"],
  ["torrents/addTags", "POST"],
  ["torrents/removeTags", "POST"],
  ["torrents/tags", "GET"],
  ["torrents/createTags", "POST"],
  ["torrents/deleteTags", "POST"],
  ["torrents/setAutoManagement", "POST"],
  ["torrents/toggleSequentialDownload", "POST"],
  ["torrents/toggleFirstLastPiecePrio", "POST"],
  ["torrents/setForceStart", "POST"],
  ["torrents/setSuperSeeding", "POST"],
  ["torrents/renameFile", "POST"],
  ["torrents/renameFolder", "POST"],
  ["torrents/export", "GET"],
];

const TRACKERS = ["udp://tracker.one.invalid:1337/announce", "https://tracker.two.invalid/announce"];

function magnetWithTrackers(hash: string, name: string): string {
  return `${buildMagnet(hash, name)}${TRACKERS.map((t) => `&tr=${encodeURIComponent(t)}`).join("")}`;
}

describe("every WebAPI 2.8.19 endpoint answers (none 404s, none 500s)", () => {
  test("each endpoint, called with a known hash, answers neither 404 nor 5xx", async () => {
    await using s = startQbitServer();
    const hash = randomHash();
    await s.sonarr.call("POST", "torrents/add", { form: { urls: magnetWithTrackers(hash, "Any") } });
    const problems: string[] = [];
    for (const [path, method] of WEBAPI_2_8_19) {
      if (path === "app/shutdown" || path === "torrents/delete") continue; // checked below
      const params = { hash, hashes: hash, category: "c", tags: "t", urls: "", limit: "0", json: "{}" };
      const res =
        method === "GET"
          ? await s.sonarr.call("GET", path, { query: params })
          : await s.sonarr.call("POST", path, { form: params });
      if (res.status === 404 || res.status >= 500) problems.push(`${method} ${path} → ${res.status}`);
    }
    expect(problems).toEqual([]);
    const shutdown = await s.sonarr.call("POST", "app/shutdown");
    expect(shutdown.status).toBe(403);
    expect(await (await s.sonarr.call("GET", "torrents/count")).text()).toBe("1");
  });
});

describe("trackers, peers, flags", () => {
  test("torrents/trackers lists the magnet's trackers with Redriva's state in msg; add/edit/remove stick", async () => {
    await using s = startQbitServer();
    const hash = randomHash();
    await s.sonarr.call("POST", "torrents/add", {
      form: { urls: magnetWithTrackers(hash, "Tracked"), paused: "True" },
    });
    const read = async () =>
      (await (await s.sonarr.call("GET", "torrents/trackers", { query: { hash } })).json()) as Array<{
        url: string;
        msg: string;
        status: number;
      }>;
    const list = await read();
    expect(list.slice(0, 3).map((t) => t.url)).toEqual(["** [DHT] **", "** [PeX] **", "** [LSD] **"]);
    expect(list.slice(3).map((t) => t.url)).toEqual(TRACKERS);
    expect(list[3]?.msg).toBe("Redriva: paused");
    const [info] = (await (
      await s.sonarr.call("GET", "torrents/info", { query: { hashes: hash } })
    ).json()) as Array<{
      trackers_count: number;
    }>;
    expect(info?.trackers_count).toBe(2);

    const extra = "http://tracker.three.invalid/announce";
    expect(
      (await s.sonarr.call("POST", "torrents/addTrackers", { form: { hash, urls: extra } })).status,
    ).toBe(200);
    const edited = "http://tracker.four.invalid/announce";
    const edit = await s.sonarr.call("POST", "torrents/editTracker", {
      form: { hash, origUrl: extra, newUrl: edited },
    });
    expect(edit.status).toBe(200);
    const missing = await s.sonarr.call("POST", "torrents/editTracker", {
      form: { hash, origUrl: extra, newUrl: "http://x.invalid/a" },
    });
    expect(missing.status).toBe(409);
    const remove = await s.sonarr.call("POST", "torrents/removeTrackers", {
      form: { hash, urls: `${TRACKERS[0]}|${TRACKERS[1]}` },
    });
    expect(remove.status).toBe(200);
    expect((await read()).slice(3).map((t) => t.url)).toEqual([edited]);
    const none = await s.sonarr.call("POST", "torrents/removeTrackers", {
      form: { hash, urls: TRACKERS[0] as string },
    });
    expect(none.status).toBe(409);
    const unknown = await s.sonarr.call("GET", "torrents/trackers", { query: { hash: randomHash() } });
    expect(unknown.status).toBe(404);
  });

  test("sync/torrentPeers answers qBittorrent's shape with no peers", async () => {
    await using s = startQbitServer();
    const hash = randomHash();
    await s.sonarr.call("POST", "torrents/add", { form: { urls: buildMagnet(hash, "x") } });
    const first = (await (
      await s.sonarr.call("GET", "sync/torrentPeers", { query: { hash, rid: "0" } })
    ).json()) as {
      full_update: boolean;
      rid: number;
      peers: object;
    };
    expect(first).toMatchObject({ full_update: true, peers: {} });
    expect(Number.isInteger(first.rid)).toBe(true);
    expect((await s.sonarr.call("GET", "sync/torrentPeers", { query: { hash: randomHash() } })).status).toBe(
      404,
    );
  });

  test("toggleSequentialDownload and toggleFirstLastPiecePrio stick (seq_dl, f_l_piece_prio)", async () => {
    await using s = startQbitServer();
    const hash = randomHash();
    await s.sonarr.call("POST", "torrents/add", { form: { urls: buildMagnet(hash, "x") } });
    const flags = async () => {
      const [t] = (await (
        await s.sonarr.call("GET", "torrents/info", { query: { hashes: hash } })
      ).json()) as Array<{
        seq_dl: boolean;
        f_l_piece_prio: boolean;
      }>;
      return { seq_dl: t?.seq_dl, f_l_piece_prio: t?.f_l_piece_prio };
    };
    expect(await flags()).toEqual({ seq_dl: false, f_l_piece_prio: false });
    await s.sonarr.call("POST", "torrents/toggleSequentialDownload", { form: { hashes: hash } });
    expect(await flags()).toEqual({ seq_dl: true, f_l_piece_prio: false });
    await s.sonarr.call("POST", "torrents/toggleFirstLastPiecePrio", { form: { hashes: hash } });
    await s.sonarr.call("POST", "torrents/toggleSequentialDownload", { form: { hashes: hash } });
    expect(await flags()).toEqual({ seq_dl: false, f_l_piece_prio: true });
    for (const hashes of [hash, "all"]) {
      const limits = await s.sonarr.call("POST", "torrents/downloadLimit", { form: { hashes } });
      expect(await limits.json()).toEqual({ [hash]: -1 });
    }
  });
});

describe("preferences", () => {
  test("app/preferences has qBittorrent's defaults for the fields other clients read", async () => {
    await using s = startQbitServer();
    const prefs = (await (await s.sonarr.call("GET", "app/preferences")).json()) as Record<string, unknown>;
    expect(prefs).toMatchObject({
      listen_port: 8999,
      random_port: false,
      max_connec: 500,
      max_uploads: 20,
      max_uploads_per_torrent: 4,
      announce_ip: "",
      dl_limit: 0,
      up_limit: 0,
    });
  });

  test("app/setPreferences is applied (save path, limits), persisted and read back; the contract fields stay", async () => {
    await using s = startQbitServer();
    const dir = s.deps.config.downloads.dir;
    const set = await s.sonarr.call("POST", "app/setPreferences", {
      form: {
        json: JSON.stringify({
          save_path: join(dir, "elsewhere"),
          dl_limit: 1048576,
          up_limit: 1024,
          max_ratio_act: 1,
          autorun_enabled: true,
        }),
      },
    });
    expect(set.status).toBe(200);
    // Read back through a fresh app over the same database: what was set is stored, not held in memory.
    const app = createApp(s.deps);
    const again = new ArrQbitClient((r) => app.request(r), "http://localhost:6500", QBIT_CREDS);
    const prefs = (await (await again.call("GET", "app/preferences")).json()) as Record<string, unknown>;
    expect(prefs).toMatchObject({
      save_path: join(dir, "elsewhere"),
      dl_limit: 1048576,
      up_limit: 1024,
      max_ratio_act: 0,
      autorun_enabled: true,
    });
    expect(await (await again.call("GET", "transfer/downloadLimit")).text()).toBe("1048576");
    expect(await (await again.call("GET", "app/defaultSavePath")).text()).toBe(join(dir, "elsewhere"));
    const hash = randomHash();
    await again.call("POST", "torrents/add", { form: { urls: buildMagnet(hash, "x") } });
    const [t] = (await (
      await again.call("GET", "torrents/info", { query: { hashes: hash } })
    ).json()) as Array<{
      save_path: string;
    }>;
    expect(t?.save_path).toBe(join(dir, "elsewhere"));
    const outside = await s.sonarr.call("POST", "app/setPreferences", {
      form: { json: JSON.stringify({ save_path: "/etc" }) },
    });
    expect(outside.status).toBe(400);
    const broken = await s.sonarr.call("POST", "app/setPreferences", { form: { json: "{not json" } });
    expect(broken.status).toBe(400);
  });
});

describe("an uploaded .torrent is known before any download", () => {
  test("files, comment, creation date and content_path at once", async () => {
    await using s = startQbitServer();
    const bytes = withCommentAndDate(
      buildTorrentFile("Show.S02", [
        { path: "E01.mkv", length: 3000 },
        { path: "Subs/E02.mkv", length: 4000 },
      ]),
    );
    const hash = parseTorrentFile(bytes)?.hash as string;
    const add = await s.sonarr.call("POST", "torrents/add", {
      multipart: [
        { name: "torrents", filename: "s.torrent", bytes },
        { name: "paused", value: "True" },
      ],
    });
    expect(await add.text()).toBe("Ok.");
    const files = (await (
      await s.sonarr.call("GET", "torrents/files", { query: { hash } })
    ).json()) as Array<{
      index: number;
      name: string;
      size: number;
      priority: number;
    }>;
    expect(files).toMatchObject([
      { index: 0, name: "Show.S02/E01.mkv", size: 3000, priority: 1 },
      { index: 1, name: "Show.S02/Subs/E02.mkv", size: 4000, priority: 1 },
    ]);
    const props = (await (await s.sonarr.call("GET", "torrents/properties", { query: { hash } })).json()) as {
      comment: string;
      creation_date: number;
      save_path: string;
      piece_size: number;
      pieces_num: number;
    };
    expect(props.comment).toBe("uploaded with a comment");
    expect(props.creation_date).toBe(1_500_000_000);
    expect(props).toMatchObject({ piece_size: 262144, pieces_num: 1 });
    const [t] = (await (
      await s.sonarr.call("GET", "torrents/info", { query: { hashes: hash } })
    ).json()) as Array<{
      content_path: string;
      save_path: string;
    }>;
    expect(t?.content_path).toBe(join(t?.save_path as string, "Show.S02"));
  });
});

/** Adds `comment` and `creation date` to a .torrent built by buildTorrentFile (keys stay sorted). */
function withCommentAndDate(bytes: Uint8Array): Uint8Array {
  const text = Buffer.from(bytes).toString("latin1");
  const extra = "7:comment23:uploaded with a comment13:creation datei1500000000e";
  return Buffer.from(
    `d${text.slice(1, text.indexOf("4:info"))}${extra}${text.slice(text.indexOf("4:info"))}`,
    "latin1",
  );
}

describe("file priorities and location, through the real pipeline", () => {
  test(
    "filePrio 0 leaves a file out at the provider; after the choice it is refused; setLocation moves finished files",
    async () => {
      await using p = await startPipeline({
        env: { REDRIVA_USERNAME: QBIT_CREDS.username, REDRIVA_PASSWORD: QBIT_CREDS.password },
      });
      const server = Bun.serve({
        port: 0,
        hostname: "127.0.0.1",
        fetch: createApp(p.deps).fetch,
        idleTimeout: 0,
      });
      try {
        const c = new ArrQbitClient((r) => fetch(r), `http://127.0.0.1:${server.port}`, QBIT_CREDS);
        const bytes = buildTorrentFile("Pair.S01", [
          { path: "Pair.S01/Pair.S01E01.mkv", length: 300_000 },
          { path: "Pair.S01/Pair.S01E02.mkv", length: 400_000 },
        ]);
        const hash = parseTorrentFile(bytes)?.hash as string;
        await c.call("POST", "torrents/add", {
          multipart: [
            { name: "torrents", filename: "pair.torrent", bytes },
            { name: "paused", value: "True" },
          ],
        });
        expect(
          (await c.call("POST", "torrents/filePrio", { form: { hash, id: "1", priority: "3" } })).status,
        ).toBe(400);
        expect(
          (await c.call("POST", "torrents/filePrio", { form: { hash, id: "9", priority: "0" } })).status,
        ).toBe(409);
        expect(
          (await c.call("POST", "torrents/filePrio", { form: { hash, id: "1", priority: "0" } })).status,
        ).toBe(200);
        const magnetHash = randomHash();
        await c.call("POST", "torrents/add", {
          form: { urls: buildMagnet(magnetHash, "m"), paused: "True" },
        });
        const noMeta = await c.call("POST", "torrents/filePrio", {
          form: { hash: magnetHash, id: "0", priority: "0" },
        });
        expect(noMeta.status).toBe(409);

        await c.call("POST", "torrents/resume", { form: { hashes: hash } });
        const done = await waitFor(
          async () => {
            const [t] = (await (
              await c.call("GET", "torrents/info", { query: { hashes: hash } })
            ).json()) as Array<{
              state: string;
              content_path: string;
              size: number;
            }>;
            return t?.state === "pausedUP" ? t : null;
          },
          { timeoutMs: 25_000, what: "the torrent to finish" },
        );
        expect(done.size).toBe(300_000);
        const onDisk = (await (await c.call("GET", "torrents/files", { query: { hash } })).json()) as Array<{
          name: string;
        }>;
        expect(onDisk.map((f) => f.name.split("/").pop())).toEqual(["Pair.S01E01.mkv"]);
        const late = await c.call("POST", "torrents/filePrio", { form: { hash, id: "1", priority: "1" } });
        expect(late.status).toBe(409);

        const outside = await c.call("POST", "torrents/setLocation", {
          form: { hashes: hash, location: "/tmp" },
        });
        expect(outside.status).toBe(400);
        const target = join(p.downloadDir, "archive");
        const moved = await c.call("POST", "torrents/setLocation", {
          form: { hashes: hash, location: target },
        });
        expect(moved.status).toBe(200);
        const [after] = (await (
          await c.call("GET", "torrents/info", { query: { hashes: hash } })
        ).json()) as Array<{
          save_path: string;
          content_path: string;
        }>;
        expect(after?.save_path).toBe(target);
        expect(after?.content_path.startsWith(`${target}/`)).toBe(true);
        expect(existsSync(after?.content_path as string)).toBe(true);
        expect(existsSync(done.content_path)).toBe(false);
      } finally {
        await server.stop(true);
      }
    },
    { timeout: 40_000 },
  );
});

describe("global limits reach aria2c", () => {
  test(
    "transfer/setDownloadLimit and app/setPreferences dl_limit set aria2c's max-overall-download-limit",
    async () => {
      await using p = await startPipeline({
        env: { REDRIVA_USERNAME: QBIT_CREDS.username, REDRIVA_PASSWORD: QBIT_CREDS.password },
      });
      const server = Bun.serve({
        port: 0,
        hostname: "127.0.0.1",
        fetch: createApp(p.deps).fetch,
        idleTimeout: 0,
      });
      try {
        const c = new ArrQbitClient((r) => fetch(r), `http://127.0.0.1:${server.port}`, QBIT_CREDS);
        // aria2c may still be starting, and the reconciler ticks on its own: wait for the value.
        const aria2Limit = (wanted: string) =>
          waitFor(
            async () => {
              await p.runtime.tick();
              const options =
                await p.runtime.engine.aria2.call<Record<string, string>>("aria2.getGlobalOption");
              return options["max-overall-download-limit"] === wanted;
            },
            { what: `aria2c's max-overall-download-limit to be ${wanted}` },
          );
        await aria2Limit("0");
        await c.call("POST", "transfer/setDownloadLimit", { form: { limit: "1048576" } });
        await aria2Limit("1048576");
        await c.call("POST", "app/setPreferences", { form: { json: JSON.stringify({ dl_limit: 2048000 }) } });
        await aria2Limit("2048000");
        await c.call("POST", "transfer/setDownloadLimit", { form: { limit: "0" } });
        await aria2Limit("0");
      } finally {
        await server.stop(true);
      }
    },
    { timeout: 40_000 },
  );
});
