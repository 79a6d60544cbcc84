import { expect, test } from "bun:test";
import { loadConfig } from "../../../src/config/index.ts";
import { serveErrorHandler } from "../../../src/http/serve.ts";
import { createLogger } from "../../../src/logger.ts";

/**
 * Issue 13: what escapes the app reaches Bun.serve's `error` handler (main.ts sets it): logged
 * through the app's logger with the configured secrets masked, answered with a plain 500 and
 * no stack trace (Bun printed the stack to stderr and, outside production, to the client).
 */
test("an error escaping the app: a plain 500 without a stack, one log line with the secrets masked", async () => {
  const token = "tok-SECRET-4242-abcdef";
  const config = loadConfig({ DATA_DIR: "/nonexistent-unused", RD_API_TOKEN: token });
  const lines: string[] = [];
  const log = createLogger({ level: "info", destination: { write: (line: string) => lines.push(line) } });
  using server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch() {
      throw new Error(`upstream said no to https://api.example/torrents?auth_token=${token}`);
    },
    error: serveErrorHandler(config, log),
  });
  const response = await fetch(`http://127.0.0.1:${server.port}/anything`);
  expect(response.status).toBe(500);
  expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
  const body = await response.text();
  expect(body).toBe("Internal error: see the server log\n");
  expect(body).not.toContain(token);
  expect(body).not.toMatch(/\bat .*\.ts:\d+/);

  expect(lines).toHaveLength(1);
  const entry = JSON.parse(lines[0] as string) as { level: number; msg: string; err: { message: string } };
  expect(entry.level).toBe(50);
  expect(entry.msg).toBe("request failed before an answer");
  expect(entry.err.message).toBe("upstream said no to https://api.example/torrents?auth_token=[redacted]");
  expect(lines[0]).not.toContain(token);
});
