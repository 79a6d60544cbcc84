import { z } from "zod";
import type { ProviderContext, ProviderDescriptor, ProviderSettings } from "./descriptor.ts";
import {
  type AddedTorrent,
  type CallOptions,
  type DebridProvider,
  ProviderError,
  type ProviderKind,
  type ProviderTorrent,
} from "./types.ts";

/**
 * Several accounts of one provider. The first account is the provider's own variables
 * (`RD_API_TOKEN`); account N (2 to 9) is the same variables with `_N` (`RD_API_TOKEN_2`,
 * `RD_RATE_LIMIT_2`...). Account N is a provider of its own kind, `realdebrid2`: its own
 * settings, client, limiter and library rows, and a name for DOWNLOAD_CATEGORY_PROVIDERS.
 */
export const MAX_ACCOUNTS = 9;

/** Account `n` of `base`: every variable suffixed `_n`, kind `${base.kind}${n}`. */
export function accountDescriptor(base: ProviderDescriptor, n: number): ProviderDescriptor {
  const suffix = (name: string) => `${name}_${n}`;
  const names = Object.keys(base.env.shape);
  const env = z.object(Object.fromEntries(names.map((name) => [suffix(name), base.env.shape[name]])));
  const kind = `${base.kind}${n}`;
  const credentialVariable = suffix(base.credentialVariable);
  return Object.freeze({
    kind,
    label: `${base.label} #${n}`,
    env,
    settings: (values: Record<string, unknown>) =>
      base.settings(Object.fromEntries(names.map((name) => [name, values[suffix(name)]]))),
    credentialField: base.credentialField,
    credentialVariable,
    aliases: Object.fromEntries(
      Object.entries(base.aliases).map(([name, list]) => [suffix(name), list.map(suffix)]),
    ),
    secretFields: base.secretFields,
    secretVariables: base.secretVariables.map(suffix),
    capabilities: base.capabilities,
    errorWords: base.errorWords,
    create: (settings: ProviderSettings, context: ProviderContext) =>
      new AccountProvider(kind, base.credentialVariable, credentialVariable, base.create(settings, context)),
  });
}

const isSet = (value: string | undefined) => value !== undefined && value.trim() !== "";

/**
 * The list with the extra accounts the environment configures (a credential `_2` to `_9`), each
 * right after its provider, so the configured order of fallback stays provider by provider.
 */
export function withAccounts(
  list: readonly ProviderDescriptor[],
  env: Record<string, string | undefined>,
): ProviderDescriptor[] {
  return list.flatMap((base) => {
    const names = [base.credentialVariable, ...(base.aliases[base.credentialVariable] ?? [])];
    const extra: ProviderDescriptor[] = [];
    for (let n = 2; n <= MAX_ACCOUNTS; n++) {
      if (names.some((name) => isSet(env[`${name}_${n}`]))) extra.push(accountDescriptor(base, n));
    }
    return [base, ...extra];
  });
}

/** The list a loaded configuration was validated with: the providers plus its extra accounts. */
export function withConfiguredAccounts(
  list: readonly ProviderDescriptor[],
  config: { providers: Readonly<Record<string, unknown>> },
): ProviderDescriptor[] {
  const kinds = new Set(Object.keys(config.providers));
  return list.flatMap((base) => {
    const extra: ProviderDescriptor[] = [];
    for (let n = 2; n <= MAX_ACCOUNTS; n++) {
      if (kinds.has(`${base.kind}${n}`)) extra.push(accountDescriptor(base, n));
    }
    return [base, ...extra];
  });
}

/**
 * Account N's client: the provider's own client, under the account's kind (library rows, errors,
 * metrics), with "RD_API_TOKEN" in its messages turned into "RD_API_TOKEN_2".
 */
class AccountProvider implements DebridProvider {
  constructor(
    readonly kind: ProviderKind,
    private readonly baseVariable: string,
    private readonly variable: string,
    private readonly inner: DebridProvider,
  ) {}

  /** The same error under this account's name. */
  private own(error: unknown): unknown {
    if (!(error instanceof ProviderError)) return error;
    return new ProviderError({
      provider: this.kind,
      kind: error.kind,
      message: error.message.replaceAll(this.baseVariable, this.variable),
      httpStatus: error.httpStatus,
      providerCode: error.providerCode,
      providerError: error.providerError,
      cause: error,
    });
  }

  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw this.own(error);
    }
  }

  async *listTorrents(options?: { pageSize?: number } & CallOptions): AsyncIterable<ProviderTorrent[]> {
    try {
      yield* this.inner.listTorrents(options);
    } catch (error) {
      throw this.own(error);
    }
  }
  getTorrent = (id: string, options?: CallOptions) => this.call(() => this.inner.getTorrent(id, options));
  addMagnet = (magnet: string): Promise<AddedTorrent> => this.call(() => this.inner.addMagnet(magnet));
  addTorrentFile = (torrent: Uint8Array): Promise<AddedTorrent> =>
    this.call(() => this.inner.addTorrentFile(torrent));
  selectFiles = (id: string, fileIds: number[] | "all") =>
    this.call(() => this.inner.selectFiles(id, fileIds));
  deleteTorrent = (id: string) => this.call(() => this.inner.deleteTorrent(id));
  unrestrictLink = (link: string) => this.call(() => this.inner.unrestrictLink(link));
  getAccount = () => this.call(() => this.inner.getAccount());
  stats = () => this.inner.stats();
}
