import { describe, expect, test } from "bun:test";
import { getTorrent } from "../../../src/db/repo/downloads.ts";
import { contentSha256 } from "../../../src/fake-debrid/content.ts";
import { debridLinkAccount } from "../../../src/fake-debrid/debridlink/account.ts";
import { FAKE_PROVIDERS } from "../../../src/fake-debrid/providers.ts";
import { PROVIDERS } from "../../../src/providers/list.ts";
import { addTorrents } from "../../../src/services/downloads/add.ts";
import { startPipeline, waitFor } from "../../helpers/downloads.ts";

/** Categories routed to three providers; every other listed provider gets a category of its own. */
const ROUTED = { radarr: "alldebrid", "tv-sonarr": "debridlink", lidarr: "realdebrid" } as const;

describe("a mixed configuration: every provider configured at once", () => {
  test(
    "categories routed to three providers, one refusing (too many active): every grab downloads from the expected provider",
    async () => {
      const others = PROVIDERS.map((p) => p.kind).filter((k) => !Object.values(ROUTED).includes(k as never));
      const routes: Record<string, string> = {
        ...ROUTED,
        ...Object.fromEntries(others.map((k) => [`extra-${k}`, k])),
      };
      await using p = await startPipeline({
        env: (fake) => ({
          // Every listed provider, configured against its fake: nothing here names them.
          ...Object.assign({}, ...FAKE_PROVIDERS.map((f) => f.env(fake))),
          DEFAULT_PROVIDER: "realdebrid",
          DOWNLOAD_CATEGORY_PROVIDERS: Object.entries(routes)
            .map(([category, kind]) => `${category}=${kind}`)
            .join(","),
        }),
      });
      expect(p.deps.providers.configured()).toEqual(PROVIDERS.map((d) => d.kind));

      const grabs: Array<{
        hash: string;
        magnet: string;
        category: string;
        expected: string;
        bytes: number;
      }> = [];
      const grab = (name: string, category: string, expected: string) => {
        const bytes = 200_000 + grabs.length * 1_111;
        const { hash, magnet } = p.magnet(name, [{ path: `/${name}.mkv`, bytes }]);
        grabs.push({ hash, magnet, category, expected, bytes });
        return hash;
      };
      grab("Movie.One.2024", "radarr", "alldebrid");
      grab("Show.One.S01E01", "tv-sonarr", "debridlink");
      grab("Album.One.2024", "lidarr", "realdebrid");
      for (const kind of others) grab(`Extra.${kind}.2024`, `extra-${kind}`, kind);
      // Debrid-Link's seedbox is full for this one (maxTorrent): the next provider in the
      // configured order after Debrid-Link takes it.
      const order = p.deps.providers.configured();
      const next = order.filter((k) => k !== "debridlink")[0] as string;
      const busy = grab("Show.One.S01E02", "tv-sonarr", next);
      debridLinkAccount(p.fake.state).scripts.set(busy, {
        addError: "maxTorrent",
        files: [{ path: "/Show.One.S01E02.mkv", bytes: grabs.at(-1)?.bytes as number }],
      });

      for (const g of grabs) await addTorrents(p.deps, { urls: [g.magnet], files: [], category: g.category });
      for (const g of grabs) {
        const done = await waitFor(
          () => {
            const t = getTorrent(p.deps.dbh.db, g.hash);
            return t?.stage === "done" || t?.stage === "error" ? t : null;
          },
          { timeoutMs: 30_000 },
        );
        expect({
          category: g.category,
          stage: done.stage,
          error: done.error,
          provider: done.provider,
        }).toEqual({
          category: g.category,
          stage: "done",
          error: null,
          provider: g.expected,
        });
        const bytes = await Bun.file(done.content_path as string).arrayBuffer();
        expect(new Bun.CryptoHasher("sha256").update(bytes).digest("hex")).toBe(
          contentSha256(`${g.hash}:1`, g.bytes),
        );
      }
      // The refusal really happened at Debrid-Link, and nothing of that torrent stayed there.
      expect(debridLinkAccount(p.fake.state).byHash(busy)).toBeUndefined();
    },
    { timeout: 90_000 },
  );
});
