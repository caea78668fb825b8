import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { rows } from '../../server/src/db/tx.js';
import { allRoutes } from '../../server/src/app.js';
import { PASSWORD, auth, registerOrg, uniqueEmail } from '../helpers/actors.js';

type Res = { status: number; text: string; body: unknown; headers: Record<string, string> };

/** The envelope of DESIGN §7.1, with the request id echoed in X-Request-Id, and nothing from the server's insides. */
function expectErrorEnvelope(res: Res, status: number, code: string): void {
  expect(res.status, res.text).to.equal(status);
  const body = res.body as { error: { code: string; message: string; details?: unknown }; requestId: string };
  expect(Object.keys(body).sort()).to.deep.equal(['error', 'requestId']);
  expect(body.error.code).to.equal(code);
  expect(body.error.message).to.be.a('string').and.not.empty;
  expect(Object.keys(body.error).every((k) => ['code', 'message', 'details'].includes(k))).to.equal(true);
  expect(body.requestId).to.be.a('string').and.not.empty;
  expect(res.headers['x-request-id']).to.equal(body.requestId);
  expectNoLeak(res.text);
}

function expectNoLeak(text: string): void {
  expect(text).to.not.match(/"stack"|\n\s+at |at [\w.<>]+ \(|node_modules|\/work\/|\.ts:\d+|\.js:\d+/);
}

const METRICS_TOKEN = 'metrics-token-for-the-http-test';

describe('HTTP: envelope, limits, idempotency, ops endpoints, OpenAPI', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ env: { METRICS_TOKEN } });
  });
  after(async () => {
    await t?.close();
  });

  describe('errors', () => {
    it('an unknown API route is 404 NOT_FOUND in the error envelope with X-Request-Id', async () => {
      expectErrorEnvelope((await t.request.get('/api/v1/no-such-thing')) as unknown as Res, 404, 'NOT_FOUND');
      expectErrorEnvelope((await t.request.post('/api/v1/me').send({})) as unknown as Res, 404, 'NOT_FOUND');
      expectErrorEnvelope((await t.request.get('/api/v2/me')) as unknown as Res, 404, 'NOT_FOUND');
    });

    it('keeps a well-formed incoming X-Request-Id and replaces a malformed one', async () => {
      const kept = await t.request.get('/api/v1/no-such-thing').set('X-Request-Id', 'trace-1234567890');
      expect(kept.headers['x-request-id']).to.equal('trace-1234567890');
      expect(kept.body.requestId).to.equal('trace-1234567890');
      const replaced = await t.request.get('/api/v1/no-such-thing').set('X-Request-Id', 'bad id with spaces');
      expect(replaced.headers['x-request-id']).to.not.contain(' ');
    });

    it('a body that is not valid JSON is 400 VALIDATION_FAILED', async () => {
      const res = await t.request.post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{"email": "a@b.cn", ');
      expectErrorEnvelope(res as unknown as Res, 400, 'VALIDATION_FAILED');
    });

    it('a JSON body that is not an object (a bare string or array) is 400', async () => {
      for (const raw of ['"text"', '[1,2]', 'null']) {
        const res = await t.request.post('/api/v1/auth/login').set('Content-Type', 'application/json').send(raw);
        expect(res.status, raw).to.equal(400);
        expectNoLeak(res.text);
      }
    });

    it('validation errors list each bad field with a path and a message', async () => {
      const res = await t.request.post('/api/v1/auth/login').send({ email: 42 });
      expectErrorEnvelope(res as unknown as Res, 400, 'VALIDATION_FAILED');
      const fields = (res.body.error.details.fields as { path: string; message: string }[]).map((f) => f.path);
      expect(fields).to.include.members(['email', 'password']);
    });
  });

  describe('Idempotency-Key on POST', () => {
    it('a replay with the same key and body returns the same response and creates one user', async () => {
      const owner = await registerOrg(t.request);
      const body = { email: uniqueEmail('idem'), password: PASSWORD, name: 'Once' };
      const send = () =>
        t.request
          .post(`/api/v1/orgs/${owner.orgId}/users`)
          .set(auth(owner.token))
          .set('Idempotency-Key', 'add-member-1')
          .send(body);
      const first = await send();
      const second = await send();
      expect(first.status).to.equal(201);
      expect(second.status).to.equal(201);
      expect(second.body).to.deep.equal(first.body);
      expect(second.headers['idempotent-replayed']).to.equal('true');
      expect(await rows(t.ctx.db, sql`select 1 from users where email = ${body.email}`)).to.have.length(1);
    });

    it('the same key with a different body is 409 IDEMPOTENCY_MISMATCH and creates nothing', async () => {
      const owner = await registerOrg(t.request);
      const url = `/api/v1/orgs/${owner.orgId}/users`;
      await t.request
        .post(url)
        .set(auth(owner.token))
        .set('Idempotency-Key', 'k-2')
        .send({ email: uniqueEmail(), password: PASSWORD, name: 'A' });
      const otherEmail = uniqueEmail('other');
      const res = await t.request
        .post(url)
        .set(auth(owner.token))
        .set('Idempotency-Key', 'k-2')
        .send({ email: otherEmail, password: PASSWORD, name: 'B' });
      expectErrorEnvelope(res as unknown as Res, 409, 'IDEMPOTENCY_MISMATCH');
      expect(await rows(t.ctx.db, sql`select 1 from users where email = ${otherEmail}`)).to.have.length(0);
    });

    it('keys are scoped to the user: another user may use the same key', async () => {
      const a = await registerOrg(t.request);
      const b = await registerOrg(t.request);
      const body = () => ({ email: uniqueEmail(), password: PASSWORD, name: 'M' });
      const ra = await t.request
        .post(`/api/v1/orgs/${a.orgId}/users`)
        .set(auth(a.token))
        .set('Idempotency-Key', 'shared')
        .send(body());
      const rb = await t.request
        .post(`/api/v1/orgs/${b.orgId}/users`)
        .set(auth(b.token))
        .set('Idempotency-Key', 'shared')
        .send(body());
      expect([ra.status, rb.status]).to.deep.equal([201, 201]);
      expect(rb.body.id).to.not.equal(ra.body.id);
    });
  });

  describe('ops endpoints', () => {
    it('/healthz answers 200', async () => {
      const res = await t.request.get('/healthz');
      expect(res.status).to.equal(200);
      expect(res.body.status).to.equal('ok');
    });

    it('/readyz answers 200 with the database check ok', async () => {
      const res = await t.request.get('/readyz');
      expect(res.status).to.equal(200);
      expect(res.body.checks.database).to.equal('ok');
    });

    it('/metrics serves Prometheus text with request durations', async () => {
      await t.request.get('/api/v1/catalog/districts');
      const res = await t.request.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.match(/^text\/plain/);
      expect(res.text).to.contain('http_request_duration_seconds');
      expect(res.text).to.match(/http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/catalog\/districts"/);
    });
  });

  describe('API description', () => {
    it('/api/openapi.json is OpenAPI 3.1.0 with an operation for every mounted route', async () => {
      const res = await t.request.get('/api/openapi.json');
      expect(res.status).to.equal(200);
      expect(res.body.openapi).to.equal('3.1.0');
      const routes = allRoutes(t.ctx);
      expect(routes.length).to.be.greaterThan(10);
      for (const r of routes) {
        const [method, path] = r.key.split(' ') as [string, string];
        const oaPath = '/api/v1' + path.replace(/:(\w+)/g, '{$1}');
        expect(res.body.paths[oaPath], r.key).to.be.an('object');
        expect(res.body.paths[oaPath][method.toLowerCase()], r.key).to.be.an('object');
      }
      const register = res.body.paths['/api/v1/auth/register'].post;
      expect(register.requestBody.content['application/json'].schema.properties).to.have.keys(['org', 'user']);
    });

    it('/api/docs returns the HTML docs page', async () => {
      const res = await t.request.get('/api/docs').redirects(1);
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.match(/text\/html/);
      expect(res.text).to.match(/swagger-ui/i);
    });
  });
});

