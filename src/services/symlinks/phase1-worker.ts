/**
 * Worker thread of the phase-1 pool: lists folders and checks links/files with synchronous I/O
 * (fast, and a stuck network mount blocks this thread only). Speaks the messages of
 * phase1-protocol.ts; each request gets exactly one reply with the same `id`.
 */
import { type Dirent, readdirSync, readlinkSync } from "node:fs";
import { allocCheckBuffer, checkEntry, isMediaName } from "./check.ts";
import {
  type CheckedBatch,
  type ListedFolder,
  SEP,
  type WorkerReply,
  type WorkerRequest,
} from "./phase1-protocol.ts";

declare const self: Worker;

const buffer = allocCheckBuffer();
let root = "";
let minSizeBytes = 0;
let collectMedia = false;
let keepUpTo = 0;
/** Entries of the folders this worker listed and will check itself. */
const kept = new Map<string, { names: string[]; links: string }>();

function abs(rel: string): string {
  return rel === "" ? root : `${root}/${rel}`;
}

function list(rel: string): ListedFolder {
  let entries: Dirent[];
  try {
    entries = readdirSync(abs(rel), { withFileTypes: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { dirs: "", count: 0, kept: false, names: "", links: "", error: message };
  }
  const dirs: string[] = [];
  const names: string[] = [];
  let links = "";
  for (const entry of entries) {
    const name = String(entry.name);
    if (entry.isDirectory()) dirs.push(rel === "" ? name : `${rel}/${name}`);
    else if (entry.isSymbolicLink()) {
      names.push(name);
      links += "1";
    } else if (entry.isFile() && isMediaName(name)) {
      names.push(name);
      links += "0";
    }
  }
  const folder = { dirs: dirs.join(SEP), count: names.length, error: null };
  if (names.length <= keepUpTo) {
    if (names.length > 0) kept.set(rel, { names, links });
    return { ...folder, kept: true, names: "", links: "" };
  }
  return { ...folder, kept: false, names: names.join(SEP), links };
}

function check(dir: string, names: string[], links: string): CheckedBatch {
  const batch: CheckedBatch = {
    checked: names.length,
    ok: 0,
    skipped: 0,
    problems: [],
    media: "",
    mediaLinks: "",
  };
  const media: string[] = [];
  const base = abs(dir);
  const options = { minSizeBytes, buffer };
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    const isLink = links.charCodeAt(i) === 49; // "1"
    const isMedia = isMediaName(name);
    const verdict = checkEntry(`${base}/${name}`, isLink, isMedia, options);
    if (verdict.status === "ok") {
      batch.ok++;
      if (collectMedia && isMedia) {
        media.push(name);
        batch.mediaLinks += isLink ? "1" : "0";
      }
    } else if (verdict.status === "skip") batch.skipped++;
    else {
      batch.problems.push({
        name,
        link: isLink,
        type: verdict.type,
        detail: verdict.detail,
        size: verdict.size ?? null,
        // Where a broken link pointed says what went missing; one readlink, problems only.
        target: isLink && verdict.type === "broken" ? linkTarget(`${base}/${name}`) : null,
      });
    }
  }
  batch.media = media.join(SEP);
  return batch;
}

function linkTarget(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}

function checkRequest(dir: string, names: string | undefined, links: string | undefined): CheckedBatch {
  if (names !== undefined && links !== undefined) return check(dir, names.split(SEP), links);
  const entries = kept.get(dir);
  kept.delete(dir);
  return check(dir, entries?.names ?? [], entries?.links ?? "");
}

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  let reply: WorkerReply;
  try {
    if (request.op === "init") {
      root = request.root;
      minSizeBytes = request.minSizeBytes;
      collectMedia = request.collectMedia;
      keepUpTo = request.keepUpTo;
      reply = { id: request.id, op: "ready" };
    } else if (request.op === "list") {
      reply = { id: request.id, op: "listed", folder: list(request.dir) };
    } else {
      reply = {
        id: request.id,
        op: "checked",
        batch: checkRequest(request.dir, request.names, request.links),
      };
    }
  } catch (error) {
    reply = { id: request.id, op: "error", message: error instanceof Error ? error.message : String(error) };
  }
  self.postMessage(reply);
};
