import type { IncomingMessage } from "node:http";
import type { FakeTorrent } from "../library.ts";

/** The part of the fake's state the lifecycle touches (FakeDebridState has it; no import back). */
export interface LifecycleState {
  readonly options: { readonly pollsPerStep: number };
  readonly addedTorrents: ReadonlySet<string>;
  readonly library: { makeLinks(torrent: FakeTorrent): void };
}

/** What a fake route answers; the server turns it into an HTTP response. */
export interface FakeReply {
  status: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

export function rdError(status: number, error: string, code: number): FakeReply {
  return { status, json: { error, error_code: code } };
}

export function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => {
      body += c;
    });
    req.on("end", () => resolve(new URLSearchParams(body)));
    req.on("error", reject);
  });
}

/**
 * Moves an added torrent one step along Real-Debrid's lifecycle each time its info is read:
 * magnet_conversion → waiting_files_selection → (selectFiles) → queued → downloading → target.
 */
export function advance(state: LifecycleState, torrent: FakeTorrent): void {
  if (torrent.pollsUntilNext > 0) {
    torrent.pollsUntilNext--;
    return;
  }
  const steps = state.options.pollsPerStep;
  switch (torrent.status) {
    case "magnet_conversion":
      if (torrent.target === "magnet_error") {
        torrent.status = "magnet_error";
        return;
      }
      torrent.status = "waiting_files_selection";
      torrent.pollsUntilNext = 0;
      return;
    case "queued":
      torrent.status = "downloading";
      torrent.progress = 50;
      torrent.speed = 25_000_000;
      torrent.seeders = 12;
      torrent.pollsUntilNext = steps;
      return;
    case "downloading":
      if (!state.addedTorrents.has(torrent.id)) return;
      finish(state, torrent);
      return;
    default:
      return;
  }
}

export function finish(state: LifecycleState, torrent: FakeTorrent): void {
  torrent.speed = null;
  torrent.seeders = null;
  if (torrent.target === "downloaded" || torrent.target === "dead") {
    torrent.status = torrent.target;
    torrent.progress = 100;
    torrent.ended = new Date().toISOString();
    state.library.makeLinks(torrent);
    return;
  }
  torrent.status = torrent.target;
  torrent.progress = torrent.target === "error" ? torrent.progress : 0;
}
