import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import fc from 'fast-check';
import { parseSignatureHeader, signatureHeader, verifySignature } from '../../server/src/modules/credit/signature.js';
import { verifyDelivery } from '../../scripts/credit-consumer-example.js';

const SECRET = 'whsec-credit-test-0123456789';
const BODY = JSON.stringify({ eventId: '2c8b8a3e-9c1f-4d7e-8f8a-0d5f1a2b3c4d', type: 'credit.changed', score: 72 });
const T = 1_780_000_000;

describe('credit webhook signature (X-Signature)', () => {
  it('is t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>', () => {
    const expected = createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex');
    expect(signatureHeader(SECRET, BODY, T)).to.equal(`t=${T},v1=${expected}`);
    expect(parseSignatureHeader(signatureHeader(SECRET, BODY, T))).to.deep.equal({ t: T, v1: [expected] });
  });

  it('verifies a fresh, intact delivery', () => {
    expect(verifySignature(signatureHeader(SECRET, BODY, T), BODY, SECRET, { nowSeconds: T + 10 })).to.equal(true);
  });

  it('refuses a tampered body, another secret, a changed timestamp, a stale or future one, and junk', () => {
    const h = signatureHeader(SECRET, BODY, T);
    expect(verifySignature(h, BODY.replace('72', '92'), SECRET, { nowSeconds: T })).to.equal(false);
    expect(verifySignature(h, BODY, 'another-secret-0123456789', { nowSeconds: T })).to.equal(false);
    expect(verifySignature(h.replace(`t=${T}`, `t=${T + 1}`), BODY, SECRET, { nowSeconds: T })).to.equal(false);
    expect(verifySignature(h, BODY, SECRET, { nowSeconds: T + 301 })).to.equal(false);
    expect(verifySignature(h, BODY, SECRET, { nowSeconds: T - 301 })).to.equal(false);
    for (const junk of [undefined, '', 'v1=abc', `t=${T}`, `t=${T},v1=zz`, `t=x,v1=${'0'.repeat(64)}`])
      expect(verifySignature(junk, BODY, SECRET, { nowSeconds: T }), String(junk)).to.equal(false);
  });

  it('accepts any of several v1 values (a rotated secret) when one matches', () => {
    const good = signatureHeader(SECRET, BODY, T).split(',v1=')[1]!;
    expect(verifySignature(`t=${T},v1=${'0'.repeat(64)},v1=${good}`, BODY, SECRET, { nowSeconds: T })).to.equal(true);
  });

  it('the example consumer (scripts/credit-consumer-example.ts) agrees with the signer on any body and secret', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 16, maxLength: 64 }),
        fc.string({ maxLength: 300 }),
        fc.integer({ min: 0, max: 2_000_000_000 }),
        (secret, body, t) => {
          const header = signatureHeader(secret, body, t);
          expect(verifyDelivery({ signature: header, body, secret, nowSeconds: t })).to.equal(true);
          expect(verifyDelivery({ signature: header, body: body + ' ', secret, nowSeconds: t })).to.equal(false);
        },
      ),
      { numRuns: 200, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
    );
  });
});
