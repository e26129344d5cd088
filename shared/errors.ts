/**
 * The one error type of oilwire. Codes form a closed list so callers, logs and HTTP
 * responses can branch on them; `retryable` tells a consumer loop whether trying
 * again can help (a broker away) or cannot (a malformed message). `outage` says what a
 * retryable failure is about: a dependency every message needs is away (the store, the
 * broker), so the message is not to blame and a consumer waits the outage out without
 * spending the message's bounded attempts; false, the failure may be the message's own
 * (a bug it triggers, one remote endpoint) and the attempts are bounded.
 */
export const ERROR_CODES = {
  CONFIG_INVALID: { retryable: false, outage: false, http: 500 },
  SCHEMA_INVALID: { retryable: false, outage: false, http: 400 },
  INPUT_INVALID: { retryable: false, outage: false, http: 400 },
  INPUT_TOO_LARGE: { retryable: false, outage: false, http: 413 },
  FEED_FETCH_FAILED: { retryable: true, outage: false, http: 502 },
  FEED_PARSE_FAILED: { retryable: false, outage: false, http: 422 },
  FEED_RATE_LIMITED: { retryable: true, outage: false, http: 429 },
  BUS_UNAVAILABLE: { retryable: true, outage: true, http: 503 },
  BUS_TIMEOUT: { retryable: true, outage: true, http: 504 },
  BUS_CLOSED: { retryable: false, outage: false, http: 503 },
  STORE_UNAVAILABLE: { retryable: true, outage: true, http: 503 },
  STORE_QUERY_FAILED: { retryable: false, outage: false, http: 400 },
  SQL_REFUSED: { retryable: false, outage: false, http: 400 },
  SQL_LIMIT_EXCEEDED: { retryable: false, outage: false, http: 422 },
  AUTH_REQUIRED: { retryable: false, outage: false, http: 401 },
  AUTH_INVALID: { retryable: false, outage: false, http: 403 },
  RATE_LIMITED: { retryable: true, outage: false, http: 429 },
  /** The token is valid but its role does not allow this (webhook administration needs `admin`). */
  FORBIDDEN: { retryable: false, outage: false, http: 403 },
  /** `Host` is not one of the API's names (DNS rebinding, or a name missing from api.publicHosts). */
  HOST_REFUSED: { retryable: false, outage: false, http: 421 },
  /** `Origin` (or fetch metadata) says another site's page sent the request. */
  ORIGIN_REFUSED: { retryable: false, outage: false, http: 403 },
  /** A body type any web page can send without a CORS preflight. */
  MEDIA_TYPE_UNSUPPORTED: { retryable: false, outage: false, http: 415 },
  MODEL_LOAD_FAILED: { retryable: false, outage: false, http: 500 },
  WEBHOOK_DELIVERY_FAILED: { retryable: true, outage: false, http: 502 },
  WEBHOOK_ADDRESS_REFUSED: { retryable: false, outage: false, http: 400 },
  NOT_FOUND: { retryable: false, outage: false, http: 404 },
  INTERNAL: { retryable: false, outage: false, http: 500 },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  /** A dependency is away, not the message at fault (see ERROR_CODES); never true of a final error. */
  readonly outage: boolean;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown>; retryable?: boolean; outage?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.retryable = options.retryable ?? ERROR_CODES[code].retryable;
    // Waiting out an error that no retry can fix would hold its partition for ever.
    this.outage = this.retryable && (options.outage ?? ERROR_CODES[code].outage);
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

/** Only an AppError that says so is an outage: an unknown error may be a bug the message triggers, so its attempts stay bounded. */
export function isOutage(err: unknown): boolean {
  return err instanceof AppError && err.outage;
}
