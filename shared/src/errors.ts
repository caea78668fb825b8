/**
 * Every error code the API can return. The HTTP status of each code lives in exactly one place,
 * server/src/http/errors.ts; domain code throws AppError with one of these codes.
 */
export const ErrorCodes = {
  /** The request body, query or params failed schema validation; details.fields names each bad field. */
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  /** No valid access token (missing, expired, wrongly signed, revoked). */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The caller's roles do not allow this route or action. */
  FORBIDDEN_ROLE: 'FORBIDDEN_ROLE',
  /** A machine client's token lacks the scope this call needs (feeds:read:<topic>, licences:write, …). */
  INSUFFICIENT_SCOPE: 'INSUFFICIENT_SCOPE',
  /** The caller is not a party to the object it acts on. */
  NOT_A_PARTY: 'NOT_A_PARTY',
  /** An org tried to trade with itself. */
  SELF_DEALING: 'SELF_DEALING',
  /** Hazardous material and the bidder holds no approved disposal licence. */
  LICENCE_REQUIRED: 'LICENCE_REQUIRED',
  /** The bidder's licences do not cover this waste code or its HW category. */
  LICENCE_SCOPE: 'LICENCE_SCOPE',
  /** The licence is not valid through the pickup window. */
  LICENCE_EXPIRED: 'LICENCE_EXPIRED',
  /** The covering licence is suspended. */
  LICENCE_SUSPENDED: 'LICENCE_SUSPENDED',
  /** A regulator or credit-agency org submitted a licence: those who oversee trading cannot hold trading licences. */
  AUTHORITY_CANNOT_HOLD_LICENCE: 'AUTHORITY_CANNOT_HOLD_LICENCE',
  /** A user tried to decide (approve, suspend) a licence held by its own org: separation of duties. */
  OWN_LICENCE_DECISION: 'OWN_LICENCE_DECISION',
  /** Black credit level: barred from hazardous trades. */
  CREDIT_BARRED: 'CREDIT_BARRED',
  /** The object does not exist or the caller may not see it. */
  NOT_FOUND: 'NOT_FOUND',
  /** The object is in a state that does not allow this step; details.allowed lists what does. */
  INVALID_STATE: 'INVALID_STATE',
  /** The same Idempotency-Key was sent with a different body. */
  IDEMPOTENCY_MISMATCH: 'IDEMPOTENCY_MISMATCH',
  /** A unique value (email, USCC, number) is already taken. */
  CONFLICT: 'CONFLICT',
  /** The body is larger than the configured limit. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** An upload whose bytes are not one of the accepted types (PDF, JPEG, PNG), whatever its name or header says. */
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** The listing is no longer open for bids. */
  LISTING_NOT_OPEN: 'LISTING_NOT_OPEN',
  /** An auction bid below the reserve price. */
  BELOW_RESERVE: 'BELOW_RESERVE',
  /** Remaining calendar-year licence capacity is below the bid quantity. */
  CAPACITY_EXCEEDED: 'CAPACITY_EXCEEDED',
  /** The price is beyond the flagged range of the reference band. */
  PRICE_OUT_OF_RANGE: 'PRICE_OUT_OF_RANGE',
  /** The price is outside the band and no justification was given. */
  JUSTIFICATION_REQUIRED: 'JUSTIFICATION_REQUIRED',
  /** A district-scoped regulator tried to pin a city-wide reference band; pins need city scope. */
  CITY_SCOPE_REQUIRED: 'CITY_SCOPE_REQUIRED',
  /** Issue 18: a lot declared at a collection point above SMALL_LOT_MAX_KG (a collection point takes small lots). */
  SMALL_LOT_TOO_LARGE: 'SMALL_LOT_TOO_LARGE',
  /** Issue 18: fallback disposal asked without accepting the regulated tariff shown (nobody is bound to a price it did not accept). */
  TARIFF_NOT_ACCEPTED: 'TARIFF_NOT_ACCEPTED',
  /** Issue 18: the tariff the producer accepted is no longer the one in force; read it again. */
  TARIFF_CHANGED: 'TARIFF_CHANGED',
  /** Issue 18: no disposer of last resort is designated for this code or its HW category. */
  NO_FALLBACK_DESIGNATION: 'NO_FALLBACK_DESIGNATION',
  /** Too many requests; Retry-After says when to try again. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** A dependency (database, Redis, payment provider) is unavailable. */
  UNAVAILABLE: 'UNAVAILABLE',
  /** An unexpected failure; the response carries only the request id. */
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface FieldError {
  path: string;
  message: string;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
  requestId: string;
}

/** The one error type domain code throws. It carries a code, never an HTTP status. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
