import type { IncomingMessage, ServerResponse } from "node:http";
import { hosterDownloadUrl, lookupHosterLink } from "../hoster.ts";
import type { FakeDebridState } from "../state.ts";
import { advance, type FakeReply, rdError, readForm } from "./model.ts";
import { infoJson, listItemJson } from "./wire.ts";

/**
 * Real-Debrid REST 1.0 as documented at https://api.real-debrid.com/: same paths, shapes, status
 * codes and error bodies. Mounted under /rest/1.0.
 */
export async function handleRealDebrid(
  state: FakeDebridState,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  url: URL,
): Promise<FakeReply> {
  const method = req.method ?? "GET";
  const { library } = state;

  if (method === "GET" && path === "/time")
    return { status: 200, text: new Date().toISOString().slice(0, 19).replace("T", " ") };

  // Every other method needs the token (header, or auth_token when a header is impossible).
  const header = req.headers.authorization ?? "";
  const token = header.startsWith("Bearer ") ? header.slice(7) : url.searchParams.get("auth_token");
  if (!token) return rdError(401, "bad_token", 8);
  if (token !== state.options.token) return rdError(401, "bad_token", 8);

  if (method === "GET" && path === "/user") {
    return {
      status: 200,
      json: {
        id: 4242,
        username: "demo-user",
        email: "demo@example.invalid",
        points: 1200,
        locale: "en",
        avatar: "https://fake.invalid/avatar.png",
        type: "premium",
        premium: 86_400 * 120,
        expiration: new Date(Date.now() + 86_400_000 * 120).toISOString(),
      },
    };
  }

  if (method === "GET" && path === "/traffic") {
    return {
      status: 200,
      json: {
        "real-debrid.com": { left: 2_000_000_000_000, type: "gigabytes", limit: 2000, reset: "daily" },
      },
    };
  }

  if (method === "GET" && path === "/torrents") {
    const limit = Number(url.searchParams.get("limit") ?? 100);
    if (!Number.isInteger(limit) || limit < 0 || limit > 5000) return rdError(400, "bad_parameter_value", 2);
    const pageParam = url.searchParams.get("page");
    const offsetParam = url.searchParams.get("offset");
    let offset = 0;
    // `page` wins when both are sent (documented).
    if (pageParam !== null) offset = (Math.max(1, Number(pageParam)) - 1) * limit;
    else if (offsetParam !== null) offset = Math.max(0, Number(offsetParam));
    let all = library.sorted();
    if (url.searchParams.get("filter") === "active") {
      all = all.filter((t) =>
        [
          "magnet_conversion",
          "waiting_files_selection",
          "queued",
          "downloading",
          "compressing",
          "uploading",
        ].includes(t.status),
      );
    }
    const slice = all.slice(offset, offset + limit);
    if (slice.length === 0) return { status: 204, headers: { "X-Total-Count": String(all.length) } };
    return {
      status: 200,
      headers: { "X-Total-Count": String(all.length) },
      json: slice.map((t) => listItemJson(t)),
    };
  }

  if (method === "GET" && path.startsWith("/torrents/info/")) {
    const torrent = library.torrents.get(decodeURIComponent(path.slice("/torrents/info/".length)));
    if (!torrent) return rdError(404, "unknown_ressource", 7);
    advance(state, torrent);
    return { status: 200, json: infoJson(torrent) };
  }

  if (method === "GET" && path === "/torrents/activeCount") {
    const nb = [...library.torrents.values()].filter((t) =>
      ["queued", "downloading", "compressing", "uploading"].includes(t.status),
    ).length;
    return { status: 200, json: { nb, limit: state.options.activeLimit } };
  }

  if (method === "GET" && path === "/torrents/availableHosts") {
    return { status: 200, json: [{ host: "real-debrid.com", max_file_size: 2000 }] };
  }

  if (method === "POST" && path === "/torrents/addMagnet") {
    const form = await readForm(req);
    const magnet = form.get("magnet");
    if (!magnet) return rdError(400, "parameter_missing", 1);
    const match = /xt=urn:btih:([a-z0-9]+)/i.exec(magnet);
    if (!match?.[1] || !(/^[a-f0-9]{40}$/i.test(match[1]) || /^[a-z2-7]{32}$/i.test(match[1]))) {
      return rdError(400, "parameter_invalid", 2);
    }
    const dn = new URL(magnet.replace(/^magnet:/, "magnet://x")).searchParams.get("dn");
    return state.addTorrent(match[1].toLowerCase(), dn ?? undefined);
  }

  if (method === "PUT" && path === "/torrents/addTorrent") {
    const body = await readBody(req);
    const parsed = state.parseTorrentFile(body);
    if (!parsed) return rdError(400, "torrent_file_invalid", 30);
    return state.addTorrent(parsed.hash, parsed.name);
  }

  if (method === "POST" && path.startsWith("/torrents/selectFiles/")) {
    const torrent = library.torrents.get(decodeURIComponent(path.slice("/torrents/selectFiles/".length)));
    if (!torrent) return rdError(404, "unknown_ressource", 7);
    const form = await readForm(req);
    const files = form.get("files");
    if (!files) return rdError(400, "parameter_missing", 1);
    if (torrent.status === "magnet_conversion") return rdError(404, "unknown_ressource", 7);
    if (torrent.status !== "waiting_files_selection") return rdError(202, "action_already_done", 31);
    const ids =
      files === "all" ? torrent.files.map((f) => f.id) : files.split(",").map((s) => Number(s.trim()));
    if (ids.length === 0 || ids.some((id) => !torrent.files.some((f) => f.id === id)))
      return rdError(404, "unknown_ressource", 7);
    for (const file of torrent.files) file.selected = ids.includes(file.id);
    state.selected(torrent);
    return { status: 204 };
  }

  if (method === "DELETE" && path.startsWith("/torrents/delete/")) {
    const removed = library.remove(decodeURIComponent(path.slice("/torrents/delete/".length)));
    return removed ? { status: 204 } : rdError(404, "unknown_ressource", 7);
  }

  if (method === "POST" && (path === "/unrestrict/link" || path === "/unrestrict/check")) {
    const form = await readForm(req);
    const link = form.get("link");
    if (!link) return rdError(400, "parameter_missing", 1);
    const linkId = /\/d\/([A-Z2-7]{13})/.exec(link)?.[1];
    if (!linkId) return unrestrictHosterLink(state, link, path === "/unrestrict/check");
    const target = linkId ? library.links.get(linkId) : undefined;
    const torrent = target ? library.torrents.get(target.torrentId) : undefined;
    const file = torrent?.files.find((f) => f.id === target?.fileId);
    if (!torrent || !file || torrent.status === "dead" || state.deadLinks.has(linkId as string)) {
      return rdError(503, "file_unavailable", 24);
    }
    const filename = file.path.split("/").pop() ?? "file";
    if (path === "/unrestrict/check") {
      return {
        status: 200,
        json: { host: "real-debrid.com", link, filename, filesize: file.bytes, supported: 1 },
      };
    }
    const download = `${state.baseUrl}/dl/${state.issueDownloadToken(file.key, file.bytes, filename)}/${encodeURIComponent(filename)}`;
    return {
      status: 200,
      json: {
        id: linkId,
        filename,
        mimeType: "video/x-matroska",
        filesize: file.bytes,
        link,
        host: "real-debrid.com",
        chunks: 32,
        crc: 1,
        download,
        streamable: 1,
      },
    };
  }

  if (method === "GET" && path === "/downloads") return { status: 204 };

  void res;
  return rdError(404, "unknown_method", 3);
}

/**
 * A file host's link: the unrestrict object of the doc; a host Real-Debrid does not support is
 * code 16 and a file the host no longer has code 24 (both 503, as unrestrict errors come).
 */
function unrestrictHosterLink(state: FakeDebridState, link: string, checkOnly: boolean): FakeReply {
  const found = lookupHosterLink(state, link);
  if (found.kind === "unsupported") return rdError(503, "hoster_unsupported", 16);
  if (found.kind === "unavailable") return rdError(503, "file_unavailable", 24);
  const { file, host } = found;
  if (checkOnly)
    return { status: 200, json: { host, link, filename: file.name, filesize: file.bytes, supported: 1 } };
  return {
    status: 200,
    json: {
      id: found.id.slice(0, 13).toUpperCase(),
      filename: file.name,
      mimeType: "application/octet-stream",
      filesize: file.bytes,
      link,
      host,
      chunks: 16,
      crc: 1,
      download: hosterDownloadUrl(state, file),
      streamable: 0,
    },
  };
}

function readBody(req: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on("error", reject);
  });
}
