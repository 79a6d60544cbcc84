import type { IncomingMessage, ServerResponse } from "node:http";
import { normalizeInfoHash, parseMagnet } from "../../domain/magnet.ts";
import type {
  AdErrorBody,
  AdMagnet,
  AdMagnetFiles,
  AdUploadedFile,
  AdUploadedMagnet,
} from "../../providers/alldebrid/wire.ts";
import { lookupHosterLink } from "../hoster.ts";
import type { FakeReply } from "../realdebrid/model.ts";
import type { FakeDebridState } from "../state.ts";
import { allDebridAccount, type FakeAllDebridAccount } from "./account.ts";
import { adFail, filesTree, magnetJson, matchesFilter, message, ok } from "./wire.ts";

/** The key the fake accepts when startFakeDebrid is not given `adApiKey`. */
export const DEFAULT_FAKE_AD_KEY = "fake-ad-key";

interface Params {
  values: URLSearchParams;
  files: Blob[];
}

/**
 * AllDebrid API v4/v4.1 as documented at https://docs.alldebrid.com/: same paths (GET or POST,
 * parameters in the query or the form), `{status, data | error}` bodies, application errors
 * with HTTP 200, 429 past 12 requests per second or 600 per minute. Mounted under /v4 and /v4.1.
 */
export async function handleAllDebrid(
  state: FakeDebridState,
  req: IncomingMessage,
  _res: ServerResponse,
  path: string,
  url: URL,
): Promise<FakeReply> {
  const account = allDebridAccount(state);
  // Both windows count every request, like the Real-Debrid fake.
  const underSecond = account.perSecond.admit();
  const underMinute = account.perMinute.admit();
  if (!underSecond || !underMinute) {
    return adFail("TOO_MANY_REQUESTS", "Too many requests, slow down", 429);
  }
  const params = await readParams(req, url);
  const header = req.headers.authorization ?? "";
  const key = header.startsWith("Bearer ") ? header.slice(7) : params.values.get("apikey");
  if (!key) return adFail("AUTH_MISSING_APIKEY", message("AUTH_MISSING_APIKEY"));
  if (key !== (state.options.adApiKey ?? DEFAULT_FAKE_AD_KEY)) {
    return adFail("AUTH_BAD_APIKEY", message("AUTH_BAD_APIKEY"));
  }
  const route = ROUTES[path];
  if (!route) return adFail("404", message("404"), 404);
  return route(account, params);
}

type Route = (account: FakeAllDebridAccount, params: Params) => FakeReply | Promise<FakeReply>;

const ROUTES: Record<string, Route> = {
  "/v4/user": user,
  "/v4.1/magnet/status": magnetStatus,
  "/v4/magnet/upload": upload,
  "/v4/magnet/upload/file": uploadFile,
  "/v4/magnet/files": magnetFiles,
  "/v4/magnet/delete": magnetDelete,
  "/v4/magnet/restart": magnetRestart,
  "/v4/link/unlock": linkUnlock,
  "/v4/link/delayed": linkDelayed,
  "/v4/link/infos": linkInfos,
};

function user(): FakeReply {
  return ok({
    user: {
      username: "demo-user",
      email: "demo@example.invalid",
      isPremium: true,
      isSubscribed: true,
      isTrial: false,
      premiumUntil: Math.floor(Date.now() / 1000) + 86_400 * 90,
      lang: "en",
      preferedDomain: "com",
      fidelityPoints: 120,
      limitedHostersQuotas: { "1fichier": 100_000 },
      notifications: [],
    },
  });
}

function magnetStatus(account: FakeAllDebridAccount, { values }: Params): FakeReply {
  const { library } = account;
  const id = values.get("id");
  if (id !== null) {
    const torrent = library.torrents.get(id);
    if (!torrent) return adFail("MAGNET_INVALID_ID", message("MAGNET_INVALID_ID"));
    account.advance(torrent);
    // By id, `magnets` is a single object, not an array.
    return ok({ magnets: magnetJson(torrent, account.metaOf(torrent)) });
  }
  const filter = values.get("status");
  const magnets: AdMagnet[] = [];
  for (const torrent of library.sorted()) {
    account.advance(torrent);
    const meta = account.metaOf(torrent);
    if (matchesFilter(filter, meta.statusCode)) magnets.push(magnetJson(torrent, meta));
  }
  const session = values.get("session");
  if (session !== null) {
    // Live mode: the fake always answers a full sync (documented for a counter out of sync).
    const counter = Number(values.get("counter") ?? 0);
    return ok({ magnets, counter: (Number.isFinite(counter) ? counter : 0) + 1, fullsync: true });
  }
  return ok({ magnets });
}

