import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import {
  CLIENT_TOKEN_TTL_SECONDS,
  hashClientSecret,
  newClientSecret,
  secretMatches,
  signClientToken,
  verifyClientToken,
} from '../../server/src/modules/clients/tokens.js';
import { signAccessToken, verifyAccessToken } from '../../server/src/modules/auth/tokens.js';
import { feedEventOf } from '../../server/src/realtime/topics.js';

const SECRET = 'unit-test-secret-unit-test-secret-0123';
const CLIENT = '6f1c1c1e-1111-4000-8000-000000000001';
const now = Math.floor(Date.now() / 1000);

describe('machine-client tokens and secrets (issue 14, ADR 0020)', () => {
  it('a client token carries the client and its scopes, for 5 minutes', () => {
    const token = signClientToken(SECRET, CLIENT, ['feeds:read:trades', 'licences:write'], now);
    expect(verifyClientToken(SECRET, token, now)).to.deep.equal({
      clientId: CLIENT,
      scopes: ['feeds:read:trades', 'licences:write'],
    });
    expect(verifyClientToken(SECRET, token, now + CLIENT_TOKEN_TTL_SECONDS + 1), 'expired').to.equal(null);
  });

  it('a client token is never a user token and a user token never a client token (separate audiences)', () => {
    const clientToken = signClientToken(SECRET, CLIENT, ['feeds:read:trades'], now);
    expect(verifyAccessToken(SECRET, clientToken)).to.equal(null);
    const userToken = signAccessToken(SECRET, { userId: CLIENT, orgId: null, roles: ['admin'], orgRole: 'owner', scope: null });
    expect(verifyClientToken(SECRET, userToken, now)).to.equal(null);
  });

  it('refuses another key, alg none and a lifetime longer than issued', () => {
    expect(verifyClientToken('another-secret-another-secret-0123', signClientToken(SECRET, CLIENT, ['x'], now), now)).to.equal(
      null,
    );
    const long = jwt.sign({ scope: 'feeds:read:trades', iat: now }, SECRET, {
      algorithm: 'HS256',
      expiresIn: 3600,
      issuer: 'zero-waste-exchange',
      audience: 'zwx-machine',
      subject: CLIENT,
    });
    expect(verifyClientToken(SECRET, long, now)).to.equal(null);
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ sub: CLIENT, scope: 'orgs:verify', aud: 'zwx-machine', iss: 'zero-waste-exchange', iat: now, exp: now + 60 })}.`;
    expect(verifyClientToken(SECRET, none, now)).to.equal(null);
  });

  it('a secret is 256 random bits; only its SHA-256 is kept and compared', () => {
    const a = newClientSecret();
    const b = newClientSecret();
    expect(a).to.not.equal(b);
    expect(Buffer.from(a.slice('zwxs_'.length), 'base64url')).to.have.length(32);
    const stored = hashClientSecret(a);
    expect(stored).to.match(/^[0-9a-f]{64}$/);
    expect(secretMatches(a, stored)).to.equal(true);
    expect(secretMatches(b, stored)).to.equal(false);
    expect(secretMatches(a, null)).to.equal(false);
  });
});

describe('which live events become topic feed events', () => {
  const at = new Date('2026-12-06T03:00:00Z');
  it('trades, manifests and alerts map to their topics with a dedupe key per happening', () => {
    const trade = feedEventOf('trade.updated', { tradeId: CLIENT, status: 'funded' }, at);
    expect(trade).to.include({ topic: 'trades', subjectId: CLIENT, dedupeKey: `${CLIENT}:funded` });
    const manifest = feedEventOf('manifest.updated', { manifestId: CLIENT, tradeId: 't', status: 'issued', event: 'issue' }, at);
    expect(manifest).to.include({ topic: 'manifests', subjectType: 'manifest' });
    expect(manifest!.data).to.deep.equal({ manifestId: CLIENT, tradeId: 't', status: 'issued', event: 'issue' });
    expect(feedEventOf('alert.raised', { alertId: CLIENT, kind: 'price_rejected', district: '330602' }, at)).to.include({
      topic: 'alerts',
      dedupeKey: CLIENT,
    });
  });

  it('listings, bids, prices and notifications are in no topic', () => {
    expect(feedEventOf('listing.created', { listingId: CLIENT }, at)).to.equal(null);
    expect(feedEventOf('bid.placed', { listingId: CLIENT, bidCount: 1 }, at)).to.equal(null);
    expect(feedEventOf('market.trade', { market: 'SW07', pricePerTonneFen: 1, quantityKg: 1 }, at)).to.equal(null);
    expect(feedEventOf('notification.created', { notificationId: CLIENT, kind: 'x' }, at)).to.equal(null);
  });
});
