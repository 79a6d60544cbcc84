import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { filesOf, getTorrent } from "../../../src/db/repo/downloads.ts";
import { contentSha256 } from "../../../src/fake-debrid/content.ts";
import { addHosterFile } from "../../../src/fake-debrid/hoster.ts";
import type { FakeDebridServer } from "../../../src/fake-debrid/index.ts";
import { FAKE_PROVIDERS, type FakeProvider } from "../../../src/fake-debrid/providers.ts";
import { PROVIDERS } from "../../../src/providers/list.ts";
import { addTorrents } from "../../../src/services/downloads/add.ts";
import { resumeTorrents } from "../../../src/services/downloads/control.ts";
import { hosterLinkHash } from "../../../src/services/downloads/hoster-link.ts";
import { startPipeline, waitFor } from "../../helpers/downloads.ts";

/**
 * File host links (issue 13 §7): a link that is not a .torrent is unrestricted by the provider
 * and downloaded into the category's folder. Runs for every fake provider whose client declares
 * the capability (DebridProvider.unrestrictHosterLink); the others refuse the link in words.
 */
const LONG = { timeout: 90_000 };

/** How each provider says a file host no longer has the file (Premiumize: its own sentence). */
const GONE_WORDS: Record<string, string> = {
  realdebrid: "Real-Debrid: the host no longer has this file (file_unavailable, code 24",
  alldebrid: "AllDebrid: the host no longer has this file (LINK_DOWN",
  premiumize: "Premiumize: the provider no longer has this torrent or file (File not found on the hoster.)",
};

function envOf(fp: FakeProvider, fake: FakeDebridServer): Record<string, string> {
  return { ...fp.env(fake), ...fp.account.fastEnv, DEFAULT_PROVIDER: fp.kind };
}

async function pipelineFor(fp: FakeProvider, env: Record<string, string> = {}) {
  return startPipeline({ noRealDebrid: true, env: (fake) => ({ ...envOf(fp, fake), ...env }) });
}

function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** Every text column of the download tables: the unrestricted URL (fake: /dl/<token>) is never stored. */
function storedText(p: { deps: { dbh: { sqlite: { query(sql: string): { all(): unknown[] } } } } }) {
  return JSON.stringify([
    p.deps.dbh.sqlite.query("SELECT * FROM download_torrents").all(),
    p.deps.dbh.sqlite.query("SELECT * FROM download_files").all(),
  ]);
}

test(
  "the providers declaring the capability are Real-Debrid, AllDebrid and Premiumize",
  async () => {
    const capable: string[] = [];
    for (const fp of FAKE_PROVIDERS) {
      await using p = await pipelineFor(fp);
      if (typeof p.deps.providers.get(fp.kind)?.unrestrictHosterLink === "function") capable.push(fp.kind);
    }
    expect(capable).toEqual(["realdebrid", "alldebrid", "premiumize"]);
  },
  LONG,
);

for (const fp of FAKE_PROVIDERS) {
  const label = PROVIDERS.find((d) => d.kind === fp.kind)?.label ?? fp.kind;
  describe(`${label}: file host links`, () => {
    test(
      "a hoster link is unrestricted and downloaded into the category's folder, right bytes",
      async () => {
        await using p = await pipelineFor(fp);
        if (!p.deps.providers.get(fp.kind)?.unrestrictHosterLink) {
          // No capability: refused in words at the add, nothing queued.
          const file = addHosterFile(p.fake.state, "Refused.Film.mkv", 10_000);
          const result = await addTorrents(p.deps, { urls: [file.link], files: [], category: "movies" });
          expect(result.added).toEqual([]);
          expect(result.failed[0]?.reason).toContain("no configured provider downloads file host links");
          return;
        }
        const file = addHosterFile(p.fake.state, "Hosted.Film.2024.mkv", 1_234_567);
        const result = await addTorrents(p.deps, { urls: [file.link], files: [], category: "movies" });
        expect(result.failed).toEqual([]);
        const [hash] = result.added;
        if (!hash) throw new Error("nothing added");
        const row = getTorrent(p.deps.dbh.db, hash);
        expect(row?.source_kind).toBe("link");
        expect(row?.name).toBe("Hosted.Film.2024.mkv");
        expect(row?.provider).toBe(fp.kind);
        const done = await waitFor(
          () => {
            const t = getTorrent(p.deps.dbh.db, hash);
            if (t?.stage === "error") throw new Error(`failed: ${t.error}`);
            return t?.stage === "done" ? t : null;
          },
          { timeoutMs: 60_000, what: "the link's download" },
        );
        expect(done.content_path).toBe(join(p.downloadDir, "movies", "Hosted.Film.2024.mkv"));
        expect(sha256(done.content_path as string)).toBe(contentSha256(file.key, 1_234_567));
        expect(filesOf(p.deps.dbh.db, hash)[0]?.link).toBe(file.link);
        expect(storedText(p)).not.toContain("/dl/");
      },
      LONG,
    );

    test(
      "a link the host no longer has is refused in the provider's words",
      async () => {
        await using p = await pipelineFor(fp);
        const file = addHosterFile(p.fake.state, "Gone.mkv", 5_000);
        const entry = p.fake.state.hosterFiles.get(file.id);
        if (entry) entry.removed = true;
        const result = await addTorrents(p.deps, { urls: [file.link], files: [] });
        expect(result.added).toEqual([]);
        // The page's 404 first (not a .torrent), then the provider's words (or that none can).
        expect(result.failed[0]?.reason).toContain(
          "not a .torrent (fetching the .torrent answered HTTP 404)",
        );
        expect(result.failed[0]?.reason).toContain(
          p.deps.providers.get(fp.kind)?.unrestrictHosterLink
            ? (GONE_WORDS[fp.kind] ?? `${label}: `)
            : "no configured provider downloads file host links",
        );
        expect(getTorrent(p.deps.dbh.db, hosterLinkHash(file.link))).toBeUndefined();
      },
      LONG,
    );
  });
}