/** One magnet/upload item: `magnets[]` entries are magnet URIs or bare hashes. */
function uploadOne(account: FakeAllDebridAccount, input: string): AdUploadedMagnet | FakeReply {
  const parsed = parseMagnet(input);
  const hash = parsed?.hash ?? normalizeInfoHash(input);
  if (!hash)
    return { magnet: input, error: { code: "MAGNET_INVALID_URI", message: message("MAGNET_INVALID_URI") } };
  return added(account, hash, parsed?.name ?? null, { magnet: input });
}

/** The added magnet (or its own error) under its label: `{magnet}` for upload, `{file}` for upload/file. */
type Added<L> = L &
  ({ hash: string; name: string; size: number; ready: boolean; id: number } | { error: AdErrorBody });

function added<L extends { magnet: string } | { file: string }>(
  account: FakeAllDebridAccount,
  hash: string,
  name: string | null,
  label: L,
): Added<L> | FakeReply {
  const script = account.script(hash);
  if (account.failsThisTime(hash, script)) {
    const code = script?.addError;
    if (script?.addErrorHttp)
      return adFail(code ?? "TOO_MANY_REQUESTS", message(code ?? ""), script.addErrorHttp);
    // failsThisTime holds without an HTTP status only when the script names an error code.
    return { ...label, error: { code: code ?? "", message: message(code ?? "") } };
  }
  if (account.activeCount() >= account.activeLimit) {
    const code = "MAGNET_TOO_MANY_ACTIVE";
    return { ...label, error: { code, message: message(code) } };
  }
  const { torrent, ready } = account.add(hash, name);
  return {
    ...label,
    hash,
    name: torrent.filename,
    size: torrent.files.reduce((sum, f) => sum + f.bytes, 0),
    ready,
    id: Number(torrent.id),
  };
}

function isReply<T extends object>(value: T | FakeReply): value is FakeReply {
  return typeof (value as FakeReply).status === "number" && "json" in value;
}

function upload(account: FakeAllDebridAccount, { values }: Params): FakeReply {
  const inputs = [...values.getAll("magnets[]"), ...values.getAll("magnets")].filter((m) => m.trim() !== "");
  if (inputs.length === 0) return adFail("MAGNET_NO_URI", message("MAGNET_NO_URI"));
  const magnets: AdUploadedMagnet[] = [];
  for (const input of inputs) {
    const result = uploadOne(account, input.trim());
    if (isReply(result)) return result;
    magnets.push(result);
  }
  return ok({ magnets });
}

async function uploadFile(account: FakeAllDebridAccount, { files }: Params): Promise<FakeReply> {
  if (files.length === 0) return adFail("MAGNET_INVALID_FILE", message("MAGNET_INVALID_FILE"));
  const out: AdUploadedFile[] = [];
  for (const blob of files) {
    const file = blob instanceof File ? blob.name : "upload.torrent";
    const parsed = account.state.parseTorrentFile(new Uint8Array(await blob.arrayBuffer()));
    if (!parsed) {
      out.push({ file, error: { code: "MAGNET_INVALID_FILE", message: message("MAGNET_INVALID_FILE") } });
      continue;
    }
    const result = added(account, parsed.hash, parsed.name, { file });
    if (isReply(result)) return result;
    out.push(result);
  }
  return ok({ files: out });
}

function magnetFiles(account: FakeAllDebridAccount, { values }: Params): FakeReply {
  const ids = [...values.getAll("id[]"), ...values.getAll("id")];
  if (ids.length === 0) return adFail("MAGNET_INVALID_ID", message("MAGNET_INVALID_ID"));
  const magnets = ids.map((id): AdMagnetFiles => {
    const torrent = account.library.torrents.get(id);
    if (!torrent) return { id, error: { code: "MAGNET_INVALID_ID", message: message("MAGNET_INVALID_ID") } };
    return { id, files: filesTree(torrent, account.metaOf(torrent)) };
  });
  return ok({ magnets });
}

function magnetDelete(account: FakeAllDebridAccount, { values }: Params): FakeReply {
  const id = values.get("id");
  if (!id || !account.remove(id)) return adFail("MAGNET_INVALID_ID", message("MAGNET_INVALID_ID"));
  return ok({ message: "Magnet was successfully deleted" });
}

