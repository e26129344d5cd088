/**
 * The one error type of oilwire. Codes form a closed list so callers, logs and HTTP
 * responses can branch on them; `retryable` tells a consumer loop whether trying
 * again can help (a broker away) or cannot (a malformed message).
 */
export const ERROR_CODES = {
  CONFIG_INVALID: { retryable: false, http: 500 },
  SCHEMA_INVALID: { retryable: false, http: 400 },
  INPUT_INVALID: { retryable: false, http: 400 },
  INPUT_TOO_LARGE: { retryable: false, http: 413 },
  FEED_FETCH_FAILED: { retryable: true, http: 502 },
  FEED_PARSE_FAILED: { retryable: false, http: 422 },
  FEED_RATE_LIMITED: { retryable: true, http: 429 },
  BUS_UNAVAILABLE: { retryable: true, http: 503 },
  BUS_TIMEOUT: { retryable: true, http: 504 },
  BUS_CLOSED: { retryable: false, http: 503 },
  STORE_UNAVAILABLE: { retryable: true, http: 503 },
  STORE_QUERY_FAILED: { retryable: false, http: 400 },
  SQL_REFUSED: { retryable: false, http: 400 },
  SQL_LIMIT_EXCEEDED: { retryable: false, http: 422 },
  AUTH_REQUIRED: { retryable: false, http: 401 },
  AUTH_INVALID: { retryable: false, http: 403 },
  RATE_LIMITED: { retryable: true, http: 429 },
  /** The token is valid but its role does not allow this (webhook administration needs `admin`). */
  FORBIDDEN: { retryable: false, http: 403 },
  /** `Host` is not one of the API's names (DNS rebinding, or a name missing from api.publicHosts). */
  HOST_REFUSED: { retryable: false, http: 421 },
  /** `Origin` (or fetch metadata) says another site's page sent the request. */
  ORIGIN_REFUSED: { retryable: false, http: 403 },
  /** A body type any web page can send without a CORS preflight. */
  MEDIA_TYPE_UNSUPPORTED: { retryable: false, http: 415 },
  MODEL_LOAD_FAILED: { retryable: false, http: 500 },
  WEBHOOK_DELIVERY_FAILED: { retryable: true, http: 502 },
  WEBHOOK_ADDRESS_REFUSED: { retryable: false, http: 400 },
  NOT_FOUND: { retryable: false, http: 404 },
  INTERNAL: { retryable: false, http: 500 },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown>; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.retryable = options.retryable ?? ERROR_CODES[code].retryable;
    this.details = options.details;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, retryable: this.retryable, ...(this.details ? { details: this.details } : {}) };
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** Wraps any vendor error at an adapter edge; an AppError passes through unchanged. */
export function wrapError(code: ErrorCode, err: unknown, message?: string): AppError {
  if (err instanceof AppError) return err;
  const text = err instanceof Error ? err.message : String(err);
  return new AppError(code, message ? `${message}: ${text}` : text, { cause: err });
}

export function isRetryable(err: unknown): boolean {
  return err instanceof AppError ? err.retryable : true;
}
