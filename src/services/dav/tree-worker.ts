/**
 * Worker thread of the WebDAV tree: reads the library from its own read-only connection to the
 * same SQLite file (WAL: the server's writes go on meanwhile) and renders the big listings, so
 * that a rebuild of 100,000 torrents costs the server's thread nothing but the hand-over.
 */
import { errorMessage } from "../../errors.ts";
import { buildPackedTreeFromFile, type TreeBuildRequest, transferablesOf } from "./tree-build.ts";

declare const self: Worker;

export type TreeWorkerRequest = TreeBuildRequest & { path: string };

self.onmessage = (event: MessageEvent<TreeWorkerRequest>) => {
  try {
    const tree = buildPackedTreeFromFile(event.data.path, event.data);
    self.postMessage({ ok: true, tree }, transferablesOf(tree));
  } catch (error) {
    self.postMessage({ ok: false, error: errorMessage(error) });
  }
};
