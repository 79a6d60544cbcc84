import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildMagnet } from "../../../src/domain/magnet.ts";
import { contentSha256 } from "../../../src/fake-debrid/content.ts";
import { startFakeDebrid } from "../../../src/fake-debrid/index.ts";
import { randomHash, spawnRedriva, waitFor } from "../../helpers/downloads.ts";
import type { ArrQbitClient } from "../../helpers/qbit-client.ts";

const MB = 1024 * 1024;

async function sha256(path: string): Promise<string> {
  return new Bun.CryptoHasher("sha256").update(await Bun.file(path).arrayBuffer()).digest("hex");
}

/** Redriva's server in its own process, told that `ssd` is another disk (two-disk-server.ts). */
function startRedriva(env: Record<string, string | undefined>) {
  return spawnRedriva(join(import.meta.dir, "../../helpers/two-disk-server.ts"), env, 30_000);
}

async function info(client: ArrQbitClient, hash: string) {
  const list = (await (
    await client.call("GET", "torrents/info", { query: { hashes: hash } })
  ).json()) as Array<{
    state: string;
    content_path: string;
  }>;
  return list[0];
}

describe("SSD staging survives a crash", () => {
  test(
    "kill -9 mid-copy: no half file at the final name; the next start continues the copy and verifies it",
    async () => {
      await using fake = await startFakeDebrid({ instantAvailability: true });
      const root = mkdtempSync(join(tmpdir(), "redriva-staging-crash-"));
      const ssd = join(root, "ssd");
      const hdd = join(root, "hdd");
      const size = 24 * MB + 5;
      const hash = randomHash();
      fake.state.scripts.set(hash, {
        files: [
          { path: "/Crash.Copy/Crash.Copy.E01.mkv", bytes: size },
          { path: "/Crash.Copy/Crash.Copy.E02.mkv", bytes: 2 * MB },
        ],
      });
      const env = {
        ...process.env,
        TWO_DISK_SSD: ssd,
        DATA_DIR: join(root, "data"),
        DOWNLOAD_DIR: hdd,
        DOWNLOAD_INCOMPLETE_DIR: ssd,
        DOWNLOAD_MOVE_SPEED_LIMIT: "4MB",
        PORT: "0",
        HOST: "127.0.0.1",
        LOG_LEVEL: "info",
        RD_API_TOKEN: "fake-token",
        RD_API_URL: fake.rdApiUrl,
        REDRIVA_USERNAME: "u",
        REDRIVA_PASSWORD: "p",
        STORAGE_TYPE: "ssd",
        DOWNLOAD_TICK_MS: "100",
        DOWNLOAD_PROVIDER_POLL_MS: "100",
        DOWNLOAD_MIN_FREE_SPACE: "1MB",
      };
      const target = join(hdd, "radarr", "Crash.Copy");
      const partialFile = join(hdd, "radarr", `.redriva-moving-${hash}`, "Crash.Copy", "Crash.Copy.E01.mkv");
      try {
        const first = await startRedriva(env);
        const added = await first.client.call("POST", "torrents/add", {
          form: { urls: buildMagnet(hash, "Crash.Copy"), category: "radarr" },
        });
        expect(await added.text()).toBe("Ok.");
        await waitFor(() => existsSync(partialFile) && statSync(partialFile).size > 6 * MB, {
          what: "a quarter of the copy written",
          timeoutMs: 40_000,
        });
        expect((await info(first.client, hash))?.state).toBe("moving");
        first.proc.kill("SIGKILL");
        await first.proc.exited;
        // Nothing took the final name: the *arr could not import half a file.
        expect(existsSync(target)).toBe(false);
        const cutAt = statSync(partialFile).size;
        expect(cutAt).toBeLessThan(size);

        const second = await startRedriva(env);
        try {
          const done = await waitFor(
            async () => {
              const t = await info(second.client, hash);
              return t?.state === "pausedUP" || t?.state === "error" ? t : null;
            },
            { timeoutMs: 60_000, intervalMs: 100, what: "pausedUP after the restart" },
          );
          expect(done.state).toBe("pausedUP");
          expect(done.content_path).toBe(target);
          expect(await sha256(join(target, "Crash.Copy.E01.mkv"))).toBe(contentSha256(`${hash}:1`, size));
          expect(await sha256(join(target, "Crash.Copy.E02.mkv"))).toBe(contentSha256(`${hash}:2`, 2 * MB));
          expect(readdirSync(join(hdd, "radarr"))).toEqual(["Crash.Copy"]);
          expect(readdirSync(ssd)).toEqual([]);
        } finally {
          second.proc.kill("SIGTERM");
          await second.proc.exited;
        }
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
    { timeout: 120_000 },
  );
});
