import type { HashScript } from "../../../src/fake-debrid/state.ts";
import { createApp } from "../../../src/http/app.ts";
import { qbitDownloadClient } from "../../fakes/arr-imports.ts";
import { type FakeArr, startFakeArr } from "../../fakes/arr-server.ts";
import { type Pipeline, startPipeline, waitFor } from "../../helpers/downloads.ts";
import { ArrQbitClient } from "../../helpers/qbit-client.ts";

/**
 * The whole loop for real: the fake debrid, Redriva's downloader and its qBit API, a fake Sonarr
 * and a fake Radarr on 127.0.0.1 (both configured, so picking the right one is tested), and a
 * webhook receiving the notifications.
 */
export const CREDS = { username: "sonarr", password: "pw" };
const PORT = 6500;

export interface ReplaceEnv {
  p: Pipeline;
  sonarr: FakeArr;
  radarr: FakeArr;
  qbit: ArrQbitClient;
  hook: {
    url: string;
    received: Array<{ event: string; title: string; message: string; data: Record<string, unknown> }>;
  };
  /** Adds a magnet the way Sonarr/Radarr do, after putting the grab in that *arr's queue. */
  grab(
    arr: FakeArr,
    name: string,
    category: string,
    item?: { seriesId?: number; episodeIds?: number[]; movieId?: number },
    /** How the fake provider treats it (set before the add). */
    script?: HashScript,
  ): Promise<string>;
  /** The torrent's state as the *arr sees it (undefined once deleted). */
  state(hash: string): Promise<string | undefined>;
  attempts(hash?: string): Array<Record<string, unknown>>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startReplaceEnv(
  options: { env?: Record<string, string>; pipeline?: Parameters<typeof startPipeline>[0] } = {},
): Promise<ReplaceEnv> {
  // Each *arr tells its category through GET /api/v3/downloadclient (the category → *arr mapping).
  const sonarr = startFakeArr({
    kind: "sonarr",
    downloadClients: [qbitDownloadClient("sonarr", { port: PORT, category: "tv-sonarr" })],
  });
  const radarr = startFakeArr({
    kind: "radarr",
    downloadClients: [qbitDownloadClient("radarr", { port: PORT, category: "radarr" })],
  });
  const received: ReplaceEnv["hook"]["received"] = [];
  const hookServer = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      received.push((await req.json()) as (typeof received)[number]);
      return new Response(null, { status: 204 });
    },
  });
  const p = await startPipeline({
    ...options.pipeline,
    env: {
      PORT: String(PORT),
      REDRIVA_USERNAME: CREDS.username,
      REDRIVA_PASSWORD: CREDS.password,
      SONARR_URL: sonarr.url,
      SONARR_API_KEY: sonarr.apiKey,
      RADARR_URL: radarr.url,
      RADARR_API_KEY: radarr.apiKey,
      WEBHOOK_URL: `http://127.0.0.1:${hookServer.port}/hook`,
      ARR_REPLACE_DRY_RUN: "false",
      ...options.env,
    },
  });
  const app = createApp(p.deps);
  const qbit = new ArrQbitClient((r) => app.request(r), "http://localhost:6500", CREDS);
  return {
    p,
    sonarr,
    radarr,
    qbit,
    hook: { url: `http://127.0.0.1:${hookServer.port}/hook`, received },
    async grab(arr, name, category, item = {}, script = {}) {
      const { hash, magnet } = p.magnet(name, [{ path: `/${name}.mkv`, bytes: 1000 }]);
      p.fake.state.scripts.set(hash, { files: [{ path: `/${name}.mkv`, bytes: 1000 }], ...script });
      arr.grab(hash, { title: name, ...item });
      const answer = await qbit.call("POST", "torrents/add", { form: { urls: magnet, category } });
      if ((await answer.text()) !== "Ok.") throw new Error("torrents/add refused");
      return hash;
    },
    async state(hash) {
      const list = (await (
        await qbit.call("GET", "torrents/info", { query: { hashes: hash } })
      ).json()) as Array<{
        state: string;
      }>;
      return list[0]?.state;
    },
    attempts(hash) {
      const sql = `SELECT * FROM arr_replacements${hash ? " WHERE hash = ?" : ""} ORDER BY id`;
      return p.deps.dbh.sqlite.query(sql).all(...(hash ? [hash] : [])) as Array<Record<string, unknown>>;
    },
    async [Symbol.asyncDispose]() {
      await p[Symbol.asyncDispose]();
      await sonarr.stop();
      await radarr.stop();
      await hookServer.stop(true);
    },
  };
}

/** The one attempt of a torrent, once it has this outcome. */
export function attemptWith(env: ReplaceEnv, hash: string, outcome: string) {
  return waitFor(() => env.attempts(hash).find((a) => a.outcome === outcome), {
    what: `a ${outcome} attempt for ${hash}`,
    timeoutMs: 30_000,
  });
}

export const BLOCKLIST_AND_SEARCH = { removeFromClient: "true", blocklist: "true", skipRedownload: "false" };
