import { afterEach, describe, expect, test } from "bun:test";
import { SMTPServer } from "smtp-server";
import { loadConfig } from "../../../src/config/index.ts";
import { JobRunner } from "../../../src/jobs/runner.ts";
import { makeTestDeps } from "../../helpers/deps.ts";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const HOSTILE = "**@everyone** <b>boom</b> [x](http://evil.example)\u0007";

interface Received {
  path: string;
  headers: Headers;
  body: Record<string, unknown>;
}

/** One local HTTP server standing in for Telegram's Bot API, ntfy and an Apprise API. */
function fakeHttpTargets(options: { telegramStatuses?: number[] } = {}) {
  const received: Received[] = [];
  const telegramStatuses = [...(options.telegramStatuses ?? [])];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const path = new URL(req.url).pathname;
      received.push({ path, headers: req.headers, body: (await req.json()) as Record<string, unknown> });
      if (path.startsWith("/telegram/")) {
        const status = telegramStatuses.shift() ?? 200;
        if (status === 429)
          return Response.json(
            {
              ok: false,
              error_code: 429,
              description: "Too Many Requests: retry after 1",
              parameters: { retry_after: 1 },
            },
            { status, headers: { "retry-after": "1" } },
          );
        return Response.json({ ok: true, result: { message_id: received.length } });
      }
      return Response.json({ ok: true });
    },
  });
  cleanups.push(() => server.stop(true));
  return { url: `http://127.0.0.1:${server.port}`, received };
}

/** An SMTP sink on 127.0.0.1 that checks the credentials and keeps every message. */
async function smtpSink(options: { rejectWith?: number } = {}) {
  const messages: Array<{ from: string; to: string[]; data: string }> = [];
  let attempts = 0;
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (auth.username === "redriva" && auth.password === "p@ss:word")
        return callback(null, { user: "redriva" });
      return callback(new Error("bad credentials"));
    },
    onData(stream, session, callback) {
      attempts++;
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        if (options.rejectWith) {
          const error = Object.assign(new Error("mailbox unavailable"), { responseCode: options.rejectWith });
          return callback(error);
        }
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://redriva:${encodeURIComponent("p@ss:word")}@127.0.0.1:${port}`,
    messages,
    attempts: () => attempts,
  };
}

function failingJobRunner(env: Record<string, string>) {
  const deps = makeTestDeps(env);
  cleanups.push(() => deps[Symbol.dispose]());
  const runner = new JobRunner(deps, [
    {
      name: "fragile",
      description: "fails",
      defaultSchedule: "off",
      run: async () => {
        throw new Error(HOSTILE);
      },
    },
  ]);
  return { deps, runner };
}

describe("notifications to Telegram, ntfy, Apprise and e-mail", () => {
  test("a failed job reaches every channel once, as plain text; Telegram's 429 is retried after its Retry-After", async () => {
    const http = fakeHttpTargets({ telegramStatuses: [429] });
    const smtp = await smtpSink();
    const { runner } = failingJobRunner({
      TELEGRAM_API_URL: `${http.url}/telegram`,
      TELEGRAM_BOT_TOKEN: "123456:bot-secret",
      TELEGRAM_CHAT_ID: "-100200300",
      NTFY_URL: `${http.url}/ntfy/redriva-alerts`,
      NTFY_TOKEN: "tk_ntfysecret",
      APPRISE_URL: `${http.url}/notify/redriva`,
      SMTP_URL: smtp.url,
      SMTP_FROM: "Redriva <redriva@example.test>",
      SMTP_TO: "me@example.test, you@example.test",
    });
    const finished = await runner.trigger("fragile", "manual").done;
    expect(finished.status).toBe("failed");

    const telegram = http.received.filter((r) => r.path === "/telegram/bot123456:bot-secret/sendMessage");
    expect(telegram).toHaveLength(2);
    expect(telegram[1]?.body).toMatchObject({ chat_id: "-100200300", disable_web_page_preview: true });
    // No parse_mode: Telegram shows the text as typed; the bell character is gone.
    expect(telegram[1]?.body.parse_mode).toBeUndefined();
    const text = String(telegram[1]?.body.text);
    expect(text.startsWith("Job fragile failed\n\n**@everyone** <b>boom</b> [x](http://evil.example) ")).toBe(
      true,
    );
    expect(text).toContain("job: fragile");
    expect(text).not.toContain("\u0007");

    const ntfy = http.received.filter((r) => r.path === "/ntfy");
    expect(ntfy).toHaveLength(1);
    expect(ntfy[0]?.headers.get("authorization")).toBe("Bearer tk_ntfysecret");
    expect(ntfy[0]?.body).toMatchObject({
      topic: "redriva-alerts",
      title: "Job fragile failed",
      priority: 5,
    });
    expect(String(ntfy[0]?.body.message)).toContain("<b>boom</b>");

    const apprise = http.received.filter((r) => r.path === "/notify/redriva");
    expect(apprise).toHaveLength(1);
    expect(apprise[0]?.body).toMatchObject({ title: "Job fragile failed", type: "failure", format: "text" });

    expect(smtp.messages).toHaveLength(1);
    const mail = smtp.messages[0];
    expect(mail?.from).toBe("redriva@example.test");
    expect(mail?.to).toEqual(["me@example.test", "you@example.test"]);
    expect(mail?.data).toContain("Subject: [Redriva] Job fragile failed");
    expect(mail?.data).toContain("Content-Type: text/plain");
    expect(mail?.data).not.toContain("text/html");
    expect(mail?.data).toContain("X-Redriva-Event: job_failed");
  }, 60_000);

  test("an e-mail the server refuses for good (550) is tried once, the others still arrive, the job keeps its own outcome", async () => {
    const http = fakeHttpTargets();
    const smtp = await smtpSink({ rejectWith: 550 });
    const { deps, runner } = failingJobRunner({
      NTFY_URL: `${http.url}/redriva-alerts`,
      SMTP_URL: smtp.url,
      SMTP_FROM: "redriva@example.test",
      SMTP_TO: "me@example.test",
    });
    const { notify } = await import("../../../src/services/notifications/index.ts");
    const result = await notify(deps, { type: "job_failed", title: "Job x failed", message: "boom" });
    expect(result.sent).toEqual(["ntfy"]);
    expect(result.failed).toEqual(["email"]);
    expect(smtp.attempts()).toBe(1);
    const finished = await runner.trigger("fragile", "manual").done;
    expect(finished.status).toBe("failed");
    expect(http.received.filter((r) => r.path === "/").length).toBe(2);
  }, 60_000);

  test("half a channel is a configuration error naming what is missing, and no secret is echoed", () => {
    expect(() => loadConfig({ DATA_DIR: "/tmp/x", TELEGRAM_BOT_TOKEN: "123:abc" })).toThrow(
      /TELEGRAM_CHAT_ID: TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID go together/,
    );
    expect(() => loadConfig({ DATA_DIR: "/tmp/x", SMTP_URL: "smtp://u:pw@host:25" })).toThrow(
      /SMTP_TO: SMTP_URL needs SMTP_FROM and at least one SMTP_TO address/,
    );
    let message = "";
    try {
      loadConfig({ DATA_DIR: "/tmp/x", SMTP_URL: "http://u:topsecret@host" });
    } catch (error) {
      message = String(error);
    }
    expect(message).toContain("SMTP_URL: expected smtp://");
    expect(message).not.toContain("topsecret");
  });
});