test(
  "symlink mode: a hoster link has no mount file, so it is downloaded anyway",
  async () => {
    const rd = FAKE_PROVIDERS.find((f) => f.kind === "realdebrid") as FakeProvider;
    await using p = await pipelineFor(rd, {
      DOWNLOAD_MODE: "symlink",
      SYMLINK_MOUNT_PATH: "/nonexistent-mount",
    });
    const file = addHosterFile(p.fake.state, "Linked.Mode.mkv", 300_000);
    const result = await addTorrents(p.deps, { urls: [file.link], files: [], category: "tv" });
    const [hash] = result.added;
    if (!hash) throw new Error(JSON.stringify(result.failed));
    const done = await waitFor(
      () => {
        const t = getTorrent(p.deps.dbh.db, hash);
        if (t?.stage === "error") throw new Error(`failed: ${t.error}`);
        return t?.stage === "done" ? t : null;
      },
      { timeoutMs: 60_000, what: "the link's download" },
    );
    expect(sha256(done.content_path as string)).toBe(contentSha256(file.key, 300_000));
  },
  LONG,
);

test(
  "a link the host dropped before its turn fails with every provider's words; added again, it downloads",
  async () => {
    await using p = await startPipeline({ allDebrid: true });
    const file = addHosterFile(p.fake.state, "Dropped.Then.Back.mkv", 200_000);
    const added = await addTorrents(p.deps, { urls: [file.link], files: [], paused: true });
    const [hash] = added.added;
    if (!hash) throw new Error(JSON.stringify(added.failed));
    expect(getTorrent(p.deps.dbh.db, hash)?.provider).toBe("realdebrid");
    const entry = p.fake.state.hosterFiles.get(file.id);
    if (!entry) throw new Error("no hoster file");
    entry.removed = true;
    resumeTorrents(p.deps, [hash]);
    const failed = await waitFor(
      () => {
        const t = getTorrent(p.deps.dbh.db, hash);
        return t?.stage === "error" ? t : null;
      },
      { timeoutMs: 30_000, what: "the link to fail" },
    );
    // Real-Debrid (which took it at the add) first, then AllDebrid: each says why.
    expect(failed.error).toBe(
      [
        "Real-Debrid: the host no longer has this file (file_unavailable, code 24, HTTP 503)",
        "AllDebrid: the host no longer has this file (LINK_DOWN: This link is not available on the file hoster website, HTTP 200)",
      ].join("; "),
    );
    entry.removed = false;
    const again = await addTorrents(p.deps, { urls: [file.link], files: [] });
    expect(again.added).toEqual([hash]);
    const done = await waitFor(
      () => {
        const t = getTorrent(p.deps.dbh.db, hash);
        return t?.stage === "done" ? t : null;
      },
      { timeoutMs: 60_000, what: "the link added again to download" },
    );
    expect(sha256(done.content_path as string)).toBe(contentSha256(file.key, 200_000));
  },
  LONG,
);
