import { loadConfig } from "../../src/config/index.ts";
import { startFakeDebrid } from "../../src/fake-debrid/index.ts";
import { FAKE_PROVIDERS, type FakeProvider } from "../../src/fake-debrid/providers.ts";
import { systemClock } from "../../src/lib/clock.ts";
import { createLogger } from "../../src/logger.ts";
import type { ProviderDescriptor } from "../../src/providers/descriptor.ts";
import { PROVIDERS } from "../../src/providers/list.ts";
import { ProviderRegistry } from "../../src/providers/registry.ts";
import { type ContractSubject, describeProviderContract } from "./provider-contract.ts";

const log = createLogger({ level: "silent" });

/**
 * Runs the contract suite for `kind`, built the way Redriva builds it (environment → config →
 * registry) against its fake. Nothing here knows a provider: the lists say everything.
 */
export function describeContractFor(
  kind: string,
  providers: readonly ProviderDescriptor[] = PROVIDERS,
  fakes: readonly FakeProvider[] = FAKE_PROVIDERS,
): void {
  const descriptor = providers.find((p) => p.kind === kind);
  const fakeProvider = fakes.find((f) => f.kind === kind);
  if (!descriptor || !fakeProvider)
    throw new Error(`${kind}: no descriptor or no fake under src/fake-debrid/`);
  describeProviderContract(descriptor.label, async (): Promise<ContractSubject> => {
    const fake = await startFakeDebrid({
      library: { size: 5, seed: 9, fileBytes: { min: 10_000, max: 50_000 } },
      providers: fakes,
    });
    const build = (credential?: string) => {
      const config = loadConfig({ LOG_LEVEL: "silent", ...fakeProvider.env(fake, credential) }, providers);
      return new ProviderRegistry(config, systemClock, log, providers).require(kind);
    };
    return {
      provider: build(),
      fake,
      credentialVariable: descriptor.credentialVariable,
      withBadCredentials() {
        const secret = `wrong-${kind}-secret-value`;
        return { provider: build(secret), secret };
      },
      close: () => fake.close(),
    };
  });
}
