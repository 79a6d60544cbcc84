import { describe, expect, test } from "bun:test";
import { startFakeDebrid } from "../../../src/fake-debrid/index.ts";
import { systemClock } from "../../../src/lib/clock.ts";
import { createLogger } from "../../../src/logger.ts";
import { RealDebridProvider } from "../../../src/providers/realdebrid/client.ts";
import { ProviderError, type ProviderTorrent } from "../../../src/providers/types.ts";

const log = createLogger({ level: "silent" });

function provider(apiUrl: string, extra: Partial<ConstructorParameters<typeof RealDebridProvider>[0]> = {}) {
  return new RealDebridProvider({
    token: "fake-token",
    apiUrl,
    rateLimit: 250,
    rateWindowMs: 60_000,
    timeoutMs: 5_000,
    clock: systemClock,
    log,
    backoffBaseMs: 5,
    ...extra,
  });
}

async function collect(iterable: AsyncIterable<ProviderTorrent[]>) {
  const pages: ProviderTorrent[][] = [];
  for await (const page of iterable) pages.push(page);
  return pages;
}

describe("Real-Debrid adapter against the fake server", () => {
  test("pages the library 5,000 at a time and stops at the 204 past the end", async () => {
    await using fake = await startFakeDebrid({ library: { size: 12_000, seed: 1 } });
    const rd = provider(fake.rdApiUrl);
    const pages = await collect(rd.listTorrents());
    expect(pages.map((p) => p.length)).toEqual([5000, 5000, 2000]);
    const ids = new Set(pages.flat().map((t) => t.id));
    expect(ids.size).toBe(12_000);
    expect(fake.stats.byRoute["GET /rest/1.0/torrents"]).toBe(3);
  });

  test("an exact multiple of the page size ends on the 204 page", async () => {
    await using fake = await startFakeDebrid({ library: { size: 5000, seed: 2 } });
    const pages = await collect(provider(fake.rdApiUrl).listTorrents());
    expect(pages.flat().length).toBe(5000);
    expect(fake.stats.byRoute["GET /rest/1.0/torrents"]).toBeLessThanOrEqual(2);
  });

  test("a bad token stops at once with a clear message and no retry", async () => {
    await using fake = await startFakeDebrid({ library: { size: 10 } });
    const rd = provider(fake.rdApiUrl, { token: "wrong-token-value" });
    const error = await collect(rd.listTorrents()).catch((e) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe("auth");
    expect((error as ProviderError).message).toContain("RD_API_TOKEN");
    expect((error as ProviderError).message).not.toContain("wrong-token-value");
    expect(fake.stats.requests).toBe(1);
  });

  test("maps documented error codes to typed errors", async () => {
    await using fake = await startFakeDebrid({ library: { size: 1 } });
    const rd = provider(fake.rdApiUrl);
    const missing = await rd.getTorrent("AAAAAAAAAAAAA").catch((e) => e);
    expect(missing).toMatchObject({ kind: "not_found", providerCode: 7, httpStatus: 404 });
    const hash = "a".repeat(40);
    fake.state.scripts.set(hash, { addError: "infringing_file" });
    const infringing = await rd.addMagnet(`magnet:?xt=urn:btih:${hash}`).catch((e) => e);
    expect(infringing).toMatchObject({ kind: "infringing", providerCode: 35, retryable: false });
    fake.state.scripts.set("b".repeat(40), { addError: "too_many_active_downloads" });
    const busy = await rd.addMagnet(`magnet:?xt=urn:btih:${"b".repeat(40)}`).catch((e) => e);
    expect(busy).toMatchObject({
      kind: "too_many_active",
      providerCode: 21,
      httpStatus: 509,
      retryable: true,
    });
  });

  test("never sends more than the limit per window, so the server refuses nothing", async () => {
    await using fake = await startFakeDebrid({
      library: { size: 30, seed: 3 },
      rateLimit: 20,
      rateWindowMs: 1000,
    });
    const rd = provider(fake.rdApiUrl, { rateLimit: 20, rateWindowMs: 1000 });
    const ids = [...fake.state.library.torrents.keys()];
    await Promise.all(ids.map((id) => rd.getTorrent(id)));
    expect(fake.stats.rateLimited).toBe(0);
    expect(fake.stats.requests).toBe(30);
    // 30 requests at 20 per second: the last ones waited for the window to slide.
    const arrivals = fake.stats.arrivals;
    expect((arrivals.at(-1) as number) - (arrivals[0] as number)).toBeGreaterThanOrEqual(900);
  });

  test("survives 5xx, 429s, dropped connections and malformed JSON with every item fetched once", async () => {
    await using fake = await startFakeDebrid({
      library: { size: 200, seed: 4 },
      faults: { serverErrorRate: 0.05, rateLimitRate: 0.03, dropRate: 0.03, malformedRate: 0.03 },
    });
    // Room above the 200 requests and their retries: each 429 lowers our own rate for a while.
    const rd = provider(fake.rdApiUrl, { rateLimit: 1000, rateWindowMs: 60_000, maxRetries: 8 });
    // A real overrun pauses everything for the configured window; keep it short for the test.
    (rd as unknown as { http: { defaultRetryAfterMs: number } }).http.defaultRetryAfterMs = 20;
    const ids = [...fake.state.library.torrents.keys()];
    const infos = await Promise.all(ids.map((id) => rd.getTorrent(id)));
    expect(new Set(infos.map((i) => i.id)).size).toBe(200);
    const injected = fake.stats.injected;
    expect(
      injected.serverErrors + injected.dropped + injected.rateLimited + injected.malformed,
    ).toBeGreaterThan(5);
    expect(rd.stats().retries).toBeGreaterThan(5);
  });
});
