import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect } from "node:net";
import { join } from "node:path";
import { createApp } from "../../../src/http/app.ts";
import { makeTestDeps, type TestDeps } from "../../helpers/deps.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

/**
 * Issue 12 §8: bodies are capped before anything parses them: refused unread when Content-Length
 * says too much, cut at the cap when they stream without one (chunked). Raw HTTP/1.1 over a socket
 * to a real server, so the bytes on the wire are exactly these.
 */
const LOGIN = { REDRIVA_USERNAME: "admin", REDRIVA_PASSWORD: "body caps pass" };
const BASIC = `Basic ${btoa(`${LOGIN.REDRIVA_USERNAME}:${LOGIN.REDRIVA_PASSWORD}`)}`;
const MB = 1024 * 1024;

let deps: TestDeps;
let dir: ReturnType<typeof tempDir>;
let server: ReturnType<typeof Bun.serve>;
beforeAll(() => {
  dir = tempDir("redriva-caps-");
  deps = makeTestDeps({ ...LOGIN, DOWNLOAD_DIR: join(dir.path, "downloads") });
  server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: createApp(deps).fetch });
});
afterAll(async () => {
  await server.stop(true);
  deps[Symbol.dispose]();
  dir[Symbol.dispose]();
});

interface RawAnswer {
  status: number;
  text: string;
}

/**
 * Sends head + body over a socket and resolves with the first answer. `chunks` streamed with
 * chunked encoding (no Content-Length) unless `contentLength` is declared; the write stops as soon
 * as an answer arrives or the server closes.
 */
function raw(
  method: string,
  path: string,
  headers: Record<string, string>,
  body: { contentLength?: number; chunks: number; chunkSize: number },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port as number, "127.0.0.1");
    let answer = "";
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      socket.destroy();
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
      if (status === 0) reject(new Error(`no HTTP answer: ${JSON.stringify(answer.slice(0, 200))}`));
      else resolve({ status, text: answer.slice(answer.indexOf("\r\n\r\n") + 4) });
    };
    socket.on("data", (data) => {
      answer += data.toString("latin1");
      if (answer.includes("\r\n\r\n")) setTimeout(finish, 50);
    });
    socket.on("close", finish);
    socket.on("error", () => finish());
    const framing =
      body.contentLength === undefined
        ? { "Transfer-Encoding": "chunked" }
        : { "Content-Length": String(body.contentLength) };
    const head = Object.entries({ Host: "127.0.0.1", ...headers, ...framing })
      .map(([k, v]) => `${k}: ${v}`)
      .join("\r\n");
    socket.write(`${method} ${path} HTTP/1.1\r\n${head}\r\n\r\n`);
    const chunk = Buffer.alloc(body.chunkSize, "a");
    let sent = 0;
    const pump = () => {
      while (!done && sent < body.chunks) {
        sent++;
        const frame =
          body.contentLength === undefined
            ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")])
            : chunk;
        if (!socket.write(frame)) {
          socket.once("drain", pump);
          return;
        }
      }
      if (!done && sent >= body.chunks && body.contentLength === undefined) socket.write("0\r\n\r\n");
    };
    pump();
  });
}

const FORM = { "Content-Type": "application/x-www-form-urlencoded" };

describe("declared too large: refused at once, unread", () => {
  test.each(["/login", "/api/v2/auth/login"])("%s with Content-Length 100 MB → 413", async (path) => {
    // Only 64 KB of the announced 100 MB are ever sent: the answer cannot wait for the rest.
    const res = await raw("POST", path, FORM, { contentLength: 100 * MB, chunks: 1, chunkSize: 64 * 1024 });
    expect(res.status).toBe(413);
    expect(res.text).toContain("Request body too large: at most 16 KB");
  });

  test("torrents/add over its 50 MB total → 413; other routes over 2 MB → 413", async () => {
    const add = await raw(
      "POST",
      "/api/v2/torrents/add",
      { Authorization: BASIC, "Content-Type": "multipart/form-data; boundary=x" },
      { contentLength: 60 * MB, chunks: 1, chunkSize: 1024 },
    );
    expect(add.status).toBe(413);
    expect(add.text).toContain("at most 50 MB");
    const other = await raw(
      "POST",
      "/sync/stop",
      { Authorization: BASIC, ...FORM },
      {
        contentLength: 3 * MB,
        chunks: 1,
        chunkSize: 1024,
      },
    );
    expect(other.status).toBe(413);
  });
});

describe("chunked without Content-Length: cut at the cap", () => {
  test.each(["/login", "/api/v2/auth/login"])("%s streaming 1 MB → 413", async (path) => {
    const res = await raw("POST", path, FORM, { chunks: 16, chunkSize: 64 * 1024 });
    expect(res.status).toBe(413);
    expect(res.text).toContain("at most 16 KB");
  });

  test("a small chunked login form is still read (qBit auth/login answers Ok.)", async () => {
    const body = `username=${LOGIN.REDRIVA_USERNAME}&password=${encodeURIComponent(LOGIN.REDRIVA_PASSWORD)}`;
    const res = await fetch(`http://127.0.0.1:${server.port}/api/v2/auth/login`, {
      method: "POST",
      headers: FORM,
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(body));
          controller.close();
        },
      }),
    });
    expect(await res.text()).toBe("Ok.");
  });

  test("an unauthenticated upload is refused before its body is read", async () => {
    const res = await raw(
      "POST",
      "/api/v2/torrents/add",
      { "Content-Type": "multipart/form-data; boundary=x" },
      {
        chunks: 4,
        chunkSize: 64 * 1024,
      },
    );
    expect(res.status).toBe(403);
  });
});
