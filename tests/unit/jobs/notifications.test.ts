import { afterEach, describe, expect, test } from "bun:test";
import { diskCheckJob } from "../../../src/jobs/definitions/disk-check.ts";
import { JobRunner } from "../../../src/jobs/runner.ts";
import { notify, type WebhookPayload } from "../../../src/services/notifications/index.ts";
import { makeTestDeps } from "../../helpers/deps.ts";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A webhook receiver on 127.0.0.1:0 that answers `statuses` in turn (then 204). */
function fakeWebhook(statuses: number[] = []) {
  const received: Array<{ path: string; body: Record<string, unknown> }> = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      received.push({ path: new URL(req.url).pathname, body: (await req.json()) as Record<string, unknown> });
      return new Response(null, { status: statuses.shift() ?? 204 });
    },
  });
  cleanups.push(() => server.stop(true));
  return { url: `http://127.0.0.1:${server.port}`, received };
}

describe("notifications", () => {
  test("a failed job is sent to Discord and to the JSON webhook, names as plain text", async () => {
    const hook = fakeWebhook();
    const deps = makeTestDeps({
      DISCORD_WEBHOOK_URL: `${hook.url}/discord/123/secret-token`,
      WEBHOOK_URL: `${hook.url}/generic`,
    });
    cleanups.push(() => deps[Symbol.dispose]());
    const runner = new JobRunner(deps, [
      {
        name: "fragile",
        description: "fails",
        defaultSchedule: "off",
        run: async () => {
          throw new Error("**@everyone** <b>boom</b>");
        },
      },
    ]);
    const finished = await runner.trigger("fragile", "manual").done;
    expect(finished.status).toBe("failed");
    expect(hook.received.map((r) => r.path).sort()).toEqual(["/discord/123/secret-token", "/generic"]);

    const generic = hook.received.find((r) => r.path === "/generic")?.body as unknown as WebhookPayload;
    expect(generic).toMatchObject({
      event: "job_failed",
      title: "Job fragile failed",
      message: "**@everyone** <b>boom</b>",
      severity: "error",
      source: "redriva",
      data: { job: "fragile", runId: finished.runId, trigger: "manual" },
    });
    expect(Number.isNaN(Date.parse(generic.at))).toBe(false);

    const discord = hook.received.find((r) => r.path.startsWith("/discord"))?.body as {
      allowed_mentions: { parse: string[] };
      embeds: Array<{ title: string; description: string }>;
    };
    expect(discord.allowed_mentions).toEqual({ parse: [] });
    expect(discord.embeds[0]?.title).toBe("Job fragile failed");
    // Discord markdown is escaped: the name is shown as typed, never as bold or a mention.
    expect(discord.embeds[0]?.description).toBe("\\*\\*@everyone\\*\\* <b\\>boom</b\\>");
  });

  test("a 429 whose Retry-After is an HTTP date waits until that date before the retry", async () => {
    const received: number[] = [];
    const server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      async fetch(req) {
        await req.arrayBuffer();
        received.push(Date.now());
        if (received.length > 1) return new Response(null, { status: 204 });
        // Whole seconds only: between 2 and 3 s from now.
        const retryAt = new Date(Date.now() + 3000).toUTCString();
        return new Response(null, { status: 429, headers: { "Retry-After": retryAt } });
      },
    });
    cleanups.push(() => server.stop(true));
    const deps = makeTestDeps({ WEBHOOK_URL: `http://127.0.0.1:${server.port}/hook` });
    cleanups.push(() => deps[Symbol.dispose]());
    const result = await notify(deps, { type: "download_completed", title: "t", message: "m" });
    expect(result.sent).toEqual(["webhook"]);
    expect(received).toHaveLength(2);
    // Read as a date, not as "no header" (which would retry after 0.5-1 s).
    expect((received[1] as number) - (received[0] as number)).toBeGreaterThanOrEqual(1500);
  });

  test("a refused delivery is retried once, then logged; it never throws and never fails the job", async () => {
    const hook = fakeWebhook([503, 500, 500]);
    const deps = makeTestDeps({ WEBHOOK_URL: `${hook.url}/hook` });
    cleanups.push(() => deps[Symbol.dispose]());
    const result = await notify(deps, {
      type: "download_failed",
      title: "Download failed",
      message: "x.mkv",
    });
    expect(result).toEqual({ sent: [], failed: ["webhook"], skipped: false });
    expect(hook.received).toHaveLength(2);

    // 500, then accepted on the retry.
    const second = await notify(deps, {
      type: "download_completed",
      title: "Download completed",
      message: "y.mkv",
    });
    expect(second.sent).toEqual(["webhook"]);
    expect(hook.received).toHaveLength(4);
  });

  test("an unreachable webhook is reported, not thrown", async () => {
    const deps = makeTestDeps({ WEBHOOK_URL: "http://127.0.0.1:9/nothing-listens-here" });
    cleanups.push(() => deps[Symbol.dispose]());
    const result = await notify(deps, { type: "disk_space_low", title: "Disk space low", message: "/data" });
    expect(result.failed).toEqual(["webhook"]);
  });

  test("NOTIFY_EVENTS filters event types; nothing configured means nothing sent", async () => {
    const hook = fakeWebhook();
    const deps = makeTestDeps({ WEBHOOK_URL: hook.url, NOTIFY_EVENTS: "job_failed,disk_space_low" });
    cleanups.push(() => deps[Symbol.dispose]());
    expect((await notify(deps, { type: "download_completed", title: "t", message: "m" })).skipped).toBe(true);
    expect((await notify(deps, { type: "disk_space_low", title: "t", message: "m" })).sent).toEqual([
      "webhook",
    ]);
    expect(hook.received).toHaveLength(1);
    const bare = makeTestDeps();
    cleanups.push(() => bare[Symbol.dispose]());
    expect(await notify(bare, { type: "job_failed", title: "t", message: "m" })).toEqual({
      sent: [],
      failed: [],
      skipped: true,
    });
  });

  test("disk-check notifies once when space runs low, not at every check", async () => {
    const hook = fakeWebhook();
    const deps = makeTestDeps({ WEBHOOK_URL: hook.url, DISK_SPACE_LOW: "1000000TB" });
    cleanups.push(() => deps[Symbol.dispose]());
    const runner = new JobRunner(deps, [diskCheckJob]);
    expect((await runner.trigger("disk-check", "manual").done).counts).toMatchObject({ low: 1 });
    expect((await runner.trigger("disk-check", "manual").done).status).toBe("succeeded");
    expect(hook.received.map((r) => r.body.event)).toEqual(["disk_space_low"]);
    expect(hook.received[0]?.body.data).toMatchObject({ path: deps.dataDir });
  });
});
