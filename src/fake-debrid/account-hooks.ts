import { allDebridAccount } from "./alldebrid/account.ts";
import { debridLinkAccount } from "./debridlink/account.ts";
import type { FakeTorrent } from "./library.ts";
import { premiumizeAccount } from "./premiumize/account.ts";
import type { FakeDebridState } from "./state.ts";
import { torBoxAccount } from "./torbox/account.ts";

/** Polls that never come: a torrent that stays where it is. */
const FOREVER = 1_000_000_000;

/**
 * How a test drives one fake account the way the provider's own users would see it. Every entry
 * of FAKE_PROVIDERS has one, so the flow tests (tests/integration/providers/flows.test.ts) run for
 * a new provider with no edit.
 */
export interface FakeAccountHooks {
  /** A torrent added through the provider's API, finished at once. */
  addFinished(state: FakeDebridState, hash: string, name: string): FakeTorrent;
  /** A torrent added through the API that never gets past its first step (metadata, queue). */
  addStuck(state: FakeDebridState, hash: string, name: string): FakeTorrent;
  /** Redriva's status for a stuck torrent, in the provider's words mapped onto ours. */
  stuckStatus: string;
  /** A finished torrent dies the provider's way (files gone): a sync reads `dead`, repair re-adds it. */
  kill(state: FakeDebridState, torrent: FakeTorrent): void;
  /** This account's torrent with that hash (the latest added). */
  byHash(state: FakeDebridState, hash: string): FakeTorrent | undefined;
  /** Largest list page the provider's API gives (Infinity: the whole library in one answer). */
  listPageSize: number;
  /** Redriva variables that shorten this provider's client window in tests (its limits stay). */
  fastEnv?: Record<string, string>;
}

export const realDebridHooks: FakeAccountHooks = {
  addFinished: (state, hash, name) => {
    const torrent = state.library.build(name, "downloaded", state.library.nextAddedDate(), hash);
    state.library.insert(torrent);
    return torrent;
  },
  addStuck: (state, hash, name) => {
    const torrent = state.library.build(name, "magnet_conversion", state.library.nextAddedDate(), hash);
    torrent.pollsUntilNext = FOREVER;
    state.library.insert(torrent);
    return torrent;
  },
  stuckStatus: "magnet_conversion",
  kill: (_state, torrent) => {
    torrent.status = "dead";
  },
  byHash: (state, hash) => state.byHash(hash),
  listPageSize: 5000,
};

export const allDebridHooks: FakeAccountHooks = {
  addFinished: (state, hash, name) => {
    const account = allDebridAccount(state);
    const { torrent } = account.add(hash, name);
    account.finish(torrent);
    return torrent;
  },
  addStuck: (state, hash, name) => {
    const account = allDebridAccount(state);
    const { torrent } = account.add(hash, name);
    const meta = account.meta.get(torrent.id);
    if (meta) meta.pollsUntilNext = FOREVER;
    return torrent;
  },
  // AllDebrid has no metadata step: a new magnet is "In Queue" (statusCode 0).
  stuckStatus: "queued",
  // statusCode 11, "Deleted on the hoster website": the content is gone, re-adding may bring it back.
  kill: (state, torrent) => allDebridAccount(state).fail(torrent, 11),
  byHash: (state, hash) => allDebridAccount(state).byHash(hash),
  listPageSize: Number.POSITIVE_INFINITY,
  fastEnv: { AD_RATE_WINDOW_MS: "1000" },
};

export const debridLinkHooks: FakeAccountHooks = {
  addFinished: (state, hash, name) => {
    const account = debridLinkAccount(state);
    const torrent = account.add(hash, name);
    account.finish(torrent);
    return torrent;
  },
  addStuck: (state, hash, name) => {
    const account = debridLinkAccount(state);
    const torrent = account.add(hash, name);
    const meta = account.meta.get(torrent.id);
    if (meta) meta.pollsUntilNext = FOREVER;
    return torrent;
  },
  stuckStatus: "magnet_conversion",
  kill: (state, torrent) => debridLinkAccount(state).kill(torrent.id),
  byHash: (state, hash) => debridLinkAccount(state).byHash(hash),
  listPageSize: 100,
  fastEnv: { DEBRIDLINK_RATE_LIMIT: "250", DEBRIDLINK_RATE_WINDOW_MS: "1000" },
};

export const premiumizeHooks: FakeAccountHooks = {
  addFinished: (state, hash, name) => {
    const account = premiumizeAccount(state);
    const torrent = account.add(hash, name, `magnet:?xt=urn:btih:${hash}`);
    account.finish(torrent);
    return torrent;
  },
  addStuck: (state, hash, name) => {
    const account = premiumizeAccount(state);
    const torrent = account.add(hash, name, `magnet:?xt=urn:btih:${hash}`);
    const lifecycle = account.added.get(torrent.id);
    if (lifecycle) lifecycle.pollsUntilNext = FOREVER;
    return torrent;
  },
  // "waiting": created, metadata not fetched yet.
  stuckStatus: "magnet_conversion",
  kill: (state, torrent) => premiumizeAccount(state).kill(torrent.id),
  byHash: (state, hash) => premiumizeAccount(state).byHash(hash),
  listPageSize: Number.POSITIVE_INFINITY,
};

export const torBoxHooks: FakeAccountHooks = {
  addFinished: (state, hash, name) => {
    const account = torBoxAccount(state);
    const { torrent } = account.add(hash, name);
    account.finish(torrent, "completed");
    return torrent;
  },
  addStuck: (state, hash, name) => {
    const account = torBoxAccount(state);
    const { torrent } = account.add(hash, name);
    const meta = account.meta.get(torrent.id);
    if (meta) meta.pollsUntilNext = FOREVER;
    return torrent;
  },
  // "metaDL".
  stuckStatus: "magnet_conversion",
  // Finished, but no longer `download_present`: its files were dropped from TorBox's storage.
  kill: (state, torrent) => torBoxAccount(state).expire(torrent),
  byHash: (state, hash) => torBoxAccount(state).byHash(hash),
  listPageSize: 1000,
};
