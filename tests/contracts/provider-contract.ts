import { describe, expect, test } from "bun:test";
import { buildTorrentFile } from "../../src/domain/torrent-file.ts";
import { contentSlice } from "../../src/fake-debrid/content.ts";
import type { FakeDebridServer } from "../../src/fake-debrid/index.ts";
import {
  type DebridProvider,
  ProviderError,
  type ProviderTorrent,
  type ProviderTorrentInfo,
} from "../../src/providers/types.ts";

/**
 * What every DebridProvider must do, checked against the fake server through the interface only.
 * A new provider passes this suite before the download client may use it.
 */
export interface ContractSubject {
  provider: DebridProvider;
  fake: FakeDebridServer;
  /** The environment variable an auth error must point the user to. */
  credentialVariable: string;
  /** The same provider with a wrong credential, and that credential (it must never leak). */
  withBadCredentials(): { provider: DebridProvider; secret: string };
  close(): Promise<void>;
}

export type MakeSubject = () => Promise<ContractSubject>;

let counter = 0;
/** A fresh hash per test, so scripts and catalogs never collide. */
function freshHash(): string {
  counter++;
  return `${counter.toString(16).padStart(8, "0")}f00dcafe`.repeat(5).slice(0, 40);
}

const FILES = [
  { path: "/Contract.Show.S01/Contract.Show.S01E01.mkv", bytes: 300_001 },
  { path: "/Contract.Show.S01/Contract.Show.S01E02.mkv", bytes: 123_457 },
  { path: "/Contract.Show.S01/Subs/en.srt", bytes: 2_048 },
];

/** Polls getTorrent (bounded) until `done` holds; returns the last answer. */
async function pollUntil(
  provider: DebridProvider,
  id: string,
  done: (t: ProviderTorrentInfo) => boolean,
  what: string,
): Promise<ProviderTorrentInfo> {
  let last: ProviderTorrentInfo | null = null;
  for (let i = 0; i < 30; i++) {
    last = await provider.getTorrent(id);
    if (done(last)) return last;
  }
  throw new Error(`${what} never happened; last status ${last?.status}`);
}

/** The provider's lifecycle through the interface: files known → select all → downloaded. */
async function untilDownloaded(provider: DebridProvider, id: string): Promise<ProviderTorrentInfo> {
  await pollUntil(provider, id, (t) => t.files.length > 0, "files listed");
  await provider.selectFiles(id, "all");
  return pollUntil(provider, id, (t) => t.status === "downloaded" && t.links.length > 0, "downloaded");
}

