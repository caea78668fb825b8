import jwt from 'jsonwebtoken';
import type { Role, RegulatorScope } from '../../../../shared/src/roles.js';

/** Who is calling: the verified subject of an access token. Services take this, never req. */
export interface Actor {
  userId: string;
  /** null for the platform admin, who belongs to no org. */
  orgId: string | null;
  roles: Role[];
  orgRole: 'owner' | 'member';
  scope: RegulatorScope | null;
}

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ALGORITHM = 'HS256' as const;
const ISSUER = 'zero-waste-exchange';
const AUDIENCE = 'zwx-api';

interface Claims {
  sub: string;
  org: string | null;
  roles: Role[];
  orole: 'owner' | 'member';
  scope: RegulatorScope | null;
}

export function signAccessToken(secret: string, actor: Actor, ttlSeconds = ACCESS_TOKEN_TTL_SECONDS): string {
  const claims: Omit<Claims, 'sub'> = { org: actor.orgId, roles: actor.roles, orole: actor.orgRole, scope: actor.scope };
  return jwt.sign(claims, secret, {
    algorithm: ALGORITHM,
    expiresIn: Math.min(ttlSeconds, ACCESS_TOKEN_TTL_SECONDS),
    issuer: ISSUER,
    audience: AUDIENCE,
    subject: actor.userId,
  });
}

/** The actor of a valid access token, or null (expired, wrongly signed, wrong algorithm, issuer or audience). */
export function verifyAccessToken(secret: string, token: string): (Actor & { exp: number }) | null {
  try {
    const c = jwt.verify(token, secret, { algorithms: [ALGORITHM], issuer: ISSUER, audience: AUDIENCE }) as Claims & {
      exp: number;
    };
    if (typeof c.sub !== 'string' || !Array.isArray(c.roles)) return null;
    return { userId: c.sub, orgId: c.org ?? null, roles: c.roles, orgRole: c.orole, scope: c.scope ?? null, exp: c.exp };
  } catch {
    return null;
  }
}
