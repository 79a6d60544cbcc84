import { expect, test } from "bun:test";
import { getTorrent } from "../../../src/db/repo/downloads.ts";
import { contentSha256 } from "../../../src/fake-debrid/content.ts";
import { addTorrents } from "../../../src/services/downloads/add.ts";
import { startPipeline, waitFor } from "../../helpers/downloads.ts";

test("smoke", async () => {
  await using p = await startPipeline();
  const { hash, magnet } = p.magnet("Movie.2020.1080p", [
    { path: "/Movie.2020.1080p.mkv", bytes: 3_000_000 },
  ]);
  const r = await addTorrents(p.deps, { urls: [magnet], files: [], category: "radarr" });
  expect(r.added).toEqual([hash]);
  const done = await waitFor(() => {
    const t = getTorrent(p.deps.dbh.db, hash);
    return t?.stage === "done" || t?.stage === "error" ? t : null;
  });
  console.log(done.stage, done.error, done.content_path);
  const sha = new Bun.CryptoHasher("sha256")
    .update(await Bun.file(done.content_path ?? "").arrayBuffer())
    .digest("hex");
  expect(sha).toBe(contentSha256(`${hash}:1`, 3_000_000));
});
