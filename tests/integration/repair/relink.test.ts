import { afterAll, describe, expect, test } from "bun:test";
import { lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { recentAttempts } from "../../../src/db/repo/repair-attempts.ts";
import type { Deps } from "../../../src/deps.ts";
import { contentSha256 } from "../../../src/fake-debrid/content.ts";
import type { FakeTorrent } from "../../../src/fake-debrid/library.ts";
import { type FakeMountFolder, showNow, startFakeMount } from "../../../src/fake-debrid/mount.ts";
import { createApp } from "../../../src/http/app.ts";
import { runRepair, scanForRepair } from "../../../src/services/repair/index.ts";
import type { RelinkRecord } from "../../../src/services/repair/relink.ts";
import { relinkRound } from "../../../src/services/repair/relink.ts";
import { type FakeArr, startFakeArr } from "../../fakes/arr-server.ts";
import { waitFor } from "../../helpers/downloads.ts";
import { tempDir } from "../../helpers/temp-dir.ts";
import { ALL_DOWNLOADED, type RepairEnv, startRepairEnv, syncLibrary } from "./helpers.ts";

/**
 * A torrent whose files the library links into the debrid mount dies and is repaired: the
 * provider re-adds it under a new id and a new name, so its files come back in another folder of
 * the mount. The links (a Sonarr library under MEDIA_ROOT, a symlink-mode grab under
 * DOWNLOAD_DIR) are rewritten once the mount shows the new files, and the Sonarr whose root
 * folder holds them rescans. Small files: the fake mount writes them whole, synchronously.
 */
const sonarr = startFakeArr({ kind: "sonarr", items: [{ id: 7, title: "The Show", path: "/tv/The Show" }] });
const sonarr4k = startFakeArr({
  kind: "sonarr",
  items: [{ id: 8, title: "The Show", path: "/tv4k/The Show" }],
});
const servers: FakeArr[] = [sonarr, sonarr4k];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

async function sha256(path: string): Promise<string> {
  return new Bun.CryptoHasher("sha256").update(await Bun.file(path).arrayBuffer()).digest("hex");
}

function link(path: string, target: string): string {
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path);
  return path;
}

interface Scene {
  env: RepairEnv;
  mount: FakeMountFolder;
  mountDir: string;
  pack: FakeTorrent;
  newName: string;
  /** Links into the pack's files: two library episodes, one symlink-mode grab. */
  links: Array<{ path: string; rel: string }>;
  /** Links that are not the pack's: never touched. */
  decoys: Array<{ path: string; target: string }>;
  [Symbol.asyncDispose](): Promise<void>;
}

