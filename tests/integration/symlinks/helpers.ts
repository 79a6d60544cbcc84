import { type FakeArr, startFakeArr } from "../../fakes/arr-server.ts";
import { makeTestDeps, type TestDeps } from "../../helpers/deps.ts";
import { tempDir } from "../../helpers/temp-dir.ts";
import { buildMediaTree, type MediaTree } from "./media-tree.ts";

/** Running as root, chmod 000 does not stop reads: the "inaccessible" file passes then. */
export const RUNNING_AS_ROOT = process.getuid?.() === 0;

export interface SymlinkEnv {
  tree: MediaTree;
  deps: TestDeps;
  sonarr: FakeArr;
  radarr: FakeArr;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A media tree, real deps over a temp database, and fake Sonarr/Radarr that own the tree's
 * series and movies (under their own container paths, /tv and /movies, as in Docker setups).
 */
export async function startSymlinkEnv(env: Record<string, string> = {}): Promise<SymlinkEnv> {
  const dir = tempDir("redriva-symlinks-");
  const tree = buildMediaTree(dir.path);
  const sonarr = startFakeArr({
    kind: "sonarr",
    items: [
      { id: 11, title: "Show One", path: "/tv/Show One" },
      { id: 12, title: "Show Two", path: "/tv/Show Two" },
    ],
  });
  const radarr = startFakeArr({
    kind: "radarr",
    items: [
      { id: 21, title: "Gone Movie", path: "/movies/Gone Movie (2018)" },
      { id: 22, title: "Good Movie", path: "/movies/Good Movie (2020)" },
    ],
  });
  const deps = makeTestDeps({
    MEDIA_ROOT: tree.media,
    SYMLINK_WORKERS: "2",
    SONARR_URL: sonarr.url,
    SONARR_API_KEY: sonarr.apiKey,
    RADARR_URL: radarr.url,
    RADARR_API_KEY: radarr.apiKey,
    ...env,
  });
  return {
    tree,
    deps,
    sonarr,
    radarr,
    async [Symbol.asyncDispose]() {
      deps[Symbol.dispose]();
      await sonarr.stop();
      await radarr.stop();
      dir[Symbol.dispose]();
    },
  };
}

/** Problem paths of a list, sorted, for exact comparisons. */
export function pathsOf(problems: Array<{ path: string }>): string[] {
  return problems.map((p) => p.path).sort();
}
