/**
 * Typed errors with a stable code and a `retryable` flag. Services throw these; each interface
 * (HTTP pages, JSON API, qBit API, CLI) maps them to its own answer in one place.
 */
export type ErrorCode =
  | "validation"
  | "not_found"
  | "conflict"
  | "unauthorized"
  | "forbidden"
  | "upstream_auth"
  | "upstream_unavailable"
  | "upstream_rate_limited"
  | "upstream_error"
  | "interrupted"
  | "internal";

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly context: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { retryable?: boolean; context?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.context = options.context ?? {};
  }
}

export class ValidationError extends AppError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super("validation", message, { context });
    this.name = "ValidationError";
  }
}

export class NotFoundError extends AppError {
  constructor(entity: string, id: string | number) {
    super("not_found", `${entity} ${id} not found`, { context: { entity, id } });
    this.name = "NotFoundError";
  }
}

export class ConflictError extends AppError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super("conflict", message, { context });
    this.name = "ConflictError";
  }
}

export const HTTP_STATUS: Record<ErrorCode, number> = {
  validation: 400,
  not_found: 404,
  conflict: 409,
  unauthorized: 401,
  forbidden: 403,
  upstream_auth: 502,
  upstream_unavailable: 503,
  upstream_rate_limited: 503,
  upstream_error: 502,
  interrupted: 503,
  internal: 500,
};

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
