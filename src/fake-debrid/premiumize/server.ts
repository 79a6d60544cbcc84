import type { IncomingMessage, ServerResponse } from "node:http";
import { normalizeInfoHash, parseMagnet } from "../../domain/magnet.ts";
import { hosterDownloadUrl, lookupHosterLink } from "../hoster.ts";
import type { FakeReply } from "../realdebrid/model.ts";
import type { FakeDebridState } from "../state.ts";
import { type FakePremiumizeAccount, PM_MESSAGES, premiumizeAccount } from "./account.ts";
import { fail, fileJson, ok, transferJson } from "./wire.ts";

/** The API key the fake accepts (its own, so it never authenticates another provider's fake). */
export const DEFAULT_FAKE_PM_KEY = "fake-premiumize-key";

interface Params {
  values: URLSearchParams;
  files: Blob[];
}

/**
 * Premiumize's API as documented (https://www.premiumize.me/api): parameters in the query or
 * the form, the key as `Authorization: Bearer` or `apikey`, `{status: "success" | "error"}`
 * bodies, application errors with HTTP 200 (a bad key included), 429 past the request limit.
 * Mounted under /premiumize/api so it shares the fake server with the other providers.
 */
export async function handlePremiumize(
  state: FakeDebridState,
  req: IncomingMessage,
  _res: ServerResponse,
  path: string,
  url: URL,
): Promise<FakeReply> {
  const account = premiumizeAccount(state);
  if (!account.window.admit()) return fail(PM_MESSAGES.rateLimited, 429);
  const params = await readParams(req, url);
  const header = req.headers.authorization ?? "";
  const key = header.startsWith("Bearer ") ? header.slice(7) : params.values.get("apikey");
  if (key !== DEFAULT_FAKE_PM_KEY) return fail(PM_MESSAGES.auth);
  const route = ROUTES[`${req.method} ${path}`] ?? ROUTES[`* ${path}`];
  if (!route) return fail(PM_MESSAGES.unknownMethod, 404);
  return route(account, params);
}

type Route = (account: FakePremiumizeAccount, params: Params) => FakeReply | Promise<FakeReply>;

const ROUTES: Record<string, Route> = {
  "GET /account/info": accountInfo,
  "GET /transfer/list": transferList,
  "* /transfer/create": transferCreate,
  "POST /transfer/delete": transferDelete,
  "* /cache/check": cacheCheck,
  "GET /folder/list": folderList,
  "POST /folder/delete": folderDelete,
  "GET /item/details": itemDetails,
  "POST /transfer/directdl": transferDirectDl,
  "POST /item/delete": itemDelete,
};

function accountInfo(): FakeReply {
  return ok({
    customer_id: "1234567",
    premium_until: Math.floor(Date.now() / 1000) + 86_400 * 90,
    limit_used: 0.12,
    space_used: 123_456_789,
    booster_points: 0,
  });
}

function transferList(account: FakePremiumizeAccount): FakeReply {
  const transfers: Array<Record<string, unknown>> = [];
  for (const torrent of account.library.sorted()) {
    account.advance(torrent);
    transfers.push(transferJson(account, torrent));
  }
  return ok({ transfers });
}

async function transferCreate(account: FakePremiumizeAccount, { values, files }: Params): Promise<FakeReply> {
  let hash: string | null = null;
  let name: string | null = null;
  let src = values.get("src") ?? "";
  const upload = files[0];
  if (upload) {
    const parsed = account.state.parseTorrentFile(new Uint8Array(await upload.arrayBuffer()));
    if (!parsed) return fail(PM_MESSAGES.invalidSrc);
    ({ hash, name } = parsed);
    // Undocumented: what `src` shows for an uploaded file. The fake shows the torrent's magnet.
    src = `magnet:?xt=urn:btih:${hash}&dn=${encodeURIComponent(name)}`;
  } else {
    const magnet = parseMagnet(src);
    hash = magnet?.hash ?? null;
    name = magnet?.name ?? null;
  }
  if (!hash) return fail(PM_MESSAGES.invalidSrc);
  const script = account.script(hash);
  if (account.failsThisTime(hash, script)) return fail(script?.addError ?? "", script?.addErrorHttp ?? 200);
  if (account.activeCount() >= account.state.options.activeLimit) return fail(PM_MESSAGES.tooManyActive);
  const torrent = account.add(hash, name, src);
  return ok({ id: torrent.id, name: torrent.filename, type: "torrent" });
}

