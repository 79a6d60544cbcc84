import { randomBytes } from "node:crypto";
import type { FakeDebridState } from "./state.ts";

/**
 * A file host on the fake server (a 1fichier-like site): its links are pages under /hoster/file/
 * that answer an HTML landing page, as a real host does to a browser; the fake providers'
 * unrestrict endpoints turn them into /dl/ links serving the file's bytes. Any other link is on
 * a host no fake provider supports.
 */
export const HOSTER_PREFIX = "/hoster/file/";

export interface FakeHosterFile {
  name: string;
  bytes: number;
  /** Content key (content.ts): tests compare downloaded bytes with contentSha256(key, bytes). */
  key: string;
  /** Taken down by the host: providers answer "file unavailable". */
  removed?: boolean;
}

/** Puts a file on the fake host; returns its link and content key. */
export function addHosterFile(
  state: FakeDebridState,
  name: string,
  bytes: number,
): { link: string; key: string; id: string } {
  const id = randomBytes(6).toString("hex");
  const key = `hoster:${id}`;
  state.hosterFiles.set(id, { name, bytes, key });
  return { link: `${state.baseUrl}${HOSTER_PREFIX}${id}/${encodeURIComponent(name)}`, key, id };
}

export type HosterLookup =
  | { kind: "file"; id: string; file: FakeHosterFile; host: string }
  | { kind: "unavailable" }
  | { kind: "unsupported" };

/** What a fake provider makes of a pasted link. */
export function lookupHosterLink(state: FakeDebridState, link: string): HosterLookup {
  if (!URL.canParse(link)) return { kind: "unsupported" };
  const url = new URL(link);
  if (!url.pathname.startsWith(HOSTER_PREFIX)) return { kind: "unsupported" };
  const id = url.pathname.slice(HOSTER_PREFIX.length).split("/")[0] ?? "";
  const file = state.hosterFiles.get(id);
  if (!file || file.removed) return { kind: "unavailable" };
  return { kind: "file", id, file, host: url.host };
}

/** The direct link a provider hands out for a hoster file (served under /dl/ with Range). */
export function hosterDownloadUrl(state: FakeDebridState, file: FakeHosterFile): string {
  const token = state.issueDownloadToken(file.key, file.bytes, file.name);
  return `${state.baseUrl}/dl/${token}/${encodeURIComponent(file.name)}`;
}

/** GET on a hoster link: the host's landing page (HTML, not a .torrent), or its 404 page. */
export function hosterPage(state: FakeDebridState, pathname: string): { status: number; html: string } {
  const id = pathname.slice(HOSTER_PREFIX.length).split("/")[0] ?? "";
  const file = state.hosterFiles.get(id);
  if (!file || file.removed)
    return { status: 404, html: "<!doctype html><title>File not found</title><p>This file was removed." };
  const name = file.name.replace(/[<>&"]/g, "");
  return {
    status: 200,
    html: `<!doctype html><title>${name}</title><p>${name} (${file.bytes} bytes)<p><button>Free download</button>`,
  };
}
