import type { IncomingMessage, ServerResponse } from "node:http";
import { AD_FILES_BATCH } from "../providers/alldebrid/client.ts";
import type { ProviderKind } from "../providers/types.ts";
import {
  allDebridHooks,
  debridLinkHooks,
  type FakeAccountHooks,
  premiumizeHooks,
  realDebridHooks,
  torBoxHooks,
} from "./account-hooks.ts";
import { allDebridAccount } from "./alldebrid/account.ts";
import { DEFAULT_FAKE_AD_KEY, handleAllDebrid } from "./alldebrid/server.ts";
import { debridLinkAccount } from "./debridlink/account.ts";
import { DL_FAKE_BASE, handleDebridLink } from "./debridlink/server.ts";
import type { FakeLibrary } from "./library.ts";
import { premiumizeAccount } from "./premiumize/account.ts";
import { DEFAULT_FAKE_PM_KEY, handlePremiumize } from "./premiumize/server.ts";
import type { FakeReply } from "./realdebrid/model.ts";
import { handleRealDebrid } from "./realdebrid/server.ts";
import type { FakeDebridState } from "./state.ts";
import { torBoxAccount } from "./torbox/account.ts";
import { handleTorBox } from "./torbox/server.ts";

type FakeHandler = (
  state: FakeDebridState,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  url: URL,
) => Promise<FakeReply>;

/** Requests under `prefix` go to `handler`. */
export interface FakeMount {
  prefix: string;
  handler: FakeHandler;
  /** The handler gets the path without the prefix (Real-Debrid's /rest/1.0). */
  stripPrefix?: string;
  /** The handler enforces its provider's own limits: the Real-Debrid window neither counts nor refuses. */
  ownRateLimit?: boolean;
}

/**
 * One provider's fake on the shared server (one library, one set of scripts): where it answers,
 * and the environment that points Redriva at it. The contract suite runs for every entry.
 */
export interface FakeProvider {
  kind: ProviderKind;
  mounts: readonly FakeMount[];
  /** Redriva's variables for this fake; `credential` replaces the one the fake accepts. */
  env(server: { url: string; state: FakeDebridState }, credential?: string): Record<string, string>;
  /** How tests add, stall and kill torrents in this fake's account (the flow tests run for every entry). */
  account: FakeAccountHooks;
  /** The library this fake lists, when it is not the shared one (the demo changes it day by day). */
  library?(state: FakeDebridState): FakeLibrary;
  /**
   * The fewest requests the provider's API allows to mirror this fake's library (`bun run bench
   * sync` shows Redriva's counts as a ratio to these; the flow tests hold the full sync to it):
   * list only, list with every detail, and a smart sync after the `changed` torrents were added
   * or finished since the last sync.
   */
  minimumRequests(
    state: FakeDebridState,
    changed: readonly string[],
  ): { list: number; full: number; smart: number };
}

export const FAKE_PROVIDERS: readonly FakeProvider[] = [
  {
    kind: "realdebrid",
    account: realDebridHooks,
    mounts: [{ prefix: "/rest/1.0/", handler: handleRealDebrid, stripPrefix: "/rest/1.0" }],
    // GET /torrents pages of up to 5,000; files and links only from /torrents/info/{id}, one each.
    minimumRequests: (state, changed) => {
      const n = state.library.torrents.size;
      const list = Math.max(1, Math.ceil(n / 5000));
      return { list, full: list + n, smart: list + changed.length };
    },
    env: (server, credential) => ({
      RD_API_TOKEN: credential ?? server.state.options.token,
      RD_API_URL: `${server.url}/rest/1.0`,
    }),
  },
  {
    kind: "alldebrid",
    account: allDebridHooks,
    mounts: [
      { prefix: "/v4.1/", handler: handleAllDebrid, ownRateLimit: true },
      { prefix: "/v4/", handler: handleAllDebrid, ownRateLimit: true },
    ],
    env: (server, credential) => ({
      AD_API_KEY: credential ?? server.state.options.adApiKey ?? DEFAULT_FAKE_AD_KEY,
      AD_API_URL: server.url,
    }),
    library: (state) => allDebridAccount(state).library,
    // One /v4.1/magnet/status lists every magnet (no files); /v4/magnet/files takes many ids, so
    // the magnets with a file tree (statusCode 1 to 4) cost one call per AD_FILES_BATCH ids.
    minimumRequests: (state, changed) => {
      const account = allDebridAccount(state);
      const withTree = (ids: Iterable<string>) => {
        let n = 0;
        for (const id of ids) {
          const t = account.library.torrents.get(id);
          const code = t ? account.metaOf(t).statusCode : 0;
          if (code >= 1 && code <= 4) n++;
        }
        return Math.ceil(n / AD_FILES_BATCH);
      };
      return { list: 1, full: 1 + withTree(account.library.torrents.keys()), smart: 1 + withTree(changed) };
    },
  },
  {
    kind: "debridlink",
    account: debridLinkHooks,
    mounts: [
      {
        prefix: `${DL_FAKE_BASE}/`,
        handler: handleDebridLink,
        stripPrefix: DL_FAKE_BASE,
        ownRateLimit: true,
      },
    ],
    env: (server, credential) => ({
      DEBRIDLINK_API_KEY: credential ?? debridLinkAccount(server.state).apiKey,
      DEBRIDLINK_API_URL: `${server.url}${DL_FAKE_BASE}`,
    }),
    library: (state) => debridLinkAccount(state).library,
    // seedbox/list pages of up to 100 carry every torrent's files and links: the list is the library.
    minimumRequests: (state) => {
      const list = Math.max(1, Math.ceil(debridLinkAccount(state).library.torrents.size / 100));
      return { list, full: list, smart: list };
    },
  },
  {
    kind: "premiumize",
    account: premiumizeHooks,
    mounts: [
      {
        prefix: "/premiumize/api/",
        handler: handlePremiumize,
        stripPrefix: "/premiumize/api",
        ownRateLimit: true,
      },
    ],
    env: (server, credential) => ({
      PREMIUMIZE_API_KEY: credential ?? DEFAULT_FAKE_PM_KEY,
      PREMIUMIZE_API_URL: `${server.url}/premiumize/api`,
    }),
    library: (state) => premiumizeAccount(state).library,
    // One transfer/list (no paging) says everything of unfinished transfers; a finished one's
    // files are its cloud content: one item/details, or one folder/list per folder it fills.
    minimumRequests: (state, changed) => {
      const account = premiumizeAccount(state);
      const reads = (ids: Iterable<string>) => {
        let n = 0;
        for (const id of ids) {
          const t = account.library.torrents.get(id);
          if (t?.status === "downloaded") n += account.cloudReads(t);
        }
        return n;
      };
      return { list: 1, full: 1 + reads(account.library.torrents.keys()), smart: 1 + reads(changed) };
    },
  },
  {
    kind: "torbox",
    account: torBoxHooks,
    mounts: [{ prefix: "/v1/api/", handler: handleTorBox, ownRateLimit: true }],
    env: (server, credential) => ({
      TORBOX_API_KEY: credential ?? torBoxAccount(server.state).apiKey,
      TORBOX_API_URL: server.url,
    }),
    library: (state) => torBoxAccount(state).library,
    // mylist pages of 1,000 carry every torrent's files: the list is the whole library. mylist gives
    // no total, so only a short page ends the list: 1,000 torrents take a second, empty page.
    minimumRequests: (state) => {
      const list = Math.floor(torBoxAccount(state).library.torrents.size / 1000) + 1;
      return { list, full: list, smart: list };
    },
  },
];
