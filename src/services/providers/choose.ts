import type { Deps } from "../../deps.ts";
import { AppError } from "../../errors.ts";
import { inFallbackOrder } from "../../providers/fallback-order.ts";
import {
  type AddedTorrent,
  type DebridProvider,
  ProviderError,
  type ProviderErrorKind,
  type ProviderKind,
} from "../../providers/types.ts";

/**
 * Which provider gets a new torrent, and the fallback to the other one when the first refuses.
 *
 *   const result = await addWithFallback(deps, {
 *     source: { magnet },                    // or { torrentFile: bytes }
 *     category: "tv-sonarr",
 *     routes: { defaultProvider: config.defaultProvider, byCategory: { "radarr": "alldebrid" } },
 *     requireCached: false,
 *   });
 *   // result.provider, result.id, result.cached, result.fellBack, result.attempts (why, per provider)
 *
 * Failure: NoProviderAcceptedError, with every attempt and the last provider error; its
 * `retryable` says whether trying again later can help (too many active, 5xx) or not (a bad
 * magnet, an infringing file, nothing cached).
 */

export type AddSource = { magnet: string } | { torrentFile: Uint8Array };

export interface ProviderRoutes {
  /** Provider when the category has no route (DEFAULT_PROVIDER). */
  defaultProvider: ProviderKind;
  /** category → provider. */
  byCategory?: Readonly<Record<string, ProviderKind>>;
  /** The order the others are tried in (DOWNLOAD_PROVIDER_ORDER); unlisted ones come last. */
  fallbackOrder?: readonly ProviderKind[];
}

export interface AddAttempt {
  provider: ProviderKind;
  outcome: "added" | "refused" | "not_cached" | "not_configured";
  /** Why, in words fit for a log line or the UI (provider messages never carry secrets). */
  reason: string;
  errorKind?: ProviderErrorKind;
}

export interface AddWithFallbackResult {
  provider: ProviderKind;
  id: string;
  /** True/false when known at add time (AllDebrid `ready`), undefined when the provider can't say. */
  cached: boolean | undefined;
  /** The torrent went to another provider than the one its category chose. */
  fellBack: boolean;
  attempts: AddAttempt[];
}

export interface AddWithFallbackInput {
  source: AddSource;
  category?: string | null;
  routes: ProviderRoutes;
  /**
   * Only keep the torrent on a provider that already has it. An uncached add is deleted from
   * that provider and the next one is tried. A provider that cannot tell at add time (cached
   * undefined, Real-Debrid) is accepted, unless `isCached` says otherwise.
   */
  requireCached?: boolean;
  /** Decides "cached" when the add result alone cannot (e.g. a Real-Debrid status check). */
  isCached?: (provider: DebridProvider, added: AddedTorrent) => Promise<boolean | undefined>;
  /** Errors that move on to the next provider (default FALLBACK_ON). */
  fallbackOn?: ReadonlySet<ProviderErrorKind>;
}

/**
 * Refusals where the other provider may well succeed. Not in it: bad_request (a bad magnet is bad
 * everywhere), infringing (an honest error for this torrent, as the download client reports it),
 * not_found and unknown. Add "infringing" through `fallbackOn` to try the other provider anyway.
 */
export const FALLBACK_ON: ReadonlySet<ProviderErrorKind> = new Set<ProviderErrorKind>([
  "too_many_active",
  "unavailable",
  "rate_limited",
  "fair_usage",
  "traffic_exhausted",
  "network",
  "bad_response",
  "disabled_endpoint",
  "auth",
]);

export class NoProviderAcceptedError extends AppError {
  readonly attempts: AddAttempt[];
  readonly lastError: ProviderError | null;

  constructor(attempts: AddAttempt[], lastError: ProviderError | null) {
    const why = attempts.map((a) => `${a.provider}: ${a.reason}`).join("; ");
    super(
      lastError?.code ?? "upstream_error",
      `No debrid provider accepted the torrent (${why || "none configured"})`,
      {
        retryable: attempts.some((a) => a.outcome === "refused" && lastErrorRetryable(a)),
        cause: lastError ?? undefined,
        context: { attempts },
      },
    );
    this.name = "NoProviderAcceptedError";
    this.attempts = attempts;
    this.lastError = lastError;
  }
}

const RETRY_LATER: ReadonlySet<ProviderErrorKind> = new Set([
  "too_many_active",
  "unavailable",
  "rate_limited",
  "fair_usage",
  "network",
  "bad_response",
]);
const lastErrorRetryable = (a: AddAttempt) => a.errorKind !== undefined && RETRY_LATER.has(a.errorKind);

/** The provider a category asks for (or the default). */
export function chosenProvider(routes: ProviderRoutes, category: string | null | undefined): ProviderKind {
  return (category ? routes.byCategory?.[category] : undefined) ?? routes.defaultProvider;
}

/** The configured providers in the order to try them: the chosen one first, then the fallback order. */
export function providerOrder(
  routes: ProviderRoutes,
  category: string | null | undefined,
  configured: readonly ProviderKind[],
): ProviderKind[] {
  const chosen = chosenProvider(routes, category);
  const rest = inFallbackOrder(configured, routes.fallbackOrder).filter((k) => k !== chosen);
  return [...configured.filter((k) => k === chosen), ...rest];
}

export async function addWithFallback(
  deps: Pick<Deps, "providers" | "log">,
  input: AddWithFallbackInput,
): Promise<AddWithFallbackResult> {
  const chosen = chosenProvider(input.routes, input.category);
  const order = providerOrder(input.routes, input.category, deps.providers.configured());
  const fallbackOn = input.fallbackOn ?? FALLBACK_ON;
  const attempts: AddAttempt[] = [];
  let lastError: ProviderError | null = null;
  if (!order.includes(chosen))
    attempts.push({ provider: chosen, outcome: "not_configured", reason: "not configured" });

  for (const kind of order) {
    const provider = deps.providers.get(kind);
    if (!provider) continue;
    let added: AddedTorrent;
    try {
      added =
        "magnet" in input.source
          ? await provider.addMagnet(input.source.magnet)
          : await provider.addTorrentFile(input.source.torrentFile);
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      lastError = error;
      attempts.push({ provider: kind, outcome: "refused", reason: error.message, errorKind: error.kind });
      if (!fallbackOn.has(error.kind)) break;
      continue;
    }
    const cached = input.isCached ? await input.isCached(provider, added) : added.cached;
    if (input.requireCached && cached === false) {
      const removal = await provider.deleteTorrent(added.id).then(
        () => "removed again",
        (e: unknown) => `could not remove it (${e instanceof Error ? e.message : String(e)})`,
      );
      attempts.push({ provider: kind, outcome: "not_cached", reason: `not cached; ${removal}` });
      continue;
    }
    attempts.push({
      provider: kind,
      outcome: "added",
      reason:
        cached === undefined ? "added (cache state unknown at add time)" : cached ? "added, cached" : "added",
    });
    const fellBack = kind !== chosen;
    if (fellBack)
      deps.log.warn({ category: input.category, attempts }, "torrent sent to the fallback provider");
    return { provider: kind, id: added.id, cached, fellBack, attempts };
  }
  deps.log.warn({ category: input.category, attempts }, "no debrid provider accepted the torrent");
  throw new NoProviderAcceptedError(attempts, lastError);
}