async function scene(options: { env?: Record<string, string>; arrMount?: string } = {}): Promise<Scene> {
  const media = tempDir("redriva-media-");
  const downloads = tempDir("redriva-downloads-");
  const mountDir = tempDir("redriva-mount-");
  // Docker: the links hold the mount as the *arr and Plex see it (SYMLINK_PATH_MAPPINGS).
  const linkMount = options.arrMount ?? mountDir.path;
  const mapping: Record<string, string> = options.arrMount
    ? { SYMLINK_PATH_MAPPINGS: `${mountDir.path}=${options.arrMount}` }
    : {};
  const never = new Set<string>();
  const env = await startRepairEnv({
    fake: {
      instantAvailability: true,
      library: { size: 8, seed: 9, mix: ALL_DOWNLOADED, fileBytes: { min: 1_000, max: 20_000 } },
    },
    env: {
      DRY_RUN: "false",
      MEDIA_ROOT: media.path,
      DOWNLOAD_DIR: downloads.path,
      SYMLINK_MOUNT_PATH: mountDir.path,
      SYMLINK_MOUNT_TIMEOUT: "60s",
      SONARR_URL: sonarr.url,
      SONARR_API_KEY: sonarr.apiKey,
      SONARR_URL_2: sonarr4k.url,
      SONARR_API_KEY_2: sonarr4k.apiKey,
      ...mapping,
      ...options.env,
    },
  });
  const mount = startFakeMount(env.fake.state, { root: mountDir.path, layout: "rclone-realdebrid", never });
  const torrents = [...env.fake.state.library.torrents.values()];
  const selected = (t: FakeTorrent) => t.files.filter((f) => f.selected);
  const pack = torrents.sort((a, b) => selected(b).length - selected(a).length)[0] as FakeTorrent;
  const other = torrents.find((t) => t !== pack && selected(t).length > 0) as FakeTorrent;
  expect(selected(pack).length).toBeGreaterThanOrEqual(3);
  // The mount as it was: both torrents' folders.
  showNow(mount, pack);
  showNow(mount, other);
  await syncLibrary(env.deps);

  // Re-added, the provider names it otherwise; the mount is slow to show it.
  const newName = `${pack.filename}.REPACK`;
  env.fake.state.catalog.set(pack.hash, {
    name: newName,
    files: pack.files.map((f) => ({ path: f.path, bytes: f.bytes })),
  });
  never.add(pack.hash);

  const rel = (path: string) => path.replace(/^\/+/, "");
  const [e1, e2, e3] = selected(pack) as [
    FakeTorrent["files"][0],
    FakeTorrent["files"][0],
    FakeTorrent["files"][0],
  ];
  const old = (f: { path: string }) => join(linkMount, "torrents", pack.filename, rel(f.path));
  const season = join(media.path, "tv4k", "The Show", "Season 01");
  const links = [
    { path: link(join(season, "The Show - S01E01.mkv"), old(e1)), rel: rel(e1.path) },
    { path: link(join(season, "The Show - S01E02.mkv"), old(e2)), rel: rel(e2.path) },
    {
      path: link(join(downloads.path, "tv-sonarr", pack.filename, rel(e3.path)), old(e3)),
      rel: rel(e3.path),
    },
  ];
  const otherFile = selected(other)[0] as { path: string };
  const decoys = [
    // Another torrent's file, and a file of the pack's name inside a folder that is not the pack.
    join(linkMount, "torrents", other.filename, rel(otherFile.path)),
    join(linkMount, "torrents", "Some.Other.Folder", rel(e1.path)),
  ].map((target, i) => ({ path: link(join(media.path, "tv", `Other ${i}`, "e.mkv"), target), target }));
  return {
    env,
    mount,
    mountDir: mountDir.path,
    pack,
    newName,
    links,
    decoys,
    async [Symbol.asyncDispose]() {
      mount.close();
      await env[Symbol.asyncDispose]();
      for (const dir of [media, downloads, mountDir]) dir[Symbol.dispose]();
    },
  };
}

function lastRelink(deps: Deps): RelinkRecord | undefined {
  const attempt = recentAttempts(deps.dbh.db, 1)[0];
  return attempt ? (JSON.parse(attempt.detail) as { relink?: RelinkRecord }).relink : undefined;
}

function resetArr() {
  for (const s of servers) {
    s.commands.length = 0;
    s.requests.length = 0;
  }
}

