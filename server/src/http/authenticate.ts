import type { RequestHandler } from 'express';
import { actorOfToken, type VerifiedToken } from '../modules/auth/tokens.js';
import type { ClientActor } from './actor.js';

/**
 * Reads a Bearer access token when one is sent: a user's, or else a machine client's (its own
 * audience, ADR 0020). A bad token (badly signed, too long-lived, or of a subject that is gone,
 * disabled, revoked or whose sessions ended) on a route that needs a caller becomes 401 in the route
 * wrapper; public routes simply see no actor.
 */
export function authenticate(
  auth: { authenticateAccessToken(token: string): Promise<VerifiedToken | null> },
  clients?: { authenticateClientToken(token: string): Promise<ClientActor | null> },
): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization');
    if (header?.startsWith('Bearer ')) {
      const token = header.slice(7).trim();
      const verified = await auth.authenticateAccessToken(token);
      if (verified) req.actor = actorOfToken(verified);
      else {
        const client = await clients?.authenticateClientToken(token);
        if (client) req.actor = client;
      }
    }
    next();
  };
}
