import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getTorrent } from "../../../src/db/repo/downloads.ts";
import { buildMagnet } from "../../../src/domain/magnet.ts";
import { contentSha256 } from "../../../src/fake-debrid/content.ts";
import { startFakeDebrid } from "../../../src/fake-debrid/index.ts";
import { addTorrents } from "../../../src/services/downloads/add.ts";
import { randomHash, spawnRedriva, startPipeline, waitFor } from "../../helpers/downloads.ts";
import type { ArrQbitClient } from "../../helpers/qbit-client.ts";

const MB = 1024 * 1024;
const LONG = { timeout: 60_000 };

async function sha256(path: string): Promise<string> {
  return new Bun.CryptoHasher("sha256").update(await Bun.file(path).arrayBuffer()).digest("hex");
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("crashes mid-download", () => {
  test(
    "kill -9 of aria2c: restarted, the download re-attached, the final bytes right",
    async () => {
      await using p = await startPipeline({
        fake: { downloadBytesPerSecond: 2 * MB },
        env: { ARIA2_AUTO_SAVE_INTERVAL: "1" },
      });
      const size = 10 * MB;
      const { hash, magnet } = p.magnet("Crash.Aria2", [{ path: "/Crash.Aria2.mkv", bytes: size }]);
      await addTorrents(p.deps, { urls: [magnet], files: [] });
      await waitFor(() => (getTorrent(p.deps.dbh.db, hash)?.downloaded ?? 0) > 4 * MB, {
        what: "4 MB on disk",
      });
      const before = p.runtime.supervisor.pid as number;
      const { gid } = p.deps.dbh.sqlite.query("select gid from download_files where hash = ?").get(hash) as {
        gid: string;
      };
      process.kill(before, "SIGKILL");
      await waitFor(() => p.runtime.supervisor.restarts === 1 && p.runtime.supervisor.pid !== before, {
        what: "aria2c restarted",
      });
      // Re-attached under the same GID, continuing from its control file (not from zero).
      const resumedAt = await waitFor(
        async () => {
          const status = await p.runtime.engine.aria2.tellStatus(gid).catch(() => null);
          return status?.status === "active" ? Number(status.completedLength) : null;
        },
        { intervalMs: 10 },
      );
      expect(resumedAt).toBeGreaterThan(MB);
      const done = await waitFor(
        () => {
          const t = getTorrent(p.deps.dbh.db, hash);
          return t?.stage === "done" || t?.stage === "error" ? t : null;
        },
        { timeoutMs: 30_000 },
      );
      expect(done.error).toBeNull();
      expect(await sha256(done.content_path as string)).toBe(contentSha256(`${hash}:1`, size));
    },
    LONG,
  );

  test(
    "kill -9 of Redriva (a real process): its aria2c stops too; the next start resumes and finishes",
    async () => {
      await using fake = await startFakeDebrid({ instantAvailability: true, downloadBytesPerSecond: 3 * MB });
      const root = mkdtempSync(join(tmpdir(), "redriva-crash-"));
      const size = 12 * MB;
      const hash = randomHash();
      fake.state.scripts.set(hash, { files: [{ path: "/Crash.Redriva.mkv", bytes: size }] });
      const env = {
        ...process.env,
        DATA_DIR: join(root, "data"),
        DOWNLOAD_DIR: join(root, "downloads"),
        PORT: "0",
        HOST: "127.0.0.1",
        LOG_LEVEL: "info",
        RD_API_TOKEN: "fake-token",
        RD_API_URL: fake.rdApiUrl,
        REDRIVA_USERNAME: "u",
        REDRIVA_PASSWORD: "p",
        STORAGE_TYPE: "hdd",
        DOWNLOAD_TICK_MS: "100",
        DOWNLOAD_PROVIDER_POLL_MS: "100",
        DOWNLOAD_MIN_FREE_SPACE: "1MB",
      };
      const start = () => spawnRedriva(join(import.meta.dir, "../../../src/main.ts"), env, 20_000);
      const progress = async (client: ArrQbitClient) => {
        const list = (await (
          await client.call("GET", "torrents/info", { query: { hashes: hash } })
        ).json()) as Array<{
          progress: number;
          state: string;
          content_path: string;
        }>;
        return list[0];
      };
      try {
        const first = await start();
        expect(
          await (
            await first.client.call("POST", "torrents/add", {
              form: { urls: buildMagnet(hash, "Crash.Redriva"), category: "radarr" },
            })
          ).text(),
        ).toBe("Ok.");
        await waitFor(async () => ((await progress(first.client))?.progress ?? 0) > 0.2, {
          what: "20% downloaded",
          timeoutMs: 20_000,
        });
        const aria2Pid = Number(readFileSync(join(root, "data", "aria2", "aria2.pid"), "utf8"));
        expect(alive(aria2Pid)).toBe(true);
        first.proc.kill("SIGKILL");
        await first.proc.exited;
        // --stop-with-process: no orphan aria2c keeps writing behind the next Redriva.
        await waitFor(() => !alive(aria2Pid), { what: "the orphan aria2c to stop", timeoutMs: 10_000 });

        const second = await start();
        try {
          const done = await waitFor(
            async () => {
              const t = await progress(second.client);
              return t?.state === "pausedUP" ? t : null;
            },
            { timeoutMs: 30_000, intervalMs: 100 },
          );
          expect(done.content_path).toBe(join(root, "downloads", "radarr", "Crash.Redriva.mkv"));
          expect(await sha256(done.content_path)).toBe(contentSha256(`${hash}:1`, size));
        } finally {
          second.proc.kill("SIGTERM");
          await second.proc.exited;
        }
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
    LONG,
  );
});
