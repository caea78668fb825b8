import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError, ErrorCodes } from '../../../shared/src/errors.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * /metrics shows request rates per route, process memory and event-loop lag: useful to an attacker
 * timing a probe. Served only to a scraper presenting METRICS_TOKEN as a bearer (401 otherwise);
 * with no token configured the endpoint does not exist (404), so no default deployment exposes it.
 */
export function metricsAccess(token: string | undefined): RequestHandler {
  const expected = token ? digest(token) : null;
  return (req, _res, next) => {
    if (!expected) return next(new AppError(ErrorCodes.NOT_FOUND, 'metrics are off; set METRICS_TOKEN to serve them'));
    const m = /^Bearer\s+(.+)$/i.exec(req.get('Authorization') ?? '');
    if (!m || !timingSafeEqual(digest(m[1]!.trim()), expected))
      return next(new AppError(ErrorCodes.UNAUTHENTICATED, 'metrics need the METRICS_TOKEN as a bearer token'));
    next();
  };
}
