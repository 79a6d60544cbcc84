import { expect, test } from "bun:test";
import { getTorrent } from "../../../src/db/repo/downloads.ts";
import { addTorrents } from "../../../src/services/downloads/add.ts";
import { startPipeline, waitFor } from "../../helpers/downloads.ts";

/**
 * Issue 13, the Add box's provider: a torrent added with a provider chosen goes to that one first
 * (Real-Debrid is the default here); without a choice the default still gets it; a provider that
 * is not configured is refused in words, nothing added.
 */
test("the chosen provider is asked first; no choice keeps the default; an unconfigured one is refused", async () => {
  await using pipe = await startPipeline({ allDebrid: true });
  const chosen = pipe.magnet("Chosen.Provider.2024", [{ path: "a.mkv", bytes: 4096 }]);
  const plain = pipe.magnet("Default.Provider.2024", [{ path: "b.mkv", bytes: 4096 }]);

  const added = await addTorrents(pipe.deps, { urls: [chosen.magnet], files: [], provider: "alldebrid" });
  expect(added).toEqual({ added: [chosen.hash], failed: [] });
  expect((await addTorrents(pipe.deps, { urls: [plain.magnet], files: [] })).added).toEqual([plain.hash]);

  const at = (hash: string) =>
    waitFor(
      () => {
        const row = getTorrent(pipe.deps.dbh.db, hash);
        return row?.provider_id ? row.provider : null;
      },
      { timeoutMs: 30_000, what: `${hash} at a provider` },
    );
  expect(await at(chosen.hash)).toBe("alldebrid");
  expect(await at(plain.hash)).toBe("realdebrid");

  const other = pipe.magnet("Nowhere.2024", [{ path: "c.mkv", bytes: 4096 }]);
  const refused = await addTorrents(pipe.deps, { urls: [other.magnet], files: [], provider: "torbox" });
  expect(refused.added).toEqual([]);
  expect(refused.failed[0]?.reason).toBe(
    'provider "torbox" is not configured (configured: realdebrid, alldebrid)',
  );
  expect(getTorrent(pipe.deps.dbh.db, other.hash)).toBeUndefined();
}, 90_000);
