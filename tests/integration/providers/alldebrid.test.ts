import { describe, expect, test } from "bun:test";
import { allDebridAccount } from "../../../src/fake-debrid/alldebrid/account.ts";
import { contentSlice } from "../../../src/fake-debrid/content.ts";
import { type FakeDebridServer, startFakeDebrid } from "../../../src/fake-debrid/index.ts";
import { systemClock } from "../../../src/lib/clock.ts";
import { createLogger } from "../../../src/logger.ts";
import { AllDebridProvider } from "../../../src/providers/alldebrid/client.ts";
import { ProviderError } from "../../../src/providers/types.ts";

const log = createLogger({ level: "silent" });

function provider(
  fake: FakeDebridServer,
  extra: Partial<ConstructorParameters<typeof AllDebridProvider>[0]> = {},
) {
  return new AllDebridProvider({
    apiKey: fake.adApiKey,
    apiUrl: fake.adApiUrl,
    rateLimit: 600,
    rateWindowMs: 60_000,
    timeoutMs: 5_000,
    clock: systemClock,
    log,
    backoffBaseMs: 5,
    delayedPollMs: 5,
    ...extra,
  });
}

const hashOf = (n: number) => n.toString(16).padStart(40, "a");
const magnet = (n: number) => `magnet:?xt=urn:btih:${hashOf(n)}&dn=Test.${n}`;

async function settle(ad: AllDebridProvider, id: string) {
  for (let i = 0; i < 20; i++) {
    const info = await ad.getTorrent(id);
    if (info.status !== "queued" && info.status !== "downloading") return info;
  }
  throw new Error("never settled");
}

