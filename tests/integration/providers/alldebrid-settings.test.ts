import { describe, expect, test } from "bun:test";
import { loadConfig } from "../../../src/config/index.ts";
import { startFakeDebrid } from "../../../src/fake-debrid/index.ts";
import { systemClock } from "../../../src/lib/clock.ts";
import { createLogger } from "../../../src/logger.ts";
import { ProviderRegistry } from "../../../src/providers/registry.ts";
import { ProviderError } from "../../../src/providers/types.ts";

const log = createLogger({ level: "silent" });

async function accountError(env: Record<string, string>): Promise<ProviderError> {
  const registry = new ProviderRegistry(loadConfig({ LOG_LEVEL: "silent", ...env }), systemClock, log);
  const error = await registry
    .require("alldebrid")
    .getAccount()
    .then(
      () => null,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe("AllDebrid has its own timeout and retry settings", () => {
  test("defaults: 30 s and 6 retries, whatever RD_TIMEOUT_MS / RD_MAX_RETRIES say", () => {
    const config = loadConfig({ RD_TIMEOUT_MS: "1000", RD_MAX_RETRIES: "0" });
    expect(config.providers.alldebrid).toMatchObject({ timeoutMs: 30_000, maxRetries: 6 });
    expect(config.providers.realdebrid).toMatchObject({ timeoutMs: 1000, maxRetries: 0 });
  });

  test("AD_MAX_RETRIES bounds the attempts of one request", async () => {
    await using fake = await startFakeDebrid({ faults: { serverErrorRate: 1 } });
    const env = { AD_API_KEY: fake.adApiKey, AD_API_URL: fake.adApiUrl, RD_MAX_RETRIES: "5" };
    expect((await accountError({ ...env, AD_MAX_RETRIES: "0" })).kind).toBe("unavailable");
    expect(fake.stats.requests).toBe(1);
    fake.resetStats();
    await accountError({ ...env, AD_MAX_RETRIES: "2" });
    expect(fake.stats.requests).toBe(3);
  });

  test("AD_TIMEOUT_MS bounds one request (RD_TIMEOUT_MS does not)", async () => {
    await using fake = await startFakeDebrid({ faults: { latencyMs: { min: 3_000, max: 3_000 } } });
    const error = await accountError({
      AD_API_KEY: fake.adApiKey,
      AD_API_URL: fake.adApiUrl,
      AD_TIMEOUT_MS: "200",
      AD_MAX_RETRIES: "0",
      RD_TIMEOUT_MS: "60000",
    });
    expect(error.kind).toBe("network");
  });
});