async function caught(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

async function listAll(provider: DebridProvider): Promise<ProviderTorrent[]> {
  const all: ProviderTorrent[] = [];
  for await (const page of provider.listTorrents()) all.push(...page);
  return all;
}

export function describeProviderContract(name: string, make: MakeSubject): void {
  describe(`provider contract: ${name}`, () => {
    test("magnet → files → downloaded → unrestricted links serve the right bytes (with Range)", async () => {
      const s = await make();
      try {
        const hash = freshHash();
        s.fake.state.scripts.set(hash, { files: FILES });
        const added = await s.provider.addMagnet(`magnet:?xt=urn:btih:${hash}&dn=Contract.Show.S01`);
        expect(added.id).toBeString();
        const info = await untilDownloaded(s.provider, added.id);
        expect(info.hash).toBe(hash);
        expect(info.progress).toBe(100);
        const selected = info.files.filter((f) => f.selected);
        expect(selected.map((f) => f.path).sort()).toEqual(FILES.map((f) => f.path).sort());
        expect(info.links.length).toBe(selected.length);
        for (const [i, file] of selected.entries()) {
          const link = await s.provider.unrestrictLink(info.links[i] as string);
          const expected = FILES.findIndex((f) => f.path === file.path);
          expect(link.filesize).toBe(file.bytes);
          expect(link.filename).toBe(file.path.split("/").pop() as string);
          const body = new Uint8Array(await (await fetch(link.download)).arrayBuffer());
          expect(body.length).toBe(file.bytes);
          expect(
            Buffer.from(body).equals(Buffer.from(contentSlice(`${hash}:${expected + 1}`, 0, file.bytes))),
          ).toBe(true);
          if (i === 0) {
            const ranged = await fetch(link.download, { headers: { Range: "bytes=1000-1999" } });
            expect(ranged.status).toBe(206);
            const part = new Uint8Array(await ranged.arrayBuffer());
            expect(
              Buffer.from(part).equals(Buffer.from(contentSlice(`${hash}:${expected + 1}`, 1000, 2000))),
            ).toBe(true);
          }
        }
        expect(s.fake.stats.rateLimited).toBe(0);
      } finally {
        await s.close();
      }
    });

    test("a .torrent upload lands under its info-hash with its files", async () => {
      const s = await make();
      try {
        const torrent = buildTorrentFile("Contract.Movie.2024", [
          { path: "Contract.Movie.2024.mkv", length: 54_321 },
          { path: "Extras/Making.Of.mkv", length: 12_345 },
        ]);
        const added = await s.provider.addTorrentFile(torrent);
        const info = await untilDownloaded(s.provider, added.id);
        expect(info.hash).toMatch(/^[0-9a-f]{40}$/);
        expect(info.files.map((f) => f.bytes).sort()).toEqual([12_345, 54_321]);
        expect(info.files.some((f) => f.path.endsWith("/Extras/Making.Of.mkv"))).toBe(true);
        const listed = await listAll(s.provider);
        expect(listed.find((t) => t.id === added.id)?.hash).toBe(info.hash);
      } finally {
        await s.close();
      }
    });

    test("delete removes the torrent: gone from the list, getTorrent is not_found", async () => {
      const s = await make();
      try {
        const hash = freshHash();
        const added = await s.provider.addMagnet(`magnet:?xt=urn:btih:${hash}`);
        expect((await listAll(s.provider)).some((t) => t.id === added.id && t.hash === hash)).toBe(true);
        await s.provider.deleteTorrent(added.id);
        expect((await listAll(s.provider)).some((t) => t.id === added.id)).toBe(false);
        const error = await caught(s.provider.getTorrent(added.id));
        expect(error.kind).toBe("not_found");
        expect(error.retryable).toBe(false);
        expect((await caught(s.provider.deleteTorrent(added.id))).kind).toBe("not_found");
      } finally {
        await s.close();
      }
    });

    test("errors are typed: invalid magnet, unknown id, too many active, dead link", async () => {
      const s = await make();
      try {
        const invalid = await caught(s.provider.addMagnet("magnet:?xt=urn:btih:not-a-hash"));
        expect(invalid.kind).toBe("bad_request");
        expect(invalid.retryable).toBe(false);

        const unknown = await caught(s.provider.getTorrent("999999999"));
        expect(unknown.kind).toBe("not_found");

        const busy = freshHash();
        s.fake.state.scripts.set(busy, { addError: "too_many_active_downloads" });
        const refused = await caught(s.provider.addMagnet(`magnet:?xt=urn:btih:${busy}`));
        expect(refused.kind).toBe("too_many_active");
        expect(refused.retryable).toBe(true);
        expect(refused.provider).toBe(s.provider.kind);

        const hash = freshHash();
        s.fake.state.scripts.set(hash, { files: [FILES[0] as { path: string; bytes: number }] });
        const added = await s.provider.addMagnet(`magnet:?xt=urn:btih:${hash}`);
        const info = await untilDownloaded(s.provider, added.id);
        await s.provider.deleteTorrent(added.id);
        const dead = await caught(s.provider.unrestrictLink(info.links[0] as string));
        expect(["not_found", "unavailable"]).toContain(dead.kind);
      } finally {
        await s.close();
      }
    });

    test("bad credentials: one request, an auth error naming the variable, never the key", async () => {
      const s = await make();
      try {
        const { provider, secret } = s.withBadCredentials();
        const before = s.fake.stats.requests;
        const error = await caught(provider.getAccount());
        expect(error.kind).toBe("auth");
        expect(error.code).toBe("upstream_auth");
        expect(error.message).toContain(s.credentialVariable);
        expect(error.message).not.toContain(secret);
        expect(JSON.stringify(error.context)).not.toContain(secret);
        expect(s.fake.stats.requests - before).toBe(1);
        expect((await caught(provider.addMagnet(`magnet:?xt=urn:btih:${freshHash()}`))).kind).toBe("auth");
      } finally {
        await s.close();
      }
    });

    test("the account answers, and a burst of calls stays within the provider's limits", async () => {
      const s = await make();
      try {
        const account = await s.provider.getAccount();
        expect(account.username.length).toBeGreaterThan(0);
        expect(account.premium).toBe(true);
        expect(account.premiumSecondsLeft).toBeGreaterThan(0);
        const ids: string[] = [];
        for (let i = 0; i < 5; i++)
          ids.push((await s.provider.addMagnet(`magnet:?xt=urn:btih:${freshHash()}`)).id);
        // 20 concurrent reads: the client throttles before sending, so nothing is refused.
        await Promise.all(
          Array.from({ length: 20 }, (_, i) => s.provider.getTorrent(ids[i % ids.length] as string)),
        );
        expect(s.fake.stats.rateLimited).toBe(0);
        expect(s.provider.stats().rateLimited).toBe(0);
        expect(s.provider.stats().failures).toBe(0);
      } finally {
        await s.close();
      }
    });
  });
}
