import { createApp } from "../../src/http/app.ts";
import { type DownloadRow, downloadsOverview } from "../../src/services/downloads/overview.ts";
import { type Pipeline, waitFor } from "./downloads.ts";
import { ArrQbitClient } from "./qbit-client.ts";

/** Credentials the pipeline's qBittorrent API is started with (ARR_ENV) and Sonarr logs in with. */
const CREDS = { username: "sonarr", password: "pw" };
export const ARR_ENV = { REDRIVA_USERNAME: CREDS.username, REDRIVA_PASSWORD: CREDS.password };

export interface QbitInfo {
  hash: string;
  state: string;
  progress: number;
  content_path: string;
  save_path: string;
  size: number;
  name: string;
}

/** Sonarr's side of the pipeline: its qBittorrent client on Redriva's API. */
export class ArrGrab {
  readonly client: ArrQbitClient;

  constructor(readonly pipeline: Pipeline) {
    const app = createApp(pipeline.deps);
    this.client = new ArrQbitClient((r) => app.request(r), "http://localhost:6500", CREDS);
  }

  /** A grab: the magnet handed to torrents/add with Sonarr's fields. */
  async add(magnet: string, category = "tv-sonarr"): Promise<void> {
    const res = await this.client.call("POST", "torrents/add", {
      form: { urls: magnet, category, paused: "False" },
    });
    const body = await res.text();
    if (body !== "Ok.") throw new Error(`torrents/add answered ${res.status} ${body}`);
  }

  async info(hash: string): Promise<QbitInfo | undefined> {
    const res = await this.client.call("GET", "torrents/info", { query: { hashes: hash } });
    return ((await res.json()) as QbitInfo[])[0];
  }

  /** Waits until the torrent is in one of `states` (Sonarr's queue refresh, faster). */
  waitState(hash: string, states: string[], timeoutMs = 30_000): Promise<QbitInfo> {
    return waitFor(
      async () => {
        const t = await this.info(hash);
        return t && states.includes(t.state) ? t : null;
      },
      { timeoutMs, what: `${hash} in ${states.join("/")}` },
    );
  }

  /** What /downloads shows under the torrent (its phase's words, the error, a note once done). */
  async detail(hash: string): Promise<Pick<DownloadRow, "phase" | "detail" | "progress"> | undefined> {
    const overview = await downloadsOverview(this.pipeline.deps);
    return [...overview.active, ...overview.finished].find((r) => r.hash === hash);
  }
}
