import type { z } from "zod";
import type { Clock } from "../lib/clock.ts";
import type { Logger } from "../logger.ts";
import type { ErrorWords } from "./error-words.ts";
import type { AmbientMeter } from "./http/http-client.ts";
import type { DebridProvider, ProviderKind } from "./types.ts";

/** Listener for every provider response (metrics). */
export type ResponseListener = (info: {
  provider: ProviderKind;
  status: number;
  elapsedMs: number;
  path: string;
}) => void;

/** What a provider can do beyond the DebridProvider interface every provider implements. */
export interface ProviderCapabilities {
  /** The user picks which files of a torrent to fetch (Real-Debrid's selectFiles). */
  fileSelection: boolean;
  /** An endpoint says whether a hash is cached before adding it (TorBox checkcached). */
  cacheCheck: boolean;
  /** The add answer already says whether the content is cached (AllDebrid's `ready`). */
  instantAvailability: boolean;
  /** The provider's WebDAV mount (for rclone), or null when it has none. */
  webdavUrl: string | null;
}

/** What the registry hands a descriptor to build its client with. */
export interface ProviderContext {
  clock: Clock;
  log: Logger;
  onResponse: ResponseListener;
  /** The meter of the caller this request runs for (a repair attempt), if any: see ProviderRegistry.metered. */
  ambientMeter?: AmbientMeter;
}

/** A provider's parsed settings: plain data, shown (secrets masked) on /settings. */
export type ProviderSettings = Readonly<Record<string, unknown>>;

/**
 * Everything Redriva needs to know about one provider, kept in the provider's folder. Config,
 * secret redaction, /settings, category routing and the contract suite iterate the list of
 * descriptors (src/providers/list.ts); nothing else switches on a provider's kind.
 */
export interface ProviderDescriptor {
  /** Stored in the database and used in URLs and DOWNLOAD_CATEGORY_PROVIDERS: `[a-z0-9]+`. */
  readonly kind: ProviderKind;
  /** For people: "Real-Debrid". */
  readonly label: string;
  /** Its environment variables, validated with the rest of the configuration. */
  readonly env: z.ZodObject;
  /** The parsed variables → settings (config.providers[kind]). */
  settings(env: Record<string, unknown>): ProviderSettings;
  /** The settings field holding the credential: the provider is configured when it is set. */
  readonly credentialField: string;
  /** The variable holding the credential, named in every "not configured" and auth error. */
  readonly credentialVariable: string;
  /** Older names users may have in their .env (RD_TOKEN → RD_API_TOKEN). */
  readonly aliases: Readonly<Record<string, readonly string[]>>;
  /** Settings fields and variables whose values are never printed (the credential included). */
  readonly secretFields: readonly string[];
  readonly secretVariables: readonly string[];
  readonly capabilities: ProviderCapabilities;
  /** Its documented error codes in plain words (messages, pages, logs); see error-words.ts. */
  readonly errorWords: ErrorWords;
  /** Builds the client (on the shared DebridHttpClient) from configured settings. */
  create(settings: ProviderSettings, context: ProviderContext): DebridProvider;
}

interface DescriptorSpec<E extends z.ZodObject, S extends ProviderSettings> {
  kind: ProviderKind;
  label: string;
  env: E;
  settings(env: z.infer<E>): S;
  credentialField: keyof S & string;
  credentialVariable: keyof z.infer<E> & string;
  aliases?: Partial<Record<keyof z.infer<E> & string, readonly string[]>>;
  /** Secrets besides the credential: settings fields and the variables they come from. */
  secretFields?: ReadonlyArray<keyof S & string>;
  secretVariables?: ReadonlyArray<keyof z.infer<E> & string>;
  capabilities: ProviderCapabilities;
  errorWords: ErrorWords;
  create(settings: S, context: ProviderContext): DebridProvider;
}

/** Typed on the inside (env → settings → client), uniform on the outside (one list). */
export function defineProvider<E extends z.ZodObject, S extends ProviderSettings>(
  spec: DescriptorSpec<E, S>,
): ProviderDescriptor {
  const aliases = (spec.aliases ?? {}) as Record<string, readonly string[]>;
  const secretFields = [spec.credentialField, ...(spec.secretFields ?? [])];
  return Object.freeze({
    kind: spec.kind,
    label: spec.label,
    env: spec.env,
    settings: (env: Record<string, unknown>) => spec.settings(env as z.infer<E>),
    credentialField: spec.credentialField,
    credentialVariable: spec.credentialVariable,
    aliases,
    secretFields,
    secretVariables: [spec.credentialVariable, ...(spec.secretVariables ?? [])].flatMap((v) => [
      v,
      ...(aliases[v] ?? []),
    ]),
    capabilities: spec.capabilities,
    errorWords: spec.errorWords,
    create: (settings: ProviderSettings, context: ProviderContext) => spec.create(settings as S, context),
  });
}
