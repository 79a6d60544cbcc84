import type { IncomingMessage, ServerResponse } from "node:http";
import { normalizeInfoHash, parseMagnet } from "../../domain/magnet.ts";
import type {
  DlAccount,
  DlEnvelope,
  DlFile,
  DlPagination,
  DlTorrent,
} from "../../providers/debridlink/wire.ts";
import type { FakeTorrent } from "../library.ts";
import type { FakeReply } from "../realdebrid/model.ts";
import type { FakeDebridState } from "../state.ts";
import { debridLinkAccount, type FakeDebridLinkAccount } from "./account.ts";

/** Where the fake answers: its API base is `${url}${DL_FAKE_BASE}`. */
export const DL_FAKE_BASE = "/debrid-link/api/v2";

interface Params {
  values: URLSearchParams;
  files: Blob[];
}

/**
 * Debrid-Link API v2 as documented (https://debrid-link.com/api_doc/v2/introduction): Bearer key,
 * `{success: true, value, pagination}` answers, `{success: false, error}` failures, seedbox
 * torrents in Transmission's statuses with direct `downloadUrl`s, `floodDetected` past the limit.
 * Mounted under /debrid-link/api/v2 (the path prefix is configurable in Redriva).
 */
export async function handleDebridLink(
  state: FakeDebridState,
  req: IncomingMessage,
  _res: ServerResponse,
  path: string,
  url: URL,
): Promise<FakeReply> {
  const account = debridLinkAccount(state);
  // The window counts every request, refused ones included, like the other fakes.
  if (!account.window.admit()) return fail("floodDetected", 429);
  const params = await readParams(req, url);
  const header = req.headers.authorization ?? "";
  const key = header.startsWith("Bearer ") ? header.slice(7) : "";
  if (key !== account.apiKey) return fail("badToken", 401);
  const method = req.method ?? "GET";
  if (method === "GET" && path === "/account/infos") return accountInfos();
  if (method === "GET" && path === "/seedbox/list") return seedboxList(account, params.values);
  if (method === "POST" && path === "/seedbox/add") return seedboxAdd(account, params);
  const remove = /^\/seedbox\/([^/]+)\/remove$/.exec(path);
  if (method === "DELETE" && remove) return seedboxRemove(account, decodeURIComponent(remove[1] ?? ""));
  return fail("unknowR", 404);
}

function ok(value: unknown, pagination?: DlPagination): FakeReply {
  return { status: 200, json: pagination ? { success: true, value, pagination } : { success: true, value } };
}

/** Failures: 401 for the token, 429 for floods, 5xx for internal errors, 400 otherwise. */
function fail(error: string, status = 400): FakeReply {
  const json: DlEnvelope<never> = { success: false, error };
  return { status, json };
}

function accountInfos(): FakeReply {
  const value: DlAccount = {
    username: "demo-user",
    email: "demo@example.invalid",
    accountType: 1,
    premiumLeft: 86_400 * 90,
    pts: 120,
    trafficshare: 0,
  };
  return ok(value);
}

const STATUS: Record<string, number> = { metadata: 4, downloading: 4, complete: 6, stopped: 0 };

/** A fake torrent in Debrid-Link's JSON; files and size stay empty until the metadata is known. */
function torrentJson(account: FakeDebridLinkAccount, torrent: FakeTorrent): DlTorrent {
  const meta = account.meta.get(torrent.id);
  const { phase, outcome } = account.view(torrent);
  const known = phase !== "metadata";
  const done = phase === "done";
  const complete = done && outcome === "complete";
  const percent = complete ? 100 : done ? 40 : phase === "downloading" ? 50 : 0;
  const error = done && outcome === "trackerError" ? 2 : done && outcome === "localError" ? 3 : 0;
  const files: DlFile[] = known
    ? torrent.files.map((f) => ({
        id: `${torrent.id}-${f.id}`,
        name: f.path.replace(/^\/+/, ""),
        downloadUrl: complete ? account.downloadUrl(torrent, f.id) : "",
        size: f.bytes,
        downloadPercent: percent,
      }))
    : [];
  return {
    id: torrent.id,
    name: known ? torrent.filename : torrent.hash,
    hashString: torrent.hash.toUpperCase(),
    uploadRatio: 0,
    serverId: "fake01",
    wait: false,
    peersConnected: done ? 0 : 12,
    status: done ? (STATUS[outcome] ?? 0) : 4,
    error,
    errorString:
      error === 2 ? "Tracker gave an error: unregistered torrent" : error === 3 ? "Local error" : "",
    totalSize: known ? torrent.files.reduce((sum, f) => sum + f.bytes, 0) : 0,
    files,
    trackers: [],
    isZip: false,
    created: meta?.created ?? Math.floor(Date.parse(torrent.added) / 1000),
    downloadPercent: percent,
    downloadSpeed: done ? 0 : 25_000_000,
    uploadSpeed: 0,
  };
}

