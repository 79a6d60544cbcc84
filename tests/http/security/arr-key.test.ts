import { afterAll, beforeAll, expect, test } from "bun:test";
import { createApp } from "../../../src/http/app.ts";
import { type FakeArr, startFakeArr } from "../../fakes/arr-server.ts";
import { makeTestDeps, type TestDeps } from "../../helpers/deps.ts";

/**
 * Issue 12 §5: the stored Sonarr/Radarr API key goes only to the URL it was stored for. A "test
 * connection" or a save naming another URL must bring its own key. The other URL here is a real
 * server on 127.0.0.1 that records every X-Api-Key it is sent.
 */
const KEY = "stored-sonarr-key-0123456789";
let sonarr: FakeArr;
let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let collector: ReturnType<typeof Bun.serve>;
const received: string[] = [];

beforeAll(() => {
  sonarr = startFakeArr({ kind: "sonarr", apiKey: KEY });
  collector = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      received.push(req.headers.get("x-api-key") ?? "");
      return Response.json({ appName: "Sonarr", version: "4.0.0" });
    },
  });
  deps = makeTestDeps({ SONARR_URL: sonarr.url, SONARR_API_KEY: KEY });
  app = createApp(deps);
});
afterAll(async () => {
  await sonarr.stop();
  await collector.stop(true);
  deps[Symbol.dispose]();
});

/** The JSON API the settings page uses, with the CSRF token a page would carry (no login set). */
async function post(path: string, body: unknown) {
  const page = await app.request("http://localhost/symlinks");
  const cookie = (page.headers.getSetCookie()[0] ?? "").split(";")[0] ?? "";
  const token = /name="csrf-token" content="([^"]+)"/.exec(await page.text())?.[1] ?? "";
  return app.request(`http://localhost${path}`, {
    method: "POST",
    headers: {
      cookie,
      "x-csrf-token": token,
      "content-type": "application/json",
      accept: "application/json",
    },
    body: JSON.stringify(body),
  });
}

const other = () => `http://127.0.0.1:${collector.port}`;

test("testing another URL without a key never sends the stored key there", async () => {
  const res = await post("/api/symlinks/services/test", { kind: "sonarr", url: other() });
  expect(res.status).toBe(200);
  const [result] = (await res.json()).results;
  expect(result.ok).toBe(false);
  expect(result.error).toContain("API key");
  expect(received).not.toContain(KEY);
});

test("the saved URL is still tested with the saved key; another URL with the key given", async () => {
  const saved = await post("/api/symlinks/services/test", { kind: "sonarr" });
  expect((await saved.json()).results[0].ok).toBe(true);
  const given = await post("/api/symlinks/services/test", {
    kind: "sonarr",
    url: other(),
    apiKey: "typed-key",
  });
  expect(given.status).toBe(200);
  expect(received).toContain("typed-key");
  expect(received).not.toContain(KEY);
});

test("saving a new URL without its key does not carry the stored key over", async () => {
  const res = await post("/api/symlinks/config", { sonarr: { enabled: true, url: other() } });
  expect(res.status).toBe(400);
  expect((await res.json()).error.message).toContain("API key");
  // Disabled, the connection is saved without any key: enabling it later needs one.
  const disabled = await post("/api/symlinks/config", { sonarr: { enabled: false, url: other() } });
  expect(disabled.status).toBe(200);
  expect((await disabled.json()).sonarr).toEqual({ enabled: false, url: other(), hasApiKey: false });
  const tested = await post("/api/symlinks/services/test", { kind: "sonarr" });
  expect((await tested.json()).results[0].ok).toBe(false);
  expect(received).not.toContain(KEY);
});
