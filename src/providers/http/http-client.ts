import { type BackoffPolicy, retryAfterFrom, sleepBackoff } from "../../lib/backoff.ts";
import type { Clock } from "../../lib/clock.ts";
import { maskSecrets } from "../../lib/mask-secrets.ts";
import type { Logger } from "../../logger.ts";
import { ProviderError, type ProviderKind, type RequestMeter, type RequestStats } from "../types.ts";
import type { RequestLimiter } from "./combined-limiter.ts";

export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  query?: Record<string, string | number | undefined>;
  form?: Record<string, string | string[] | undefined>;
  body?: Uint8Array;
  /** Multipart body (file uploads); fetch sets the boundary. */
  formData?: FormData;
  /** A JSON body, sent with `Content-Type: application/json` (TorBox's controltorrent). */
  jsonBody?: unknown;
  /**
   * Safe to send twice. Non-idempotent requests (adding a torrent) are not retried after a
   * timeout or a dropped connection, where the provider may have acted on the first one.
   */
  idempotent?: boolean;
  /** Parse the 2xx body as JSON; a truncated/garbled body is retried like a dropped connection. */
  json?: boolean;
  signal?: AbortSignal;
  /** The caller's own count of requests (see RequestMeter). */
  meter?: RequestMeter;
}

/**
 * The meter of whoever the current call runs for, found from the async context (a repair attempt
 * wraps its provider calls): every HTTP request is counted there, retries included, without each
 * provider method taking a meter argument.
 */
export type AmbientMeter = () => RequestMeter | undefined;

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** Raw body text ("" for 204). */
  text: string;
  /** Parsed body when the request asked for JSON (undefined for 204/empty). */
  data?: unknown;
  elapsedMs: number;
}

/** Turns a non-2xx answer into a typed error; each provider knows its own error bodies. */
export type ErrorMapper = (response: HttpResponse) => ProviderError;

/**
 * For providers that report errors inside a 2xx JSON body (AllDebrid answers HTTP 200 with
 * `status: "error"`): returns the error, or null when the parsed answer is a success.
 */
export type BodyErrorMapper = (response: HttpResponse) => ProviderError | null;

export interface HttpClientOptions {
  provider: ProviderKind;
  baseUrl: string;
  /** Headers added to every request (Authorization). */
  headers: () => Record<string, string>;
  limiter: RequestLimiter;
  clock: Clock;
  log: Logger;
  timeoutMs: number;
  mapError: ErrorMapper;
  /** Errors carried by 2xx JSON answers; they get the same handling as mapError's. */
  bodyError?: BodyErrorMapper;
  /**
   * 5xx answers that are the provider's definitive word (a dead file, a hoster down, maintenance):
   * not retried. Every other 500/502/503/504 is, whatever its body.
   */
  isDefinitive?: (error: ProviderError) => boolean;
  /** Secrets to mask in any message or log line. */
  secrets: Array<string | undefined>;
  maxRetries?: number;
  /** Backoff base; doubles per attempt, with full jitter. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Pause applied after a 429 that carries no Retry-After when the quota is spent (an overrun). */
  defaultRetryAfterMs?: number;
  onResponse?: (info: { provider: ProviderKind; status: number; elapsedMs: number; path: string }) => void;
  ambientMeter?: AmbientMeter;
}

/**
 * The one HTTP client every debrid provider uses. It owns throttling (shared sliding window),
 * 429/Retry-After handling, retries with jittered backoff for 5xx, timeouts and dropped
 * connections, and stops at once on authentication failures.
 */
export class DebridHttpClient {
  private readonly counters: RequestStats = { requests: 0, rateLimited: 0, retries: 0, failures: 0 };
  private readonly maxRetries: number;
  private readonly backoffPolicy: BackoffPolicy;
  private readonly defaultRetryAfterMs: number;

  constructor(private readonly options: HttpClientOptions) {
    this.maxRetries = options.maxRetries ?? 6;
    this.backoffPolicy = { baseMs: options.backoffBaseMs ?? 500, maxMs: options.backoffMaxMs ?? 30_000 };
    this.defaultRetryAfterMs = options.defaultRetryAfterMs ?? Math.min(60_000, options.limiter.windowMs);
  }

