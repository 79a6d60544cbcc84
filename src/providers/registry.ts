import { AsyncLocalStorage } from "node:async_hooks";
import type { Config } from "../config/index.ts";
import type { Clock } from "../lib/clock.ts";
import type { Logger } from "../logger.ts";
import type { ProviderDescriptor, ResponseListener } from "./descriptor.ts";
import { PROVIDERS } from "./list.ts";
import type { DebridProvider, ProviderKind, RequestMeter } from "./types.ts";

/**
 * The configured providers, built on first use from their descriptors. Nothing here knows a
 * provider by name: `list` (src/providers/list.ts by default) is the only place that does.
 */
export class ProviderRegistry {
  private readonly providers = new Map<ProviderKind, DebridProvider>();
  private readonly listeners = new Set<ResponseListener>();
  /** Whose meter the provider calls of the current async context count into (see metered). */
  private readonly meters = new AsyncLocalStorage<RequestMeter>();

  constructor(
    private readonly config: Config,
    private readonly clock: Clock,
    private readonly log: Logger,
    readonly list: readonly ProviderDescriptor[] = PROVIDERS,
  ) {}

  /** The provider, or null when its credentials are not configured (or it is unknown). */
  get(kind: ProviderKind): DebridProvider | null {
    const existing = this.providers.get(kind);
    if (existing) return existing;
    const created = this.create(kind);
    if (created) this.providers.set(kind, created);
    return created;
  }

  /** The provider, or a clear error naming the variable to set. */
  require(kind: ProviderKind): DebridProvider {
    const provider = this.get(kind);
    if (!provider) throw new Error(this.notConfigured(kind));
    return provider;
  }

  /** "alldebrid is not configured: set AD_API_KEY (in the environment or .env)" */
  notConfigured(kind: ProviderKind): string {
    const descriptor = this.descriptor(kind);
    if (!descriptor) return `unknown provider "${kind}" (${this.list.map((p) => p.kind).join(", ")})`;
    return `${kind} is not configured: set ${descriptor.credentialVariable} (in the environment or .env)`;
  }

  /** "no debrid provider configured: set RD_API_TOKEN or AD_API_KEY" (every listed credential). */
  noneConfigured(): string {
    const variables = this.list.map((p) => p.credentialVariable);
    const last = variables.pop();
    const named = variables.length > 0 ? `${variables.join(", ")} or ${last}` : last;
    return `no debrid provider configured: set ${named}`;
  }

  /** Kinds with a credential set, in list order. */
  configured(): ProviderKind[] {
    return this.list.filter((p) => this.settingsOf(p)).map((p) => p.kind);
  }

  private descriptor(kind: ProviderKind): ProviderDescriptor | undefined {
    return this.list.find((p) => p.kind === kind);
  }

  /**
   * Runs `call` with every HTTP request it makes to any provider counted in `meter`, retries and
   * 429s included, however many requests one provider method makes (Premiumize's delete reads
   * the transfer first, TorBox's add checks the cache).
   */
  metered<T>(meter: RequestMeter, call: () => Promise<T>): Promise<T> {
    return this.meters.run(meter, call);
  }

  onResponse(listener: ResponseListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The descriptor's settings when its credential is set; null otherwise. */
  private settingsOf(descriptor: ProviderDescriptor) {
    const settings = this.config.providers[descriptor.kind];
    return settings?.[descriptor.credentialField] ? settings : null;
  }

  private create(kind: ProviderKind): DebridProvider | null {
    const descriptor = this.descriptor(kind);
    const settings = descriptor && this.settingsOf(descriptor);
    if (!descriptor || !settings) return null;
    // Under the descriptor's kind: account 2 of a provider reports as itself (realdebrid2).
    const onResponse: ResponseListener = (info) => {
      for (const l of this.listeners) l({ ...info, provider: descriptor.kind });
    };
    const ambientMeter = () => this.meters.getStore();
    return descriptor.create(settings, { clock: this.clock, log: this.log, onResponse, ambientMeter });
  }
}
