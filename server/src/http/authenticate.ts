import type { RequestHandler } from 'express';
import { verifyAccessToken } from '../modules/auth/tokens.js';

/**
 * Reads a Bearer access token when one is sent. A bad token on a route that needs a user becomes
 * 401 in the route wrapper; public routes simply see no actor.
 */
export function authenticate(secret: string): RequestHandler {
  return (req, _res, next) => {
    const header = req.get('authorization');
    if (header?.startsWith('Bearer ')) {
      const actor = verifyAccessToken(secret, header.slice(7).trim());
      if (actor) {
        const { exp: _exp, ...rest } = actor;
        req.actor = rest;
      }
    }
    next();
  };
}
