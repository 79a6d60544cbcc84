import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { getTorrent } from "../../../src/db/repo/downloads.ts";
import { allDebridAccount } from "../../../src/fake-debrid/alldebrid/account.ts";
import { contentSha256 } from "../../../src/fake-debrid/content.ts";
import { addTorrents } from "../../../src/services/downloads/add.ts";
import { startPipeline, waitFor } from "../../helpers/downloads.ts";

const LONG = { timeout: 30_000 };

async function sha256(path: string): Promise<string> {
  return new Bun.CryptoHasher("sha256").update(await Bun.file(path).arrayBuffer()).digest("hex");
}

function finished(p: { deps: { dbh: { db: Parameters<typeof getTorrent>[0] } } }, hash: string) {
  return waitFor(
    () => {
      const t = getTorrent(p.deps.dbh.db, hash);
      return t?.stage === "done" || t?.stage === "error" ? t : null;
    },
    { timeoutMs: 20_000 },
  );
}

describe("AllDebrid and the fallback between providers", () => {
  test(
    "AllDebrid only: magnet/upload → status → link/unlock → aria2c → the right bytes; only video files",
    async () => {
      await using p = await startPipeline({
        allDebrid: true,
        noRealDebrid: true,
        env: { DEFAULT_PROVIDER: "alldebrid" },
      });
      const { hash, magnet } = p.magnet("Show.S03.720p", [
        { path: "/Show.S03.720p/Show.S03E01.mkv", bytes: 700_000 },
        { path: "/Show.S03.720p/Show.S03E02.mkv", bytes: 800_000 },
        { path: "/Show.S03.720p/info.nfo", bytes: 500 },
      ]);
      await addTorrents(p.deps, { urls: [magnet], files: [], category: "tv-sonarr" });
      const done = await finished(p, hash);
      expect(done.error).toBeNull();
      expect(done.provider).toBe("alldebrid");
      const folder = join(p.downloadDir, "tv-sonarr", "Show.S03.720p");
      expect(done.content_path).toBe(folder);
      // AllDebrid has no file selection: Redriva downloads only what Real-Debrid would have selected.
      expect(readdirSync(folder).sort()).toEqual(["Show.S03E01.mkv", "Show.S03E02.mkv"]);
      expect(await sha256(join(folder, "Show.S03E01.mkv"))).toBe(contentSha256(`${hash}:1`, 700_000));
    },
    LONG,
  );

  test(
    "the category's provider is used (radarr → alldebrid while the default is realdebrid)",
    async () => {
      await using p = await startPipeline({
        allDebrid: true,
        env: { DOWNLOAD_CATEGORY_PROVIDERS: "radarr=alldebrid" },
      });
      const movie = p.magnet("Movie.2021", [{ path: "/Movie.2021.mkv", bytes: 400_000 }]);
      const show = p.magnet("Show.S01E01", [{ path: "/Show.S01E01.mkv", bytes: 300_000 }]);
      await addTorrents(p.deps, { urls: [movie.magnet], files: [], category: "radarr" });
      await addTorrents(p.deps, { urls: [show.magnet], files: [], category: "tv-sonarr" });
      expect((await finished(p, movie.hash)).provider).toBe("alldebrid");
      expect((await finished(p, show.hash)).provider).toBe("realdebrid");
    },
    LONG,
  );

  test(
    "Real-Debrid refuses (too many active downloads): the torrent falls back to AllDebrid and completes",
    async () => {
      await using p = await startPipeline({ allDebrid: true });
      const { hash, magnet } = p.magnet("Busy.Day", [{ path: "/Busy.Day.mkv", bytes: 600_000 }]);
      p.fake.state.scripts.set(hash, {
        files: [{ path: "/Busy.Day.mkv", bytes: 600_000 }],
        addError: "too_many_active_downloads",
      });
      // The shared script would refuse on AllDebrid too: give AllDebrid its own (no refusal).
      allDebridAccount(p.fake.state).scripts.set(hash, {
        files: [{ path: "/Busy.Day.mkv", bytes: 600_000 }],
      });
      await addTorrents(p.deps, { urls: [magnet], files: [] });
      const done = await finished(p, hash);
      expect(done.error).toBeNull();
      expect(done.provider).toBe("alldebrid");
      expect(done.message).toBeNull();
      expect(await sha256(done.content_path as string)).toBe(contentSha256(`${hash}:1`, 600_000));
    },
    LONG,
  );

  test(
    "infringing_file is an honest error, not a fallback",
    async () => {
      await using p = await startPipeline({ allDebrid: true });
      const { hash, magnet } = p.magnet("Blocked", [{ path: "/Blocked.mkv", bytes: 1000 }]);
      p.fake.state.scripts.set(hash, { addError: "infringing_file" });
      await addTorrents(p.deps, { urls: [magnet], files: [] });
      const done = await finished(p, hash);
      expect(done.stage).toBe("error");
      expect(done.error).toContain("infringing_file");
      expect(done.provider).toBeNull();
    },
    LONG,
  );

  test(
    "dead at Real-Debrid after the add: removed there, tried on AllDebrid",
    async () => {
      await using p = await startPipeline({ allDebrid: true });
      const { hash, magnet } = p.magnet("Dead.Here", [{ path: "/Dead.Here.mkv", bytes: 500_000 }]);
      p.fake.state.scripts.set(hash, {
        files: [{ path: "/Dead.Here.mkv", bytes: 500_000 }],
        finalStatus: "dead",
      });
      allDebridAccount(p.fake.state).scripts.set(hash, {
        files: [{ path: "/Dead.Here.mkv", bytes: 500_000 }],
      });
      await addTorrents(p.deps, { urls: [magnet], files: [] });
      const done = await finished(p, hash);
      expect(done.error).toBeNull();
      expect(done.provider).toBe("alldebrid");
      expect(done.providers_tried).toBe("realdebrid");
    },
    LONG,
  );
});
