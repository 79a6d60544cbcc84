import { loadConfig } from "../../../src/config/index.ts";
import { startFakeDebrid } from "../../../src/fake-debrid/index.ts";
import { systemClock } from "../../../src/lib/clock.ts";
import { createLogger } from "../../../src/logger.ts";
import { ProviderRegistry } from "../../../src/providers/registry.ts";
import type { ProviderKind } from "../../../src/providers/types.ts";
import { type ContractSubject, describeProviderContract } from "../../contracts/provider-contract.ts";

const log = createLogger({ level: "silent" });

/** Providers built the way Redriva builds them: config → registry, pointed at the fake server. */
function registry(env: Record<string, string>): ProviderRegistry {
  return new ProviderRegistry(loadConfig({ LOG_LEVEL: "silent", ...env }), systemClock, log);
}

function subject(kind: ProviderKind): () => Promise<ContractSubject> {
  return async () => {
    const fake = await startFakeDebrid({
      token: "rd-contract-token",
      adApiKey: "ad-contract-key",
      library: { size: 5, seed: 9, fileBytes: { min: 10_000, max: 50_000 } },
    });
    const env = (rd: string, ad: string) => ({
      RD_API_TOKEN: rd,
      RD_API_URL: fake.rdApiUrl,
      AD_API_KEY: ad,
      AD_API_URL: fake.adApiUrl,
    });
    return {
      provider: registry(env("rd-contract-token", "ad-contract-key")).require(kind),
      fake,
      credentialVariable: kind === "realdebrid" ? "RD_API_TOKEN" : "AD_API_KEY",
      withBadCredentials() {
        const secret = `wrong-${kind}-secret-value`;
        return { provider: registry(env(secret, secret)).require(kind), secret };
      },
      close: () => fake.close(),
    };
  };
}

describeProviderContract("Real-Debrid", subject("realdebrid"));
describeProviderContract("AllDebrid", subject("alldebrid"));
