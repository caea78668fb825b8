import { expect } from 'chai';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { auth, registrationBody, type OrgActor } from '../helpers/actors.js';
import { countRows, createGenerator, steelListing } from '../helpers/trading.js';
import { ConfigError, loadConfig } from '../../server/src/config.js';

type Res = { status: number; text: string; body: { error?: { code: string; details?: { fields?: { path: string }[] } } } };

function expectRefused(res: Res, path: string): void {
  expect(res.status, res.text).to.equal(400);
  expect(res.body.error?.code).to.equal('VALIDATION_FAILED');
  expect(
    (res.body.error?.details?.fields ?? []).map((f) => f.path),
    res.text,
  ).to.include(path);
}

const FRONT = 'https://front.example.cn';
const METRICS_TOKEN = 'scrape-token-0123456789abcdef';

/** Issue 10 item 11: the smaller input and configuration holes. */
describe('security: smaller input and config holes', () => {
  let t: TestApp;
  let g: OrgActor;
  before(async () => {
    t = await createTestApp({ env: { CORS_ORIGIN: `${FRONT}, https://admin.example.cn`, METRICS_TOKEN } });
    g = await createGenerator(t.request);
  });
  after(async () => {
    await t?.close();
  });

  describe('request bodies', () => {
    it('a __proto__ key inside analysis.composition is 400 naming the key, not silently dropped', async () => {
      const listing = steelListing({ analysis: { kind: 'slag', composition: { Fe: 45 } } });
      const raw = JSON.stringify(listing).replace('{"Fe":45}', '{"Fe":45,"__proto__":5}');
      const before = await countRows(t, 'listings');
      const res = await t.request.post('/api/v1/listings').set(auth(g.token)).set('Content-Type', 'application/json').send(raw);
      expectRefused(res as unknown as Res, 'analysis.composition.__proto__');
      expect(await countRows(t, 'listings')).to.equal(before);
    });

    it('constructor and prototype keys are refused anywhere in a body', async () => {
      for (const key of ['constructor', 'prototype']) {
        const raw = JSON.stringify(steelListing()).replace('{"side"', `{"${key}":{"x":1},"side"`);
        const res = await t.request.post('/api/v1/listings').set(auth(g.token)).set('Content-Type', 'application/json').send(raw);
        expectRefused(res as unknown as Res, key);
      }
    });

    it('pickupTo 9999-12-31 is 400 naming pickupTo (dates lie within 2 years)', async () => {
      const res = await t.request
        .post('/api/v1/listings')
        .set(auth(g.token))
        .send(steelListing({ pickupTo: '9999-12-31T00:00:00Z' }));
      expectRefused(res as unknown as Res, 'pickupTo');
      const far = new Date(Date.now() + 3 * 365 * 86_400_000).toISOString();
      expectRefused(
        (await t.request
          .post('/api/v1/listings')
          .set(auth(g.token))
          .send(steelListing({ pickupTo: far }))) as unknown as Res,
        'pickupTo',
      );
      expectRefused(
        (await t.request
          .post('/api/v1/listings')
          .set(auth(g.token))
          .send(steelListing({ pickupFrom: '1970-01-01T00:00:00Z' }))) as unknown as Res,
        'pickupFrom',
      );
    });

    it('a body claiming gzip that is not gzip is 400 VALIDATION_FAILED, not a 500', async () => {
      const res = await t.request
        .post('/api/v1/auth/login')
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'gzip')
        .send(Buffer.from('this is not a gzip stream at all'));
      expect(res.status, res.text).to.equal(400);
      expect(res.body.error.code).to.equal('VALIDATION_FAILED');
    });
  });

  describe('CORS_ORIGIN applies to the REST API', () => {
    it('a preflight from a listed origin gets the CORS headers, with credentials and no wildcard', async () => {
      const res = await t.request
        .options('/api/v1/listings')
        .set('Origin', FRONT)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization, content-type, idempotency-key');
      expect(res.status).to.equal(204);
      expect(res.headers['access-control-allow-origin']).to.equal(FRONT);
      expect(res.headers['access-control-allow-credentials']).to.equal('true');
      expect(res.headers['access-control-allow-methods']).to.contain('POST');
      expect(res.headers['access-control-allow-headers'])
        .to.match(/Authorization/)
        .and.match(/Idempotency-Key/);
      const get = await t.request.get('/api/v1/catalog/districts').set('Origin', FRONT).expect(200);
      expect(get.headers['access-control-allow-origin']).to.equal(FRONT);
    });

    it('another origin gets no CORS headers, on the preflight or the request', async () => {
      const pre = await t.request
        .options('/api/v1/listings')
        .set('Origin', 'https://evil.example')
        .set('Access-Control-Request-Method', 'POST');
      expect(pre.headers['access-control-allow-origin']).to.equal(undefined);
      expect(pre.headers['access-control-allow-credentials']).to.equal(undefined);
      const get = await t.request.get('/api/v1/catalog/districts').set('Origin', 'https://evil.example').expect(200);
      expect(get.headers['access-control-allow-origin']).to.equal(undefined);
    });

    it('CORS_ORIGIN=* (or an origin with a path) is refused at boot, naming the key', () => {
      for (const value of ['*', 'https://front.example.cn/app']) {
        const err = (() => {
          try {
            loadConfig({ NODE_ENV: 'test', CORS_ORIGIN: value });
          } catch (e) {
            return e;
          }
          return null;
        })();
        expect(err, value).to.be.instanceOf(ConfigError);
        expect((err as ConfigError).problems.map((p) => p.key)).to.include('CORS_ORIGIN');
      }
    });
  });

  describe('/metrics', () => {
    it('needs METRICS_TOKEN as a bearer: 401 without or with a wrong one, 200 with it', async () => {
      expect((await t.request.get('/metrics')).status).to.equal(401);
      expect((await t.request.get('/metrics').set('Authorization', 'Bearer wrong-token-wrong-token')).status).to.equal(401);
      const ok = await t.request.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
      expect(ok.status).to.equal(200);
      expect(ok.text).to.contain('http_request_duration_seconds');
    });
  });

  describe('without METRICS_TOKEN, and registration', () => {
    let t2: TestApp;
    before(async () => {
      // RATE_LIMIT_PER_MINUTE 150 → 5 registrations per 10 minutes per address.
      t2 = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '150' } });
    });
    after(async () => {
      await t2?.close();
    });

    it('/metrics is off (404) when METRICS_TOKEN is unset', async () => {
      expect((await t2.request.get('/metrics')).status).to.equal(404);
    });

    it('registration keeps the 409 for a taken email but is rate limited per address (429 with Retry-After)', async () => {
      const body = registrationBody();
      expect((await t2.request.post('/api/v1/auth/register').send(body)).status).to.equal(201);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const probe = registrationBody({ email: body.user.email });
        statuses.push((await t2.request.post('/api/v1/auth/register').send(probe)).status);
      }
      expect(statuses.slice(0, 4)).to.deep.equal([409, 409, 409, 409]);
      expect(statuses.slice(4)).to.deep.equal([429, 429]);
      const limited = await t2.request.post('/api/v1/auth/register').send(registrationBody());
      expect(limited.status).to.equal(429);
      expect(limited.body.error.code).to.equal('RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).to.be.greaterThan(0);
    });
  });
});
