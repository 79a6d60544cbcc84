import type { IncomingMessage, ServerResponse } from "node:http";
import { normalizeInfoHash, parseMagnet } from "../../domain/magnet.ts";
import type { FakeReply } from "../realdebrid/model.ts";
import type { FakeDebridState } from "../state.ts";
import { type FakeTorBoxAccount, torBoxAccount } from "./account.ts";
import { detail, ok, tbFail, torrentJson } from "./wire.ts";

interface Params {
  values: URLSearchParams;
  files: Blob[];
  json: Record<string, unknown> | null;
}

const AUTH_ID = "fake-auth-id";
const PAGE_MAX = 1000;

/**
 * TorBox API v1 as documented at https://api-docs.torbox.app/, mounted under /v1/api:
 * `{success, error, detail, data}` bodies, 403 for auth, 400 for the client's mistakes, 404 for
 * unknown items, 429 past 300 requests a minute (every endpoint) or past createtorrent's 60 an
 * hour / 10 a minute. Both windows count refused requests too.
 */
export async function handleTorBox(
  state: FakeDebridState,
  req: IncomingMessage,
  _res: ServerResponse,
  path: string,
  url: URL,
): Promise<FakeReply> {
  const account = torBoxAccount(state);
  const route = path.replace(/^\/v1\/api/, "");
  const underGeneral = account.general.admit();
  const isCreate = route === "/torrents/createtorrent";
  const underCreate = !isCreate || (account.createHourly.admit() && account.createEdge.admit());
  if (!underGeneral || !underCreate) {
    return {
      ...tbFail(429, null, "Too many requests. Please slow down."),
      headers: { "Retry-After": isCreate && underGeneral ? "60" : "1" },
    };
  }
  const params = await readParams(req, url);
  const header = req.headers.authorization ?? "";
  const key = header.startsWith("Bearer ") ? header.slice(7) : params.values.get("token");
  if (!key) return tbFail(403, "NO_AUTH", detail("NO_AUTH"));
  if (key !== account.apiKey) return tbFail(403, "BAD_TOKEN", detail("BAD_TOKEN"));
  const handler = ROUTES[`${req.method} ${route}`];
  if (!handler) return tbFail(404, "ENDPOINT_NOT_FOUND", detail("ENDPOINT_NOT_FOUND"));
  return handler(account, params);
}

type Route = (account: FakeTorBoxAccount, params: Params) => FakeReply | Promise<FakeReply>;

const ROUTES: Record<string, Route> = {
  "GET /user/me": userMe,
  "GET /torrents/mylist": myList,
  "POST /torrents/createtorrent": createTorrent,
  "POST /torrents/controltorrent": controlTorrent,
  "GET /torrents/requestdl": requestDl,
  "GET /torrents/checkcached": checkCached,
};

function userMe(): FakeReply {
  return ok({
    id: 1,
    auth_id: AUTH_ID,
    created_at: "2024-01-01T00:00:00Z",
    updated_at: new Date().toISOString(),
    plan: 2,
    total_downloaded: 0,
    customer: "cus_fake",
    is_subscribed: true,
    premium_expires_at: new Date(Date.now() + 90 * 86_400_000).toISOString(),
    cooldown_until: null,
    email: "demo@example.invalid",
    user_referral: "fake",
    base_email: "demo@example.invalid",
  });
}

function myList(account: FakeTorBoxAccount, { values }: Params): FakeReply {
  const id = values.get("id");
  if (id !== null) {
    const torrent = account.find(id);
    if (!torrent) return tbFail(404, "ITEM_NOT_FOUND", detail("ITEM_NOT_FOUND"));
    account.advance(torrent);
    return ok(torrentJson(torrent, id, account.metaOf(torrent), AUTH_ID));
  }
  const offset = Math.max(0, Number(values.get("offset") ?? 0) || 0);
  const limit = Math.min(PAGE_MAX, Math.max(1, Number(values.get("limit") ?? PAGE_MAX) || PAGE_MAX));
  const page = account.library.sorted().slice(offset, offset + limit);
  const out = [];
  for (const torrent of page) {
    account.advance(torrent);
    out.push(torrentJson(torrent, account.idOf(torrent), account.metaOf(torrent), AUTH_ID));
  }
  return ok(out);
}

