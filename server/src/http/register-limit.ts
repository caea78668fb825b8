import type { RequestHandler } from 'express';
import { rateLimit, ipKeyGenerator, type Store } from 'express-rate-limit';
import { AppError, ErrorCodes } from '../../../shared/src/errors.js';

/** The window of the registration limit. */
const WINDOW_MS = 10 * 60_000;

/**
 * Registration answers 409 for an email that already has an account (ADR 0009), so it is an
 * account-existence oracle; this per-client-address limit keeps it from being a fast one, and slows
 * mass sign-ups. RATE_LIMIT_PER_MINUTE / 30 per 10 minutes (20 by default), at least 5. With Redis the
 * count is shared by every API process (`store`), so N processes behind a load balancer do not give
 * N times the limit; without Redis it counts in this process.
 */
export function registerRateLimit(ratePerMinute: number, store?: Store): RequestHandler {
  return rateLimit({
    ...(store ? { store } : {}),
    windowMs: WINDOW_MS,
    limit: Math.max(5, Math.ceil(ratePerMinute / 30)),
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req) => `register:${ipKeyGenerator(req.ip ?? '')}`,
    handler: (req, _res, next) => {
      const reset = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const retryAfterSeconds = reset ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000)) : WINDOW_MS / 1000;
      next(
        new AppError(ErrorCodes.RATE_LIMITED, 'too many registrations from this address; try again later', { retryAfterSeconds }),
      );
    },
  });
}