function magnetRestart(account: FakeAllDebridAccount, { values }: Params): FakeReply {
  const restartOne = (id: string): { code: string } | null => {
    const torrent = account.library.torrents.get(id);
    if (!torrent) return { code: "MAGNET_INVALID_ID" };
    if (account.metaOf(torrent).statusCode <= 4) return { code: "MAGNET_PROCESSING" };
    account.restart(torrent);
    return null;
  };
  const many = values.getAll("ids[]");
  if (many.length > 0) {
    const magnets = many.map((id) => {
      const error = restartOne(id);
      return error
        ? { magnet: id, error: { code: error.code, message: message(error.code) } }
        : { magnet: id, message: "Magnet was successfully restarted" };
    });
    return ok({ magnets });
  }
  const error = restartOne(values.get("id") ?? "");
  if (error) return adFail(error.code, message(error.code));
  return ok({ message: "Magnet was successfully restarted" });
}

function linkUnlock(account: FakeAllDebridAccount, { values }: Params): FakeReply {
  const link = values.get("link");
  if (!link) return adFail("LINK_IS_MISSING", message("LINK_IS_MISSING"));
  const target = resolveLink(account, link);
  if (!target) {
    const refusal = hosterRefusal(account, link);
    return adFail(refusal, message(refusal));
  }
  const { state } = account;
  const download = `${state.baseUrl}/dl/${state.issueDownloadToken(target.key, target.bytes, target.filename)}/${encodeURIComponent(target.filename)}`;
  const data: Record<string, unknown> = {
    host: "alldebrid",
    filename: target.filename,
    paws: false,
    filesize: target.bytes,
    streams: [],
    id: target.linkId,
    hostDomain: "alldebrid.com",
  };
  if (account.delayedPolls > 0) data.delayed = account.newDelayed(download);
  else data.link = download;
  return ok(data);
}

function linkDelayed(account: FakeAllDebridAccount, { values }: Params): FakeReply {
  const entry = account.delayed.get(Number(values.get("id")));
  if (!entry) return adFail("DELAYED_INVALID_ID", message("DELAYED_INVALID_ID"));
  if (entry.pollsLeft > 0) {
    entry.pollsLeft--;
    return ok({ status: 1, time_left: (entry.pollsLeft + 1) * 5 });
  }
  return ok({ status: 2, time_left: 0, link: entry.link });
}

function linkInfos(account: FakeAllDebridAccount, { values }: Params): FakeReply {
  const links = [...values.getAll("link[]"), ...values.getAll("link")];
  if (links.length === 0) return adFail("LINK_IS_MISSING", message("LINK_IS_MISSING"));
  const infos = links.map((link) => {
    const target = resolveLink(account, link);
    if (!target) {
      const refusal = hosterRefusal(account, link);
      return { link, error: { code: refusal, message: message(refusal) } };
    }
    return {
      link,
      filename: target.filename,
      size: target.bytes,
      host: "alldebrid",
      hostDomain: "alldebrid.com",
    };
  });
  return ok({ infos });
}

/** Why a link does not unlock: a host AllDebrid does not support, or a file gone. */
function hosterRefusal(account: FakeAllDebridAccount, link: string): "LINK_HOST_NOT_SUPPORTED" | "LINK_DOWN" {
  if (/\/f\/[A-Za-z0-9]+/.test(link)) return "LINK_DOWN";
  return lookupHosterLink(account.state, link).kind === "unsupported"
    ? "LINK_HOST_NOT_SUPPORTED"
    : "LINK_DOWN";
}

/** A restricted link (https://alldebrid.com/f/<id>) or a file host's link → its file, or null when gone. */
function resolveLink(account: FakeAllDebridAccount, link: string) {
  const hosted = lookupHosterLink(account.state, link);
  if (hosted.kind === "file")
    return { linkId: hosted.id, key: hosted.file.key, bytes: hosted.file.bytes, filename: hosted.file.name };
  const linkId = /\/f\/([A-Za-z0-9]+)/.exec(link)?.[1];
  const target = linkId ? account.library.links.get(linkId) : undefined;
  const torrent = target ? account.library.torrents.get(target.torrentId) : undefined;
  const file = torrent?.files.find((f) => f.id === target?.fileId);
  if (!linkId || !torrent || !file || account.state.deadLinks.has(linkId)) return null;
  return { linkId, key: file.key, bytes: file.bytes, filename: file.path.split("/").pop() ?? "file" };
}

/** Query and body parameters together (AllDebrid takes either); multipart for file uploads. */
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
      else if (name === "files[]" || name === "files") files.push(value);
    }
  } else {
    for (const [name, value] of new URLSearchParams(body.toString("utf8"))) values.append(name, value);
  }
  return { values, files };
}
