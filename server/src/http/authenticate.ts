import type { RequestHandler } from 'express';
import { actorOfToken, type VerifiedToken } from '../modules/auth/tokens.js';

/**
 * Reads a Bearer access token when one is sent. A bad token (badly signed, too long-lived, or of a
 * subject that is gone, disabled or whose sessions ended) on a route that needs a user becomes 401
 * in the route wrapper; public routes simply see no actor.
 */
export function authenticate(auth: { authenticateAccessToken(token: string): Promise<VerifiedToken | null> }): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization');
    if (header?.startsWith('Bearer ')) {
      const verified = await auth.authenticateAccessToken(header.slice(7).trim());
      if (verified) req.actor = actorOfToken(verified);
    }
    next();
  };
}
