/**
 * Worker thread of the phase-1 pool: walks folders and checks links/files with synchronous I/O
 * (fast, and a stuck network mount blocks this thread only). Speaks the messages of
 * phase1-protocol.ts.
 */
import { type Dirent, readdirSync, readlinkSync } from "node:fs";
import { allocCheckBuffer, isMediaName } from "./check.ts";
import { checkFolderEntries, createFastChecker } from "./fast-check.ts";
import {
  type CheckedBatch,
  type FolderPart,
  type ListedTree,
  SEP,
  type WorkerReply,
  type WorkerRequest,
} from "./phase1-protocol.ts";

declare const self: Worker;

/** Entries checked between two progress replies. */
const REPORT_EVERY = 500;

const buffer = allocCheckBuffer();
const fast = createFastChecker(buffer);
let root = "";
let minSizeBytes = 0;
let collectMedia = false;
let keepUpTo = 0;
/** Entries of the folders this worker listed and will check itself. */
let kept: Array<{ dir: string; names: string[]; links: string }> = [];

function abs(rel: string): string {
  return rel === "" ? root : `${root}/${rel}`;
}

function list(start: string, recursive: boolean): ListedTree {
  const tree: ListedTree = { dirs: "", folders: 0, count: 0, big: [], errors: [] };
  const notWalked: string[] = [];
  const pending = [start];
  while (pending.length > 0) {
    const rel = pending.pop() as string;
    let entries: Dirent[];
    try {
      entries = readdirSync(abs(rel), { withFileTypes: true });
    } catch (error) {
      tree.errors.push({ dir: rel, error: error instanceof Error ? error.message : String(error) });
      continue;
    }
    tree.folders++;
    const names: string[] = [];
    let links = "";
    for (const entry of entries) {
      const name = String(entry.name);
      if (entry.isDirectory()) (recursive ? pending : notWalked).push(rel === "" ? name : `${rel}/${name}`);
      else if (entry.isSymbolicLink()) {
        names.push(name);
        links += "1";
      } else if (entry.isFile() && isMediaName(name)) {
        names.push(name);
        links += "0";
      }
    }
    tree.count += names.length;
    if (names.length > keepUpTo) tree.big.push({ dir: rel, names: names.join(SEP), links });
    else if (names.length > 0) kept.push({ dir: rel, names, links });
  }
  tree.dirs = notWalked.join(SEP);
  return tree;
}

function emptyBatch(): CheckedBatch {
  return { checked: 0, ok: 0, skipped: 0, problems: "", media: "", mediaLinks: "" };
}

function checkAll(id: number, parts: FolderPart[]): void {
  const work = kept.concat(parts.map((p) => ({ dir: p.dir, names: p.names.split(SEP), links: p.links })));
  kept = [];
  let batch = emptyBatch();
  let media: string[] = [];
  let problems: string[] = [];
  let sent = 0;
  const send = (done: boolean) => {
    batch.media = media.join(SEP);
    batch.problems = problems.join(SEP);
    self.postMessage({ id, op: "checked", batch, done } satisfies WorkerReply);
    batch = emptyBatch();
    media = [];
    problems = [];
  };
  const options = { minSizeBytes, buffer };
  for (const { dir, names, links } of work) {
    const base = abs(dir);
    const rel = (name: string) => (dir === "" ? name : `${dir}/${name}`);
    checkFolderEntries(fast, base, names, links, isMediaName, options, (i, verdict, isMedia) => {
      const name = names[i] as string;
      const isLink = links.charCodeAt(i) === 49; // "1"
      batch.checked++;
      if (verdict.status === "ok") {
        batch.ok++;
        if (collectMedia && isMedia) {
          media.push(rel(name));
          batch.mediaLinks += isLink ? "1" : "0";
        }
      } else if (verdict.status === "skip") batch.skipped++;
      else {
        // Where the link points says what went missing or wrong; one readlink, problems only.
        const target = isLink ? (linkTarget(`${base}/${name}`) ?? "") : "";
        const fields = [
          rel(name),
          verdict.type,
          isLink ? "symlink" : "file",
          verdict.detail,
          verdict.size ?? "",
          target,
        ];
        problems.push(fields.join(SEP));
      }
      if (batch.checked >= REPORT_EVERY) {
        send(false);
        if (++sent % 10 === 0) Bun.gc(false);
      }
    });
  }
  send(true);
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
  try {
    if (request.op === "init") {
      root = request.root;
      minSizeBytes = request.minSizeBytes;
      collectMedia = request.collectMedia;
      keepUpTo = request.keepUpTo;
      self.postMessage({ id: request.id, op: "ready" } satisfies WorkerReply);
    } else if (request.op === "list") {
      self.postMessage({
        id: request.id,
        op: "listed",
        tree: list(request.dir, request.recursive),
      } satisfies WorkerReply);
    } else {
      checkAll(request.id, request.parts);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    self.postMessage({ id: request.id, op: "error", message } satisfies WorkerReply);
  }
};
