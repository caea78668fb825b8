import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { ClientActor } from '../../http/actor.js';

/**
 * Machine-client access tokens (ADR 0020): HS256 under the installation's key like the users' tokens,
 * but with an audience of their own, so a client token is never taken for a user's and back.
 */
export const CLIENT_TOKEN_TTL_SECONDS = 5 * 60;
const ALGORITHM = 'HS256' as const;
const ISSUER = 'zero-waste-exchange';
export const CLIENT_AUDIENCE = 'zwx-machine';

export function signClientToken(secret: string, clientId: string, scopes: readonly string[], nowSeconds: number): string {
  return jwt.sign({ scope: scopes.join(' '), iat: nowSeconds }, secret, {
    algorithm: ALGORITHM,
    expiresIn: CLIENT_TOKEN_TTL_SECONDS,
    issuer: ISSUER,
    audience: CLIENT_AUDIENCE,
    subject: clientId,
  });
}

/** The client and scopes of a validly signed, unexpired client token (whether the client is still active is the service's check). */
export function verifyClientToken(secret: string, token: string, nowSeconds: number): ClientActor | null {
  try {
    const c = jwt.verify(token, secret, {
      algorithms: [ALGORITHM],
      issuer: ISSUER,
      audience: CLIENT_AUDIENCE,
      clockTimestamp: nowSeconds,
    }) as { sub?: unknown; scope?: unknown; iat?: unknown; exp?: unknown };
    if (typeof c.sub !== 'string' || typeof c.scope !== 'string') return null;
    if (typeof c.iat !== 'number' || typeof c.exp !== 'number' || c.exp - c.iat > CLIENT_TOKEN_TTL_SECONDS) return null;
    return { clientId: c.sub, scopes: c.scope.split(' ').filter(Boolean) };
  } catch {
    return null;
  }
}

/**
 * A client secret: 256 random bits. Stored as its SHA-256 — a slow password hash buys nothing for a
 * secret nobody chose and nobody can guess, and a token request should not cost 50 ms of CPU (ADR 0020).
 */
export function newClientSecret(): string {
  return `zwxs_${randomBytes(32).toString('base64url')}`;
}

export function hashClientSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares in constant time (both are hex SHA-256, so equal length). */
export function secretMatches(secret: string, storedHash: string | null): boolean {
  if (!storedHash) return false;
  const a = Buffer.from(hashClientSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