/** GET /seedbox/list: by `ids` (comma separated), or pages of `perPage` (20-100), newest first. */
function seedboxList(account: FakeDebridLinkAccount, values: URLSearchParams): FakeReply {
  const ids = values.get("ids");
  if (ids !== null) {
    const value = ids
      .split(",")
      .map((id) => account.library.torrents.get(id.trim()))
      .filter((t): t is FakeTorrent => t !== undefined)
      .map((t) => {
        account.advance(t);
        return torrentJson(account, t);
      });
    return ok(value);
  }
  const perPage = Number(values.get("perPage") ?? 20);
  const page = Number(values.get("page") ?? 0);
  if (!Number.isInteger(perPage) || perPage < 20 || perPage > 100 || !Number.isInteger(page) || page < 0) {
    return fail("badArguments");
  }
  const all = account.library.sorted();
  const pages = Math.max(1, Math.ceil(all.length / perPage));
  const value = all.slice(page * perPage, (page + 1) * perPage).map((t) => {
    account.advance(t);
    return torrentJson(account, t);
  });
  const next = page + 1 < pages ? page + 1 : -1;
  return ok(value, { page, pages, next, previous: page > 0 ? page - 1 : -1 });
}

/** POST /seedbox/add: `url` (magnet, hash or .torrent URL) or a multipart `file`. */
async function seedboxAdd(account: FakeDebridLinkAccount, { values, files }: Params): Promise<FakeReply> {
  let hash: string | null = null;
  let name: string | null = null;
  const file = files[0];
  if (file) {
    const parsed = account.state.parseTorrentFile(new Uint8Array(await file.arrayBuffer()));
    if (!parsed) return fail("notAddTorrent");
    hash = parsed.hash;
    name = parsed.name;
  } else {
    const input = (values.get("url") ?? "").trim();
    if (!input) return fail("badArguments");
    const magnet = parseMagnet(input);
    hash = magnet?.hash ?? normalizeInfoHash(input);
    name = magnet?.name ?? null;
    if (!hash) return fail("notAddTorrent");
  }
  const script = account.script(hash);
  if (account.failsThisTime(hash, script))
    return fail(script?.addError ?? "notAddTorrent", script?.addErrorHttp);
  if (account.library.torrents.size >= account.torrentLimit) return fail("maxTorrent");
  const torrent = account.add(hash, name);
  return ok(torrentJson(account, torrent));
}

/** DELETE /seedbox/{ids}/remove: the ids removed. */
function seedboxRemove(account: FakeDebridLinkAccount, ids: string): FakeReply {
  const removed = ids.split(",").filter((id) => account.remove(id.trim()));
  if (removed.length === 0) return fail("badId");
  return ok(removed);
}

/** Query and body together (JSON, form or multipart). */
async function readParams(req: IncomingMessage, url: URL): Promise<Params> {
  const values = new URLSearchParams(url.searchParams);
  const files: Blob[] = [];
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return { values, files };
  const body = Buffer.concat(chunks);
  const type = req.headers["content-type"] ?? "";
  if (type.startsWith("multipart/form-data")) {
    const form = await new Response(body, { headers: { "content-type": type } }).formData();
    for (const [name, value] of form.entries()) {
      if (typeof value === "string") values.append(name, value);
      else if (name === "file") files.push(value);
    }
  } else if (type.startsWith("application/json")) {
    const json = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
    for (const [name, value] of Object.entries(json)) values.append(name, String(value));
  } else {
    for (const [name, value] of new URLSearchParams(body.toString("utf8"))) values.append(name, value);
  }
  return { values, files };
}
