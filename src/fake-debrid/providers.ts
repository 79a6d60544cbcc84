import type { IncomingMessage, ServerResponse } from "node:http";
import type { ProviderKind } from "../providers/types.ts";
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
  /** The library this fake lists, when it is not the shared one (the demo changes it day by day). */
  library?(state: FakeDebridState): FakeLibrary;
  /**
   * The fewest requests the provider's API allows to mirror `torrents` torrents (`bun run bench
   * sync` shows Redriva's counts as a ratio to these): list only, list with every detail, and a
   * smart sync after `changed` torrents were added or finished.
   */
  minimumRequests?(torrents: number, changed: number): { list: number; full: number; smart: number };
}

export const FAKE_PROVIDERS: readonly FakeProvider[] = [
  {
    kind: "realdebrid",
    mounts: [{ prefix: "/rest/1.0/", handler: handleRealDebrid, stripPrefix: "/rest/1.0" }],
    // GET /torrents pages of up to 5,000; files and links only from /torrents/info/{id}, one each.
    minimumRequests: (n, changed) => {
      const list = Math.max(1, Math.ceil(n / 5000));
      return { list, full: list + n, smart: list + changed };
    },
    env: (server, credential) => ({
      RD_API_TOKEN: credential ?? server.state.options.token,
      RD_API_URL: `${server.url}/rest/1.0`,
    }),
  },
  {
    kind: "alldebrid",
    mounts: [
      { prefix: "/v4.1/", handler: handleAllDebrid, ownRateLimit: true },
      { prefix: "/v4/", handler: handleAllDebrid, ownRateLimit: true },
    ],
    env: (server, credential) => ({
      AD_API_KEY: credential ?? server.state.options.adApiKey ?? DEFAULT_FAKE_AD_KEY,
      AD_API_URL: server.url,
    }),
  },
  {
    kind: "debridlink",
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
    minimumRequests: (n) => {
      const list = Math.max(1, Math.ceil(n / 100));
      return { list, full: list, smart: list };
    },
  },
  {
    kind: "premiumize",
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
  },
  {
    kind: "torbox",
    mounts: [{ prefix: "/v1/api/", handler: handleTorBox, ownRateLimit: true }],
    env: (server, credential) => ({
      TORBOX_API_KEY: credential ?? torBoxAccount(server.state).apiKey,
      TORBOX_API_URL: server.url,
    }),
    library: (state) => torBoxAccount(state).library,
    // mylist pages of 1,000 carry every torrent's files: the list is the whole library.
    minimumRequests: (n) => {
      const list = Math.max(1, Math.ceil(n / 1000));
      return { list, full: list, smart: list };
    },
  },
];
