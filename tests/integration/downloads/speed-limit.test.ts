import { describe, expect, test } from "bun:test";
import { createApp } from "../../../src/http/app.ts";
import { type Pipeline, startPipeline, waitFor } from "../../helpers/downloads.ts";
import { ArrQbitClient } from "../../helpers/qbit-client.ts";
import { cookieFrom, csrfFrom } from "../../helpers/ui-fixture.ts";

const MB = 1024 * 1024;
const CREDS = { username: "admin", password: "speed limits" };

/** The pipeline (real aria2c) with Redriva's HTTP app in front of it, as Sonarr or a script sees it. */
async function withApp(
  env: Record<string, string>,
  body: (p: Pipeline, qbit: ArrQbitClient, base: string) => Promise<void>,
) {
  await using p = await startPipeline({
    env: { REDRIVA_USERNAME: CREDS.username, REDRIVA_PASSWORD: CREDS.password, ...env },
  });
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: createApp(p.deps).fetch });
  try {
    const base = `http://127.0.0.1:${server.port}`;
    await body(p, new ArrQbitClient((r) => fetch(r), base, CREDS), base);
  } finally {
    await server.stop(true);
  }
}

/** Waits until aria2c itself runs with this global download limit. */
async function aria2Limit(p: Pipeline, expected: number) {
  return waitFor(
    async () => {
      await p.runtime.tick();
      const options = await p.runtime.engine.aria2.call<Record<string, string>>("aria2.getGlobalOption");
      return options["max-overall-download-limit"] === String(expected) ? options : null;
    },
    { timeoutMs: 30_000, what: `aria2c's max-overall-download-limit to be ${expected}` },
  );
}

describe("download speed: limit, schedule, qBittorrent's transfer endpoints, applied live to aria2c", () => {
  test("a window in force sets aria2c's limit; toggleSpeedLimitsMode leaves it for DOWNLOAD_SPEED_LIMIT and back", async () => {
    await withApp(
      { DOWNLOAD_SPEED_LIMIT: "5MB", DOWNLOAD_SPEED_SCHEDULE: "00:00-24:00=3MB" },
      async (p, qbit, base) => {
        await aria2Limit(p, 3 * MB);
        expect(await (await qbit.call("GET", "transfer/speedLimitsMode")).text()).toBe("1");
        expect(await (await qbit.call("GET", "transfer/downloadLimit")).text()).toBe(String(3 * MB));
        const main = (await (await qbit.call("GET", "sync/maindata")).json()) as {
          server_state: Record<string, unknown>;
        };
        expect(main.server_state).toMatchObject({ dl_rate_limit: 3 * MB, use_alt_speed_limits: true });

        expect((await qbit.call("POST", "transfer/toggleSpeedLimitsMode")).status).toBe(200);
        expect(await (await qbit.call("GET", "transfer/speedLimitsMode")).text()).toBe("0");
        await aria2Limit(p, 5 * MB);
        expect(await (await qbit.call("GET", "transfer/downloadLimit")).text()).toBe(String(5 * MB));

        await qbit.call("POST", "transfer/toggleSpeedLimitsMode");
        await aria2Limit(p, 3 * MB);

        // The page says which limit is in force and why.
        const loginPage = await fetch(`${base}/login`);
        const csrf = cookieFrom(loginPage, "redriva_csrf");
        const login = await fetch(`${base}/login`, {
          method: "POST",
          headers: { cookie: `redriva_csrf=${csrf}`, "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ ...CREDS, _csrf: csrfFrom(await loginPage.text()) }),
          redirect: "manual",
        });
        const cookie = login.headers
          .getSetCookie()
          .map((c) => c.split(";")[0])
          .join("; ");
        const page = await (await fetch(`${base}/downloads`, { headers: { cookie } })).text();
        const speed = page.slice(
          page.indexOf('id="downloads-speed"'),
          page.indexOf("</dd>", page.indexOf('id="downloads-speed"')),
        );
        expect(speed).toContain("3.0 MB/s");
        expect(speed).toContain("schedule 00:00-24:00");
      },
    );
  }, 90_000);

  test("without a window, transfer/setDownloadLimit reaches aria2c at once and reads back; 0 returns to the configured limit", async () => {
    await withApp({ DOWNLOAD_SPEED_LIMIT: "0" }, async (p, qbit) => {
      await aria2Limit(p, 0);
      expect(await (await qbit.call("GET", "transfer/speedLimitsMode")).text()).toBe("0");
      await qbit.call("POST", "transfer/setDownloadLimit", { form: { limit: String(2 * MB) } });
      await aria2Limit(p, 2 * MB);
      expect(await (await qbit.call("GET", "transfer/downloadLimit")).text()).toBe(String(2 * MB));
      await qbit.call("POST", "transfer/setDownloadLimit", { form: { limit: "0" } });
      await aria2Limit(p, 0);
    });
  }, 90_000);

  test("a schedule that cannot be read stops the start with the entry named", async () => {
    const { loadConfig } = await import("../../../src/config/index.ts");
    expect(() =>
      loadConfig({ DATA_DIR: "/tmp/x", DOWNLOAD_SPEED_SCHEDULE: "01:00-07:00=0,night=20MB" }),
    ).toThrow(/DOWNLOAD_SPEED_SCHEDULE: "night=20MB" is not HH:MM-HH:MM=<speed>/);
  });
});