  stats(): RequestStats {
    return { ...this.counters };
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    let attempt = 0;
    for (;;) {
      const outcome = await this.attempt(req);
      if (outcome.kind === "response") {
        let response = outcome.response;
        let error: ProviderError | null = null;
        if (response.status < 400) {
          if (!req.json || response.status === 204 || response.text.trim() === "") {
            this.options.limiter.accepted();
            return response;
          }
          try {
            response = { ...response, data: JSON.parse(response.text) };
          } catch (cause) {
            this.options.limiter.accepted();
            if (req.idempotent !== false && attempt++ < this.maxRetries) {
              this.counters.retries++;
              this.options.log.debug({ path: req.path, attempt }, "malformed JSON answer; retrying");
              await this.backoff(attempt, req.signal);
              continue;
            }
            this.counters.failures++;
            throw new ProviderError({
              provider: this.options.provider,
              kind: "bad_response",
              message: `${this.options.provider} ${req.method} ${req.path}: the answer is not valid JSON (HTTP ${response.status})`,
              httpStatus: response.status,
              cause,
            });
          }
          error = this.options.bodyError?.(response) ?? null;
          if (!error) {
            this.options.limiter.accepted();
            return response;
          }
        } else {
          error = this.options.mapError(response);
        }
        if (response.status !== 429 && error.kind !== "rate_limited") this.options.limiter.accepted();
        else {
          this.counters.rateLimited++;
          for (const meter of this.metersOf(req)) meter.rateLimited++;
          this.pauseAfterRateLimit(response, req.path);
          if (attempt++ < this.maxRetries) {
            this.counters.retries++;
            continue;
          }
          this.counters.failures++;
          throw error;
        }
        if (
          isTransientServerError(response.status) &&
          error.kind === "unavailable" &&
          !this.options.isDefinitive?.(error)
        ) {
          // The provider is struggling (whatever its body says: HTML from a proxy, or its own
          // JSON `internal_error`/`service_unavailable`): back off and try again.
          if (attempt++ < this.maxRetries) {
            this.counters.retries++;
            this.options.log.debug(
              { path: req.path, attempt, status: response.status },
              "server error; retrying",
            );
            await this.backoff(attempt, req.signal);
            continue;
          }
        }
        this.counters.failures++;
        throw error;
      }
      // Network failure: timeout, reset, refused.
      const retryable = req.idempotent !== false || outcome.beforeSend;
      if (req.signal?.aborted) throw req.signal.reason;
      if (retryable && attempt++ < this.maxRetries) {
        this.counters.retries++;
        this.options.log.debug(
          { path: req.path, attempt, error: outcome.message },
          "network error; retrying",
        );
        await this.backoff(attempt, req.signal);
        continue;
      }
      this.counters.failures++;
      throw new ProviderError({
        provider: this.options.provider,
        kind: "network",
        message: `${this.options.provider} ${req.method} ${req.path}: ${outcome.message}`,
        cause: outcome.cause,
      });
    }
  }

  /** The request's own meter and the ambient one (once when they are the same). */
  private metersOf(req: HttpRequest): RequestMeter[] {
    const ambient = this.options.ambientMeter?.();
    if (!ambient || ambient === req.meter) return req.meter ? [req.meter] : [];
    return req.meter ? [req.meter, ambient] : [ambient];
  }

  /** Sends one request under the limiter. */
  private async attempt(
    req: HttpRequest,
  ): Promise<
    | { kind: "response"; response: HttpResponse }
    | { kind: "network"; message: string; cause: unknown; beforeSend: boolean }
  > {
    const ticket = await this.options.limiter.acquire(req.signal);
    const started = this.options.clock.now();
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    this.counters.requests++;
    for (const meter of this.metersOf(req)) meter.requests++;
    try {
      const res = await fetch(this.url(req), {
        method: req.method,
        headers:
          req.jsonBody === undefined
            ? this.options.headers()
            : { ...this.options.headers(), "Content-Type": "application/json" },
        body: this.body(req),
        signal,
      });
      const text = res.status === 204 ? "" : await res.text();
      const elapsedMs = this.options.clock.now() - started;
      this.options.onResponse?.({
        provider: this.options.provider,
        status: res.status,
        elapsedMs,
        path: req.path,
      });
      return { kind: "response", response: { status: res.status, headers: res.headers, text, elapsedMs } };
    } catch (cause) {
      const message = maskSecrets(
        cause instanceof Error ? cause.message : String(cause),
        this.options.secrets,
      );
      const refused = cause instanceof Error && /ECONNREFUSED|Unable to connect/i.test(message);
      return {
        kind: "network",
        message: timeout.aborted ? "timed out" : message,
        cause,
        beforeSend: refused,
      };
    } finally {
      ticket.release();
    }
  }

  private url(req: HttpRequest): string {
    const url = new URL(this.options.baseUrl + req.path);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  private body(req: HttpRequest): BodyInit | undefined {
    if (req.body) return req.body as unknown as BodyInit;
    if (req.jsonBody !== undefined) return JSON.stringify(req.jsonBody);
    if (req.formData) return req.formData;
    if (!req.form) return undefined;
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(req.form)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
    }
    return params;
  }

  /**
   * A 429: a short pause and a lower rate when our own window is under the limit (someone else
   * shares the quota), the full window when the quota is really spent, Retry-After when given.
   */
  private pauseAfterRateLimit(response: HttpResponse, path: string): void {
    const now = this.options.clock.now();
    const verdict = this.options.limiter.rateLimited(retryAfterFrom(response.headers, now));
    const waitMs = verdict.kind === "overrun" ? this.defaultRetryAfterMs : verdict.pauseMs;
    this.options.limiter.pauseUntil(now + waitMs);
    this.options.log.warn(
      { path, waitMs: Math.round(waitMs), verdict: verdict.kind },
      verdict.kind === "shared"
        ? "rate limited while under our own limit (shared quota?); slowing down"
        : "rate limited by provider; pausing all requests",
    );
  }

  private backoff(attempt: number, signal?: AbortSignal): Promise<void> {
    return sleepBackoff(this.options.clock, this.backoffPolicy, attempt, signal);
  }
}

/**
 * 5xx answers worth another try: an internal error, a proxy that could not reach the provider,
 * a service briefly unavailable, a gateway timeout (and the CDN's 52x equivalents). 501, 505
 * and Real-Debrid's 509 ("too many active downloads") will not change by asking again.
 */
function isTransientServerError(status: number): boolean {
  return (
    status === 500 || status === 502 || status === 503 || status === 504 || (status >= 520 && status <= 524)
  );
}
