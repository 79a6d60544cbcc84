import { expect, test } from "bun:test";
import { createDeps } from "../../../src/compose.ts";
import { loadConfig } from "../../../src/config/index.ts";
import { createApp } from "../../../src/http/app.ts";
import { SESSION_COOKIE } from "../../../src/http/middleware/web-auth.ts";
import { createLogger } from "../../../src/logger.ts";
import { tempDir } from "../../helpers/temp-dir.ts";
import { cookieFrom, csrfFrom } from "../../helpers/ui-fixture.ts";

/**
 * Issue 12 §4: changing the credentials (in the config, then a restart) ends every session. Two
 * servers in turn on the same DATA_DIR, as a restart would be.
 */
async function withServer<T>(
  dataDir: string,
  password: string,
  run: (base: string) => Promise<T>,
): Promise<T> {
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
    REDRIVA_USERNAME: "alice",
    REDRIVA_PASSWORD: password,
  });
  const deps = createDeps(config, { log: createLogger({ level: "silent" }) });
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: createApp(deps).fetch });
  try {
    return await run(`http://127.0.0.1:${server.port}`);
  } finally {
    await server.stop(true);
    deps.dbh.close();
  }
}

async function logIn(base: string, password: string): Promise<string> {
  const page = await fetch(`${base}/login`);
  const anonymous = (page.headers.getSetCookie()[0] ?? "").split(";")[0] ?? "";
  const res = await fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie: anonymous, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username: "alice", password, _csrf: csrfFrom(await page.text()) }),
  });
  expect(res.status).toBe(303);
  return `${SESSION_COOKIE}=${cookieFrom(res, SESSION_COOKIE)}`;
}

const stats = (base: string, cookie: string) =>
  fetch(`${base}/api/stats`, { headers: { cookie } }).then((r) => r.status);

test("a new password (same username) ends the sessions made under the old one", async () => {
  using dir = tempDir("redriva-sessions-");
  const cookie = await withServer(dir.path, "old password", async (base) => {
    const cookie = await logIn(base, "old password");
    expect(await stats(base, cookie)).toBe(200);
    return cookie;
  });
  // Restarted with the same credentials: the session lives on.
  await withServer(dir.path, "old password", async (base) => {
    expect(await stats(base, cookie)).toBe(200);
  });
  // Restarted with a new password: the cookie is worth nothing, a new login works.
  await withServer(dir.path, "new password", async (base) => {
    expect(await stats(base, cookie)).toBe(401);
    const fresh = await logIn(base, "new password");
    expect(await stats(base, fresh)).toBe(200);
  });
  // Back to the old password: the old session does not come back.
  await withServer(dir.path, "old password", async (base) => {
    expect(await stats(base, cookie)).toBe(401);
  });
});