async function raw(fake: FakeDebridServer, path: string, key = fake.adApiKey) {
  const res = await fetch(fake.adApiUrl + path, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}` },
  });
  return {
    http: res.status,
    body: (await res.json()) as { status: string; error?: { code: string; message?: string } },
  };
}

describe("AllDebrid adapter against the fake server", () => {
  test("a cached magnet is ready at upload (cached: true); an uncached one is not", async () => {
    await using fake = await startFakeDebrid();
    const ad = provider(fake);
    allDebridAccount(fake.state).cached.add(hashOf(1));
    const cached = await ad.addMagnet(magnet(1));
    expect(cached.cached).toBe(true);
    const info = await ad.getTorrent(cached.id);
    expect(info.status).toBe("downloaded");
    expect(info.links.length).toBe(info.files.length);
    const fresh = await ad.addMagnet(magnet(2));
    expect(fresh.cached).toBe(false);
    expect((await ad.getTorrent(fresh.id)).status).toBe("queued");
  });

  test("error statusCodes map to our statuses and keep AllDebrid's words", async () => {
    await using fake = await startFakeDebrid();
    const ad = provider(fake);
    const account = allDebridAccount(fake.state);
    account.scripts.set(hashOf(3), { statusCode: 8 });
    account.scripts.set(hashOf(4), { statusCode: 15 });
    fake.state.scripts.set(hashOf(5), { finalStatus: "magnet_error" });
    const tooBig = await settle(ad, (await ad.addMagnet(magnet(3))).id);
    expect(tooBig).toMatchObject({ status: "error", providerStatus: "File too big", links: [] });
    const noPeer = await settle(ad, (await ad.addMagnet(magnet(4))).id);
    expect(noPeer).toMatchObject({ status: "dead", providerStatus: "File not available - no peer" });
    const tracker = await settle(ad, (await ad.addMagnet(magnet(5))).id);
    expect(tracker).toMatchObject({
      status: "magnet_error",
      providerStatus: "Error while contacting tracker",
    });
  });

  test("a delayed link is polled on /link/delayed until ready, then serves the file", async () => {
    await using fake = await startFakeDebrid({ instantAvailability: true });
    const ad = provider(fake);
    const account = allDebridAccount(fake.state);
    fake.state.scripts.set(hashOf(6), { files: [{ path: "/Delayed.mkv", bytes: 77_777 }] });
    const info = await ad.getTorrent((await ad.addMagnet(magnet(6))).id);
    account.delayedPolls = 2;
    const link = await ad.unrestrictLink(info.links[0] as string);
    expect(fake.stats.byRoute["POST /v4/link/delayed"]).toBe(3);
    const body = new Uint8Array(await (await fetch(link.download)).arrayBuffer());
    expect(Buffer.from(body).equals(Buffer.from(contentSlice(`${hashOf(6)}:1`, 0, 77_777)))).toBe(true);
  });

  test("MAGNET_TOO_MANY_ACTIVE past the active limit (HTTP 200), typed and retryable", async () => {
    await using fake = await startFakeDebrid();
    const ad = provider(fake);
    allDebridAccount(fake.state).activeLimit = 2;
    await ad.addMagnet(magnet(7));
    await ad.addMagnet(magnet(8));
    const error = (await ad.addMagnet(magnet(9)).catch((e) => e)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      kind: "too_many_active",
      providerCode: "MAGNET_TOO_MANY_ACTIVE",
      httpStatus: 200,
      retryable: true,
    });
  });

  test("MAINTENANCE (HTTP 503) is unavailable at once, not retried for minutes", async () => {
    await using fake = await startFakeDebrid();
    const ad = provider(fake);
    fake.state.scripts.set(hashOf(10), { addError: "service_unavailable" });
    const error = (await ad.addMagnet(magnet(10)).catch((e) => e)) as ProviderError;
    expect(error).toMatchObject({ kind: "unavailable", providerCode: "MAINTENANCE", httpStatus: 503 });
    expect(fake.stats.requests).toBe(1);
  });

  test("an invalid .torrent is refused as bad_request (MAGNET_INVALID_FILE)", async () => {
    await using fake = await startFakeDebrid();
    const error = (await provider(fake)
      .addTorrentFile(new TextEncoder().encode("not bencode"))
      .catch((e) => e)) as ProviderError;
    expect(error).toMatchObject({ kind: "bad_request", providerCode: "MAGNET_INVALID_FILE" });
  });

  test("one fake, two accounts: AllDebrid does not list the Real-Debrid library, and vice versa", async () => {
    await using fake = await startFakeDebrid({ library: { size: 4, seed: 3 } });
    const ad = provider(fake);
    const added = await ad.addMagnet(magnet(11));
    const listed: string[] = [];
    for await (const page of ad.listTorrents()) listed.push(...page.map((t) => t.id));
    // Its own 4 magnets (a twin of the library's options) and the one added, none of Real-Debrid's.
    expect(listed.sort()).toEqual([...allDebridAccount(fake.state).library.torrents.keys()].sort());
    expect(listed).toContain(added.id);
    expect(listed).toHaveLength(5);
    expect(listed.some((id) => fake.state.library.torrents.has(id))).toBe(false);
    expect(fake.state.library.torrents.size).toBe(4);
  });

  test("the client keeps to 12 requests per second: 30 calls span 2 s and none is refused", async () => {
    await using fake = await startFakeDebrid();
    const ad = provider(fake);
    await Promise.all(Array.from({ length: 30 }, () => ad.getAccount()));
    expect(fake.stats.rateLimited).toBe(0);
    const arrivals = fake.stats.arrivals;
    expect((arrivals.at(-1) as number) - (arrivals[0] as number)).toBeGreaterThanOrEqual(1990);
  });

  test("the fake enforces 12/s and 600/min with HTTP 429", async () => {
    await using fake = await startFakeDebrid();
    const burst = await Promise.all(Array.from({ length: 15 }, () => raw(fake, "/v4/user")));
    expect(burst.filter((r) => r.http === 429).length).toBe(3);
    expect(burst.filter((r) => r.http === 200 && r.body.status === "success").length).toBe(12);
    await using other = await startFakeDebrid();
    allDebridAccount(other.state).perMinute.limit = 5;
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push((await raw(other, "/v4/user")).http);
    expect(answers).toEqual([200, 200, 200, 200, 200, 429]);
  });

  test("application errors come back with HTTP 200 and status:error", async () => {
    await using fake = await startFakeDebrid();
    expect(await raw(fake, "/v4/user", "bad-key")).toEqual({
      http: 200,
      body: { status: "error", error: { code: "AUTH_BAD_APIKEY", message: "The auth apikey is invalid" } },
    });
    const missing = await fetch(`${fake.adApiUrl}/v4/user`);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("AUTH_MISSING_APIKEY");
    expect((await raw(fake, "/v4.1/magnet/status?id=12")).body.error?.code).toBe("MAGNET_INVALID_ID");
    expect((await raw(fake, "/v4/magnet/upload")).body.error?.code).toBe("MAGNET_NO_URI");
    expect((await raw(fake, "/v4/nothing-here")).http).toBe(404);
  });

  test("survives 5xx, 429s, dropped connections and malformed JSON", async () => {
    await using fake = await startFakeDebrid({ instantAvailability: true });
    const ad = provider(fake, { maxRetries: 8, defaultRetryAfterMs: 20 });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await ad.addMagnet(magnet(100 + i))).id);
    fake.faults.serverErrorRate = 0.1;
    fake.faults.rateLimitRate = 0.05;
    fake.faults.dropRate = 0.08;
    fake.faults.malformedRate = 0.08;
    const infos = await Promise.all(ids.map((id) => ad.getTorrent(id)));
    expect(new Set(infos.map((i) => i.id)).size).toBe(10);
    expect(infos.every((i) => i.status === "downloaded")).toBe(true);
    const injected = fake.stats.injected;
    expect(
      injected.serverErrors + injected.dropped + injected.rateLimited + injected.malformed,
    ).toBeGreaterThan(2);
    expect(ad.stats().retries).toBeGreaterThan(2);
  });
});
