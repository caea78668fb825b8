import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { AppError, ErrorCodes, type ErrorCode, type FieldError } from '../../../shared/src/errors.js';
import type { Logger } from 'pino';

/** The only place an error code becomes an HTTP status. */
export const STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  SMALL_LOT_TOO_LARGE: 422,
  TARIFF_NOT_ACCEPTED: 422,
  TARIFF_CHANGED: 409,
  NO_FALLBACK_DESIGNATION: 422,
  UNAUTHENTICATED: 401,
  FORBIDDEN_ROLE: 403,
  INSUFFICIENT_SCOPE: 403,
  NOT_A_PARTY: 403,
  SELF_DEALING: 403,
  LICENCE_REQUIRED: 403,
  LICENCE_SCOPE: 403,
  LICENCE_EXPIRED: 403,
  LICENCE_SUSPENDED: 403,
  AUTHORITY_CANNOT_HOLD_LICENCE: 403,
  OWN_LICENCE_DECISION: 403,
  CREDIT_BARRED: 403,
  NOT_FOUND: 404,
  INVALID_STATE: 409,
  IDEMPOTENCY_MISMATCH: 409,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  LISTING_NOT_OPEN: 422,
  BELOW_RESERVE: 422,
  CAPACITY_EXCEEDED: 422,
  PRICE_OUT_OF_RANGE: 422,
  JUSTIFICATION_REQUIRED: 422,
  CITY_SCOPE_REQUIRED: 403,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export function zodFields(err: ZodError, prefix = ''): FieldError[] {
  return err.issues.flatMap((i) => {
    const path = [prefix, ...i.path.map(String)].filter(Boolean).join('.');
    // One entry per unknown key, each with its full path, so a client can mark every field.
    if (i.code === 'unrecognized_keys')
      return i.keys.map((k) => ({ path: [path, k].filter(Boolean).join('.'), message: 'unknown field' }));
    return [{ path, message: i.message }];
  });
}

export function validationError(fields: FieldError[]): AppError {
  return new AppError(ErrorCodes.VALIDATION_FAILED, `invalid request: ${fields.map((f) => f.path || '(body)').join(', ')}`, {
    fields,
  });
}

/** Maps body-parser, zod and domain errors to the envelope of DESIGN §7.1; anything else is a 500 with only the request id. */
export function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) return validationError(zodFields(err));
  const e = err as { type?: string; status?: number; statusCode?: number };
  // A path segment that is not percent-encoded UTF-8 ('%zz', '%ff'): the router fails to decode the
  // parameter (a URIError with status 400) before any route runs.
  if (err instanceof URIError && e.status === 400)
    return validationError([{ path: 'params', message: 'a path segment is not valid percent-encoded UTF-8' }]);
  if (e?.type === 'entity.too.large') return new AppError(ErrorCodes.PAYLOAD_TOO_LARGE, 'the request body is too large');
  if (e?.type === 'entity.parse.failed') return validationError([{ path: '', message: 'the body is not valid JSON' }]);
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported')
    return validationError([{ path: '', message: 'unsupported body encoding' }]);
  // Any other client error body-parser raises (a corrupt gzip or deflate stream, a length that does
  // not match, an aborted upload) is the client's: 400, not a 500.
  const status = e?.status ?? e?.statusCode;
  // The router's URIError for a path parameter that is not valid percent-encoding carries status 400 too.
  const clientError = (err as { expose?: boolean })?.expose === true || err instanceof URIError;
  if (clientError && typeof status === 'number' && status >= 400 && status < 500)
    return status === 413
      ? new AppError(ErrorCodes.PAYLOAD_TOO_LARGE, 'the request body is too large')
      : validationError([{ path: '', message: 'the request body could not be read (corrupt encoding or wrong length)' }]);
  return null;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const requestId = String(req.id ?? '');
    const appErr = toAppError(err);
    if (!appErr) {
      logger.error({ err, method: req.method, path: req.path }, 'unhandled error');
      res.status(500).json({ error: { code: ErrorCodes.INTERNAL, message: 'internal error; quote the request id' }, requestId });
      return;
    }
    const status = STATUS[appErr.code];
    if (status >= 500) logger.error({ err }, appErr.message);
    if (appErr.code === ErrorCodes.RATE_LIMITED && appErr.details?.retryAfterSeconds)
      res.setHeader('Retry-After', String(appErr.details.retryAfterSeconds));
    res.status(status).json({
      error: { code: appErr.code, message: appErr.message, ...(appErr.details ? { details: appErr.details } : {}) },
      requestId,
    });
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError(ErrorCodes.NOT_FOUND, `no route ${req.method} ${req.path}`));
};
