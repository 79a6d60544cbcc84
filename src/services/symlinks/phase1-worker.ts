/**
 * Worker thread of the phase-1 pool: lists folders and checks links/files with synchronous I/O
 * (fast, and a stuck network mount blocks this thread only). Speaks the messages of
 * phase1-protocol.ts; each request gets exactly one reply with the same `id`.
 */
import { type Dirent, readdirSync, readlinkSync } from "node:fs";
import { allocCheckBuffer, checkEntry, isMediaName } from "./check.ts";
import type { CheckedBatch, ListedFolder, WorkerReply, WorkerRequest } from "./phase1-protocol.ts";

declare const self: Worker;

const buffer = allocCheckBuffer();
let root = "";
let minSizeBytes = 0;
let collectMedia = false;

function abs(rel: string): string {
  return rel === "" ? root : `${root}/${rel}`;
}

function list(rel: string): ListedFolder {
  const folder: ListedFolder = { dirs: [], names: [], links: [], error: null };
  let entries: Dirent[];
  try {
    entries = readdirSync(abs(rel), { withFileTypes: true });
  } catch (error) {
    folder.error = error instanceof Error ? error.message : String(error);
    return folder;
  }
  for (const entry of entries) {
    const name = String(entry.name);
    if (entry.isDirectory()) folder.dirs.push(rel === "" ? name : `${rel}/${name}`);
    else if (entry.isSymbolicLink()) {
      folder.names.push(name);
      folder.links.push(1);
    } else if (entry.isFile() && isMediaName(name)) {
      folder.names.push(name);
      folder.links.push(0);
    }
  }
  return folder;
}

function check(dir: string, names: string[], links: number[]): CheckedBatch {
  const batch: CheckedBatch = { ok: 0, skipped: 0, problems: [], media: [] };
  const base = abs(dir);
  const options = { minSizeBytes, buffer };
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    const isLink = links[i] === 1;
    const isMedia = isMediaName(name);
    const verdict = checkEntry(`${base}/${name}`, isLink, isMedia, options);
    if (verdict.status === "ok") {
      batch.ok++;
      if (collectMedia && isMedia) batch.media.push(i);
    } else if (verdict.status === "skip") batch.skipped++;
    else {
      batch.problems.push({
        index: i,
        type: verdict.type,
        detail: verdict.detail,
        size: verdict.size ?? null,
        target: isLink ? linkTarget(`${base}/${name}`) : null,
      });
    }
  }
  return batch;
}

function linkTarget(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  let reply: WorkerReply;
  try {
    if (request.op === "init") {
      root = request.root;
      minSizeBytes = request.minSizeBytes;
      collectMedia = request.collectMedia;
      reply = { id: request.id, op: "ready" };
    } else if (request.op === "list") {
      reply = { id: request.id, op: "listed", folder: list(request.dir) };
    } else {
      reply = { id: request.id, op: "checked", batch: check(request.dir, request.names, request.links) };
    }
  } catch (error) {
    reply = { id: request.id, op: "error", message: error instanceof Error ? error.message : String(error) };
  }
  self.postMessage(reply);
};
