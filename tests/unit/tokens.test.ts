import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { ACCESS_TOKEN_TTL_SECONDS, signAccessToken, verifyAccessToken } from '../../server/src/modules/auth/tokens.js';
import type { UserActor } from '../../server/src/http/actor.js';

const SECRET = 'unit-test-secret-unit-test-secret-0123';
const actor: UserActor = {
  userId: '0b9f6c1e-7d0a-4d55-9d43-2f3c1a6a8e11',
  orgId: '5a1d2c3b-4e5f-4a7b-8c9d-0e1f2a3b4c5d',
  roles: ['recycler'],
  orgRole: 'owner',
  scope: null,
};
const claims = { org: actor.orgId, roles: actor.roles, orole: 'owner', scope: null };
const pinned = { issuer: 'zero-waste-exchange', audience: 'zwx-api', subject: actor.userId };

/** An unsigned token with `alg: none`, as an attacker would hand-craft it. */
function unsignedToken(payload: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(payload)}.`;
}

describe('access tokens (RELIABILITY A5)', () => {
  it('round-trips the actor through a signed token', () => {
    const v = verifyAccessToken(SECRET, signAccessToken(SECRET, actor));
    expect(v).to.include({ userId: actor.userId, orgId: actor.orgId, orgRole: 'owner' });
    expect(v!.roles).to.deep.equal(['recycler']);
  });

  it('lives at most 15 minutes, even when a longer life is asked for', () => {
    const token = signAccessToken(SECRET, actor, 24 * 3600);
    const { iat, exp } = jwt.decode(token) as { iat: number; exp: number };
    expect(exp - iat).to.equal(ACCESS_TOKEN_TTL_SECONDS);
    expect(ACCESS_TOKEN_TTL_SECONDS).to.be.at.most(15 * 60);
  });

  it('pins HS256, the issuer and the audience in the token', () => {
    const token = signAccessToken(SECRET, actor);
    const decoded = jwt.decode(token, { complete: true })!;
    expect(decoded.header.alg).to.equal('HS256');
    expect(decoded.payload).to.include({ iss: 'zero-waste-exchange', aud: 'zwx-api', sub: actor.userId });
  });

  it('refuses an expired token', () => {
    const now = Math.floor(Date.now() / 1000);
    const token = jwt.sign({ ...claims, iat: now - 1000, exp: now - 10 }, SECRET, { algorithm: 'HS256', ...pinned });
    expect(verifyAccessToken(SECRET, token)).to.equal(null);
  });

  it('refuses a token signed with another secret', () => {
    const token = jwt.sign(claims, 'another-secret-another-secret-000000', { algorithm: 'HS256', expiresIn: 600, ...pinned });
    expect(verifyAccessToken(SECRET, token)).to.equal(null);
  });

  it('refuses an unsigned token (alg: none)', () => {
    const now = Math.floor(Date.now() / 1000);
    const token = unsignedToken({
      ...claims,
      sub: actor.userId,
      iss: pinned.issuer,
      aud: pinned.audience,
      iat: now,
      exp: now + 600,
    });
    expect(verifyAccessToken(SECRET, token)).to.equal(null);
  });

  it('refuses a token with the right secret but another algorithm (HS512)', () => {
    const token = jwt.sign(claims, SECRET, { algorithm: 'HS512', expiresIn: 600, ...pinned });
    expect(verifyAccessToken(SECRET, token)).to.equal(null);
  });

  it('refuses a token from another issuer', () => {
    const token = jwt.sign(claims, SECRET, { algorithm: 'HS256', expiresIn: 600, ...pinned, issuer: 'someone-else' });
    expect(verifyAccessToken(SECRET, token)).to.equal(null);
  });

  it('refuses a token for another audience', () => {
    const token = jwt.sign(claims, SECRET, { algorithm: 'HS256', expiresIn: 600, ...pinned, audience: 'other-api' });
    expect(verifyAccessToken(SECRET, token)).to.equal(null);
  });

  it('refuses a token whose payload was edited after signing (roles raised to admin)', () => {
    const [h, p, s] = signAccessToken(SECRET, actor).split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    payload.roles = ['admin'];
    const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    expect(verifyAccessToken(SECRET, forged)).to.equal(null);
  });

  it('refuses garbage', () => {
    for (const t of ['', 'abc', 'a.b.c', '....']) expect(verifyAccessToken(SECRET, t)).to.equal(null);
  });
});

describe('access tokens signed through a KeyObject (issue 15)', () => {
  it('makes the key once per secret and signs tokens a plain-string verifier accepts', async () => {
    const { accessTokenKey } = await import('../../server/src/modules/auth/tokens.js');
    const key = accessTokenKey(SECRET);
    expect(accessTokenKey(SECRET)).to.equal(key);
    expect(key.type).to.equal('secret');
    const token = signAccessToken(key, actor);
    expect(jwt.verify(token, SECRET, { algorithms: ['HS256'] })).to.include({ sub: actor.userId });
    expect(verifyAccessToken(key, token)).to.include({ userId: actor.userId });
    expect(verifyAccessToken(accessTokenKey('another-secret-another-secret-another-0'), token)).to.equal(null);
  });
});
