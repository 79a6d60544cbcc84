import { describe, expect, test } from "bun:test";
import { startFakeDebrid } from "../../../src/fake-debrid/index.ts";
import { FAKE_PROVIDERS } from "../../../src/fake-debrid/providers.ts";
import { KIND_WORDS, wordsFor } from "../../../src/providers/error-words.ts";
import { PROVIDERS } from "../../../src/providers/list.ts";
import { ProviderError } from "../../../src/providers/types.ts";
import { makeTestDeps } from "../../helpers/deps.ts";

/**
 * Every provider's refusals reach people in plain words: its descriptor's `errorWords` for its
 * documented code, else the words of the kind. Driven through each fake, for every entry of
 * FAKE_PROVIDERS, with the shared scripts each fake translates into its provider's own refusal.
 */
const REFUSALS = ["too_many_active_downloads", "fair_usage_limit"] as const;

for (const fp of FAKE_PROVIDERS) {
  const descriptor = PROVIDERS.find((p) => p.kind === fp.kind);
  describe(`${descriptor?.label ?? fp.kind} errors in words`, () => {
    for (const [i, refusal] of REFUSALS.entries()) {
      test(`a scripted ${refusal} refusal is told in words, its own code kept`, async () => {
        await using fake = await startFakeDebrid({ library: { size: 0 } });
        const hash = (i + 1).toString(16).padStart(40, "f");
        fake.state.scripts.set(hash, { addError: refusal });
        using deps = makeTestDeps({ ...fp.env(fake), ...fp.account.fastEnv });
        const error = await deps.providers
          .require(fp.kind)
          .addMagnet(`magnet:?xt=urn:btih:${hash}&dn=Refused`)
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ProviderError);
        const refused = error as ProviderError;
        const words = wordsFor(descriptor?.errorWords ?? {}, refused.providerCode, refused.kind);
        expect(refused.message).toContain(words);
        // A documented code has words of its own, not only those of its kind.
        if (refused.providerCode !== null)
          expect(descriptor?.errorWords[String(refused.providerCode)]).toBeDefined();
        // The provider's own code stays beside the words, for searching its documentation.
        if (refused.providerCode !== null) expect(refused.message).toContain(String(refused.providerCode));
        expect(words).not.toBe(KIND_WORDS.unknown);
      });
    }
  });
}