describe('HTTP: body size limit', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ env: { BODY_LIMIT: '1kb' } });
  });
  after(async () => {
    await t?.close();
  });

  it('a body over BODY_LIMIT is 413 PAYLOAD_TOO_LARGE in the envelope', async () => {
    const res = await t.request.post('/api/v1/auth/login').send({ email: 'a@b.cn', password: 'x'.repeat(2048) });
    expectErrorEnvelope(res as unknown as Res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('a body under the limit is read as usual', async () => {
    const res = await t.request.post('/api/v1/auth/login').send({ email: 'a@b.cn', password: 'x'.repeat(100) });
    expect(res.status).to.equal(401);
  });
});

describe('HTTP: rate limit', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '5' } });
  });
  after(async () => {
    await t?.close();
  });

  it('past RATE_LIMIT_PER_MINUTE requests a client gets 429 RATE_LIMITED with Retry-After', async () => {
    const statuses: number[] = [];
    let limited: Res | null = null;
    for (let i = 0; i < 7; i++) {
      const res = (await t.request.get('/api/v1/catalog/districts')) as unknown as Res;
      statuses.push(res.status);
      if (res.status === 429) limited ??= res;
    }
    expect(statuses.slice(0, 5)).to.deep.equal([200, 200, 200, 200, 200]);
    expect(limited, statuses.join()).to.not.equal(null);
    expectErrorEnvelope(limited!, 429, 'RATE_LIMITED');
    expect(Number(limited!.headers['retry-after'])).to.be.a('number').and.greaterThan(0);
  });

  it('health checks are not rate limited', async () => {
    for (let i = 0; i < 3; i++) expect((await t.request.get('/healthz')).status).to.equal(200);
  });
});
