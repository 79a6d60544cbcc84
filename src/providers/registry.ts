import type { Config } from "../config/index.ts";
import type { Clock } from "../lib/clock.ts";
import type { Logger } from "../logger.ts";
import { AllDebridProvider } from "./alldebrid/client.ts";
import { RealDebridProvider } from "./realdebrid/client.ts";
import type { DebridProvider, ProviderKind } from "./types.ts";

/** Listener for every provider response (metrics). */
export type ResponseListener = (info: {
  provider: ProviderKind;
  status: number;
  elapsedMs: number;
  path: string;
}) => void;

/**
 * The configured providers. The only place that switches on provider kind: adding a provider is
 * one folder plus one branch here.
 */
export class ProviderRegistry {
  private readonly providers = new Map<ProviderKind, DebridProvider>();
  private readonly listeners = new Set<ResponseListener>();

  constructor(
    private readonly config: Config,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** The provider, or null when its credentials are not configured. */
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
    if (!provider) {
      const variable = kind === "realdebrid" ? "RD_API_TOKEN" : "AD_API_KEY";
      throw new Error(`${kind} is not configured: set ${variable} (in the environment or .env)`);
    }
    return provider;
  }

  configured(): ProviderKind[] {
    const kinds: ProviderKind[] = [];
    if (this.config.realDebrid.token) kinds.push("realdebrid");
    if (this.config.allDebrid.apiKey) kinds.push("alldebrid");
    return kinds;
  }

  onResponse(listener: ResponseListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private create(kind: ProviderKind): DebridProvider | null {
    const onResponse: ResponseListener = (info) => {
      for (const l of this.listeners) l(info);
    };
    switch (kind) {
      case "realdebrid": {
        const rd = this.config.realDebrid;
        if (!rd.token) return null;
        return new RealDebridProvider({
          token: rd.token,
          apiUrl: rd.apiUrl,
          rateLimit: rd.rateLimit,
          rateWindowMs: rd.rateWindowMs,
          timeoutMs: rd.timeoutMs,
          maxRetries: rd.maxRetries,
          clock: this.clock,
          log: this.log,
          onResponse,
        });
      }
      case "alldebrid": {
        const ad = this.config.allDebrid;
        if (!ad.apiKey) return null;
        return new AllDebridProvider({
          apiKey: ad.apiKey,
          apiUrl: ad.apiUrl,
          rateLimit: ad.rateLimit,
          rateWindowMs: ad.rateWindowMs,
          timeoutMs: ad.timeoutMs,
          clock: this.clock,
          log: this.log,
          onResponse,
        });
      }
    }
  }
}