describe("repair of a torrent the library links into the mount", () => {
  test(
    "re-added under a new name: its links wait for the new files (through a restart), are rewritten atomically, and the owning Sonarr rescans",
    async () => {
      resetArr();
      await using s = await scene();
      const { env, pack, newName, links } = s;
      const before = links.map((l) => readlinkSync(l.path));
      pack.status = "dead";
      await scanForRepair(env.deps, "quick");
      const run = await runRepair(env.deps, { trigger: "cli" });
      expect(run.counts.repaired).toBe(1);

      // Recorded in the attempt; nothing rewritten while the mount does not show the new files.
      const waiting = lastRelink(env.deps);
      expect(waiting?.state).toBe("waiting");
      expect(waiting?.links.map((l) => l.path).sort()).toEqual(links.map((l) => l.path).sort());
      expect(await relinkRound(env.deps)).toBe(1);
      expect(lastRelink(env.deps)?.state).toBe("waiting");
      expect(links.map((l) => readlinkSync(l.path))).toEqual(before);

      // Redriva restarts: the wait is taken up from the attempt by the new process.
      const after = env.reopen();
      expect(after.repairRuns.relinkWaits.size).toBe(0);
      await relinkRound(after);
      expect(after.repairRuns.relinkWaits.size).toBe(1);
      const readded = env.fake.state.byHash(pack.hash);
      if (!readded || readded.id === pack.id) throw new Error("the fake did not re-add the torrent");
      showNow(s.mount, readded);
      const done = await waitFor(
        async () => {
          await relinkRound(after);
          const record = lastRelink(after);
          return record?.state !== "waiting" ? record : null;
        },
        { timeoutMs: 30_000, what: "the links rewritten" },
      );
      expect(done).toMatchObject({ state: "done", left: [], rescans: 1, arrErrors: [] });
      expect(done.rewritten?.sort()).toEqual(links.map((l) => l.path).sort());

      for (const l of links) {
        expect(lstatSync(l.path).isSymbolicLink()).toBe(true);
        expect(readlinkSync(l.path)).toBe(join(s.mountDir, "torrents", newName, l.rel));
        const file = readded.files.find((f) => f.path.replace(/^\/+/, "") === l.rel);
        if (!file) throw new Error(`no file ${l.rel} in the re-added torrent`);
        // The new torrent's bytes, not the old folder's (still in the stale mount).
        expect(await sha256(l.path)).toBe(contentSha256(file.key, file.bytes));
      }
      for (const d of s.decoys) expect(readlinkSync(d.path)).toBe(d.target);
      // The attempt says so on the torrent's repair history.
      const page = await (await createApp(after).request(`/repair/history/${readded.id}`)).text();
      expect(page).toContain(`links: 3 rewritten to <code>${newName}</code>, 1 rescan(s)`);
      // The Sonarr whose root folder (/tv4k) holds the episodes rescans the series once.
      expect(sonarr4k.commands.map((c) => c.body)).toEqual([{ name: "RescanSeries", seriesId: 8 }]);
      expect(sonarr.commands).toEqual([]);
    },
    { timeout: 90_000 },
  );

  test(
    "a mount that never shows the new files: failed after SYMLINK_MOUNT_TIMEOUT with where it looked, links left as they were",
    async () => {
      resetArr();
      await using s = await scene();
      const { env, pack, links } = s;
      const before = links.map((l) => readlinkSync(l.path));
      pack.status = "dead";
      await scanForRepair(env.deps, "quick");
      expect((await runRepair(env.deps, { trigger: "cli" })).counts.repaired).toBe(1);
      await relinkRound(env.deps);
      expect(lastRelink(env.deps)?.state).toBe("waiting");
      env.clock.advance(61_000);
      await relinkRound(env.deps);
      const failed = lastRelink(env.deps);
      expect(failed?.state).toBe("failed");
      expect(failed?.error).toContain("did not appear in the mount within 1 min");
      expect(failed?.error).toContain(s.newName);
      const page = await (await createApp(env.deps).request(`/repair/history/${pack.id}`)).text();
      expect(page).toContain("links not rewritten: the re-added torrent&#39;s files did not appear");
      expect(links.map((l) => readlinkSync(l.path))).toEqual(before);
      expect(sonarr.commands.concat(sonarr4k.commands)).toEqual([]);
      // Done with: later rounds leave it alone.
      expect(await relinkRound(env.deps)).toBe(0);
    },
    { timeout: 90_000 },
  );

  test(
    "dry run: the plan lists the links that would be rewritten; nothing is re-added, rewritten or rescanned",
    async () => {
      resetArr();
      await using s = await scene({ env: { DRY_RUN: "true" } });
      const { env, pack, links } = s;
      const before = links.map((l) => readlinkSync(l.path));
      pack.status = "dead";
      await scanForRepair(env.deps, "quick");
      const torrents = env.fake.state.library.torrents.size;
      const run = await runRepair(env.deps, { trigger: "cli" });
      expect(run.counts.planned).toBe(1);
      const steps = (run.items[0]?.plan?.steps ?? []).join("\n");
      expect(steps).toContain("rewrite 3 link(s)");
      for (const l of links) expect(steps).toContain(l.path);
      const planned = lastRelink(env.deps);
      expect(planned?.state).toBe("planned");
      expect(planned?.planned?.sort()).toEqual(links.map((l) => l.path).sort());
      expect(await relinkRound(env.deps)).toBe(0);
      expect(links.map((l) => readlinkSync(l.path))).toEqual(before);
      expect(env.fake.state.library.torrents.size).toBe(torrents);
      expect(sonarr.commands.concat(sonarr4k.commands)).toEqual([]);
    },
    { timeout: 90_000 },
  );
  test(
    "Docker path mapping: links holding the *arr's path to the mount are found and rewritten with that path",
    async () => {
      resetArr();
      await using s = await scene({ arrMount: "/data/debrid" });
      const { env, pack, newName, links } = s;
      pack.status = "dead";
      await scanForRepair(env.deps, "quick");
      expect((await runRepair(env.deps, { trigger: "cli" })).counts.repaired).toBe(1);
      expect(lastRelink(env.deps)?.links.length).toBe(3);
      const readded = env.fake.state.byHash(pack.hash);
      if (!readded) throw new Error("the fake did not re-add the torrent");
      showNow(s.mount, readded);
      const done = await waitFor(
        async () => {
          await relinkRound(env.deps);
          const record = lastRelink(env.deps);
          return record?.state !== "waiting" ? record : null;
        },
        { timeoutMs: 30_000, what: "the links rewritten" },
      );
      expect(done).toMatchObject({ state: "done", left: [] });
      for (const l of links)
        expect(readlinkSync(l.path)).toBe(join("/data/debrid", "torrents", newName, l.rel));
      for (const d of s.decoys) expect(readlinkSync(d.path)).toBe(d.target);
    },
    { timeout: 90_000 },
  );
  test(
    "confined: a link changed since the repair, or under a folder swapped for a link out of its root, is left with why",
    async () => {
      resetArr();
      await using s = await scene();
      using outside = tempDir("redriva-outside-");
      const { env, pack, newName, links } = s;
      pack.status = "dead";
      await scanForRepair(env.deps, "quick");
      expect((await runRepair(env.deps, { trigger: "cli" })).counts.repaired).toBe(1);
      const [kept, changed, grab] = links as [Scene["links"][0], Scene["links"][0], Scene["links"][0]];
      // The user points one episode elsewhere meanwhile.
      const elsewhere = join(outside.path, "mine.mkv");
      rmSync(changed.path);
      symlinkSync(elsewhere, changed.path);
      // The grab's folder becomes a link to a folder outside DOWNLOAD_DIR holding a link of that name.
      const grabFolder = dirname(grab.path);
      const decoy = join(outside.path, "folder", basename(grab.path));
      mkdirSync(dirname(decoy), { recursive: true });
      symlinkSync(readlinkSync(grab.path), decoy);
      rmSync(grabFolder, { recursive: true });
      symlinkSync(dirname(decoy), grabFolder);
      const decoyBefore = readlinkSync(decoy);

      const readded = env.fake.state.byHash(pack.hash);
      if (!readded) throw new Error("the fake did not re-add the torrent");
      showNow(s.mount, readded);
      const done = await waitFor(
        async () => {
          await relinkRound(env.deps);
          const record = lastRelink(env.deps);
          return record?.state !== "waiting" ? record : null;
        },
        { timeoutMs: 30_000, what: "the relink" },
      );
      expect(done.state).toBe("done");
      expect(done.rewritten).toEqual([kept.path]);
      expect(readlinkSync(kept.path)).toBe(join(s.mountDir, "torrents", newName, kept.rel));
      const why = Object.fromEntries(done.left.map((l) => [l.path, l.why]));
      expect(why[changed.path]).toContain("changed since the repair");
      expect(why[grab.path]).toBe("its folder now leads outside its root");
      expect(readlinkSync(changed.path)).toBe(elsewhere);
      expect(readlinkSync(decoy)).toBe(decoyBefore);
    },
    { timeout: 90_000 },
  );
});