function transferDelete(account: FakePremiumizeAccount, { values }: Params): FakeReply {
  const id = values.get("id") ?? "";
  return account.removeTransfer(id) ? ok() : fail(PM_MESSAGES.transferNotFound);
}

/** items[]: magnets, links or bare hashes; one answer per item, in order. */
function cacheCheck(account: FakePremiumizeAccount, { values }: Params): FakeReply {
  const items = [...values.getAll("items[]"), ...values.getAll("items")];
  const response: boolean[] = [];
  const filename: Array<string | null> = [];
  const filesize: Array<string | null> = [];
  for (const item of items) {
    const hash = parseMagnet(item)?.hash ?? normalizeInfoHash(item);
    const cached = hash !== null && account.isCached(hash);
    const known = cached && hash ? account.state.catalog.get(hash) : undefined;
    response.push(cached);
    filename.push(known?.name ?? null);
    filesize.push(known ? String(known.files.reduce((sum, f) => sum + f.bytes, 0)) : null);
  }
  return ok({ response, transcoded: response.map(() => false), filename, filesize });
}

function folderList(account: FakePremiumizeAccount, { values }: Params): FakeReply {
  const folder = account.folders.get(values.get("id") ?? "");
  if (!folder) return fail(PM_MESSAGES.folderNotFound);
  const content: Array<Record<string, unknown>> = [];
  for (const id of folder.folders) {
    const child = account.folders.get(id);
    if (child) content.push({ id: child.id, name: child.name, type: "folder", created_at: 0 });
  }
  for (const id of folder.files) {
    const file = fileJson(account, id);
    if (file) content.push(file);
  }
  return ok({ content, name: folder.name, parent_id: folder.parentId, folder_id: folder.id });
}

function folderDelete(account: FakePremiumizeAccount, { values }: Params): FakeReply {
  return account.deleteFolder(values.get("id") ?? "") ? ok() : fail(PM_MESSAGES.folderNotFound);
}

function itemDetails(account: FakePremiumizeAccount, { values }: Params): FakeReply {
  const id = values.get("id") ?? "";
  const file = fileJson(account, id);
  if (!file) return fail(PM_MESSAGES.itemNotFound);
  const { type: _type, ...details } = file;
  return ok({ ...details, folder_id: account.files.get(id)?.folderId ?? null });
}

/**
 * A file host's link → its direct link, one `content` entry (the documented shape); a host the
 * fake does not support, or a file gone from it, is refused in Premiumize's way (HTTP 200, a sentence).
 */
function transferDirectDl(account: FakePremiumizeAccount, { values }: Params): FakeReply {
  const found = lookupHosterLink(account.state, values.get("src") ?? "");
  if (found.kind === "unsupported") return fail(PM_MESSAGES.unsupportedHoster);
  if (found.kind === "unavailable") return fail(PM_MESSAGES.hosterFileGone);
  const link = hosterDownloadUrl(account.state, found.file);
  return ok({
    content: [
      {
        path: found.file.name,
        size: found.file.bytes,
        link,
        stream_link: null,
        transcode_status: "not_applicable",
      },
    ],
  });
}

function itemDelete(account: FakePremiumizeAccount, { values }: Params): FakeReply {
  return account.deleteFile(values.get("id") ?? "") ? ok() : fail(PM_MESSAGES.itemNotFound);
}

/** Query and body parameters together; multipart for file uploads (`src` as a file). */
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
      else if (name === "src" || name === "file") files.push(value);
    }
  } else {
    for (const [name, value] of new URLSearchParams(body.toString("utf8"))) values.append(name, value);
  }
  return { values, files };
}