async function createTorrent(account: FakeTorBoxAccount, { values, files }: Params): Promise<FakeReply> {
  const magnet = values.get("magnet");
  const file = files[0];
  if ((magnet ? 1 : 0) + (file ? 1 : 0) !== 1)
    return tbFail(400, "MISSING_REQUIRED_OPTION", detail("MISSING_REQUIRED_OPTION"));
  let hash: string | null = null;
  let name: string | null = null;
  if (magnet) {
    const parsed = parseMagnet(magnet);
    hash = parsed?.hash ?? normalizeInfoHash(magnet);
    name = parsed?.name ?? null;
    if (!hash) return tbFail(400, "INVALID_OPTION", "The magnet link is not valid.");
  } else if (file) {
    const parsed = account.state.parseTorrentFile(new Uint8Array(await file.arrayBuffer()));
    if (!parsed) return tbFail(400, "BOZO_TORRENT", detail("BOZO_TORRENT"));
    hash = parsed.hash;
    name = parsed.name;
  }
  if (!hash) return tbFail(400, "MISSING_REQUIRED_OPTION", detail("MISSING_REQUIRED_OPTION"));
  const script = account.script(hash);
  if (account.failsThisTime(hash, script)) {
    if (script?.addErrorHttp === 429) return tbFail(429, null, "Too many requests. Please slow down.");
    const code = script?.addError ?? "UNKNOWN_ERROR";
    return tbFail(script?.addErrorHttp ?? 400, code, detail(code));
  }
  if (!account.isCached(hash) && account.activeCount() >= account.state.options.activeLimit)
    return tbFail(400, "ACTIVE_LIMIT", detail("ACTIVE_LIMIT"));
  const { torrent, cached } = account.add(hash, name);
  return ok(
    { hash, torrent_id: Number(torrent.id), auth_id: AUTH_ID },
    cached ? "Found Cached Torrent. Using Cached Download." : "Successfully added torrent.",
  );
}

function controlTorrent(account: FakeTorBoxAccount, { json, values }: Params): FakeReply {
  const id = String(json?.torrent_id ?? values.get("torrent_id") ?? "");
  const operation = String(json?.operation ?? values.get("operation") ?? "").toLowerCase();
  if (!["reannounce", "delete", "resume", "stop_seeding"].includes(operation))
    return tbFail(400, "INVALID_OPTION", detail("INVALID_OPTION"));
  const torrent = account.find(id);
  if (!torrent) return tbFail(404, "ITEM_NOT_FOUND", detail("ITEM_NOT_FOUND"));
  if (operation === "delete") account.remove(torrent.id);
  return ok(null, `Torrent ${operation} request sent successfully.`);
}

/** The CDN link of one file; `redirect=true` answers 307 to it instead. */
function requestDl(account: FakeTorBoxAccount, { values }: Params): FakeReply {
  const torrent = account.find(values.get("torrent_id") ?? "");
  const meta = torrent ? account.metaOf(torrent) : undefined;
  const index = Number(values.get("file_id"));
  const file = torrent && Number.isInteger(index) ? torrent.files[index] : undefined;
  if (!torrent || !meta || !file) return tbFail(404, "ITEM_NOT_FOUND", detail("ITEM_NOT_FOUND"));
  const linkIndex = torrent.files.filter((f) => f.selected).indexOf(file);
  const linkId = torrent.linkIds[linkIndex];
  if (!meta.finished || !meta.present || !linkId || account.state.deadLinks.has(linkId))
    return tbFail(404, "ITEM_NOT_FOUND", "The download is not available.");
  const { state } = account;
  const name = file.path.split("/").pop() ?? "file";
  const link = `${state.baseUrl}/dl/${state.issueDownloadToken(file.key, file.bytes, name)}/${encodeURIComponent(name)}`;
  if (values.get("redirect") === "true") return { status: 307, headers: { Location: link } };
  return ok(link, "Download link generated.");
}

/** Cached hashes only; `format=list` answers a list instead of an object keyed by hash. */
function checkCached(account: FakeTorBoxAccount, { values }: Params): FakeReply {
  const hashes = values
    .getAll("hash")
    .flatMap((h) => h.split(","))
    .map((h) => h.trim().toLowerCase())
    .filter((h) => /^[0-9a-f]{40}$/.test(h));
  if (hashes.length === 0) return tbFail(400, "MISSING_REQUIRED_OPTION", "You must provide a hash.");
  const found = hashes
    .filter((h) => account.isCached(h))
    .map((hash) => {
      const known = account.state.catalog.get(hash);
      const size = (known?.files ?? []).reduce((sum, f) => sum + f.bytes, 0);
      return { name: known?.name ?? hash, size, hash };
    });
  if (values.get("format") === "list") return ok(found, "Found cached torrents.");
  return ok(Object.fromEntries(found.map((f) => [f.hash, f])), "Found cached torrents.");
}

/** Query and body parameters together: form, multipart (file uploads) or JSON (controltorrent). */
async function readParams(req: IncomingMessage, url: URL): Promise<Params> {
  const values = new URLSearchParams(url.searchParams);
  const files: Blob[] = [];
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return { values, files, json: null };
  const body = Buffer.concat(chunks);
  const type = req.headers["content-type"] ?? "";
  if (type.startsWith("application/json")) {
    try {
      const parsed = JSON.parse(body.toString("utf8"));
      return { values, files, json: parsed && typeof parsed === "object" ? parsed : null };
    } catch {
      return { values, files, json: null };
    }
  }
  if (type.startsWith("multipart/form-data")) {
    const form = await new Response(body, { headers: { "content-type": type } }).formData();
    for (const [name, value] of form.entries()) {
      if (typeof value === "string") values.append(name, value);
      else if (name === "file") files.push(value);
    }
  } else {
    for (const [name, value] of new URLSearchParams(body.toString("utf8"))) values.append(name, value);
  }
  return { values, files, json: null };
}
