import { join } from "node:path";
import { createApp } from "../../src/http/app.ts";
import { makeTestDeps, type TestDeps } from "./deps.ts";
import { ArrQbitClient } from "./qbit-client.ts";
import { tempDir } from "./temp-dir.ts";

export const QBIT_CREDS = { username: "admin", password: "s3cret pass&word" };

export interface QbitServer {
  deps: TestDeps;
  server: ReturnType<typeof Bun.serve>;
  base: string;
  /** Sonarr's way of talking, over real HTTP on 127.0.0.1. */
  sonarr: ArrQbitClient;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Redriva's whole HTTP app on a real loopback port (ephemeral), with login configured. */
export function startQbitServer(env: Record<string, string> = {}): QbitServer {
  const dir = tempDir("redriva-qbit-");
  const deps = makeTestDeps({
    REDRIVA_USERNAME: QBIT_CREDS.username,
    REDRIVA_PASSWORD: QBIT_CREDS.password,
    DOWNLOAD_DIR: join(dir.path, "downloads"),
    ...env,
  });
  const app = createApp(deps);
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch, idleTimeout: 0 });
  const base = `http://127.0.0.1:${server.port}`;
  return {
    deps,
    server,
    base,
    sonarr: new ArrQbitClient((r) => fetch(r), base, QBIT_CREDS),
    async [Symbol.asyncDispose]() {
      await server.stop(true);
      deps[Symbol.dispose]();
      dir[Symbol.dispose]();
    },
  };
}

/** One raw HTTP exchange over a socket (for requests fetch() cannot send, e.g. HTTP/1.0 without Host). */
export async function rawHttp(port: number, request: string): Promise<string> {
  const { connect } = await import("node:net");
  return await new Promise<string>((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    let out = "";
    socket.on("data", (d) => {
      out += d;
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(out));
  });
}
