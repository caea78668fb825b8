/**
 * SSRF through credit webhooks (RELIABILITY J3), with WEBHOOK_ALLOW_LOOPBACK off as in production:
 * URLs that reach loopback, private, link-local or metadata addresses — literally or through a name —
 * and non-http(s) schemes are refused at registration, and again at send time (a name that resolved
 * to a public address at registration and to an internal one later). Name resolution is injected, so
 * no test needs DNS; the only network traffic is to 127.0.0.1 in this process.
 */
import http from 'node:http';
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import supertest from 'supertest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { adminToken, auth, createCreditAgency, registerOrg, type OrgActor } from '../helpers/actors.js';
import { inTransaction, one } from '../../server/src/db/tx.js';
import { createApp } from '../../server/src/app.js';
import { loadConfig, ConfigError } from '../../server/src/config.js';
import type { AppContext } from '../../server/src/context.js';
import { createCreditService, recordCreditEvent } from '../../server/src/modules/credit/service.js';
import type { LookupAll } from '../../server/src/modules/credit/ssrf.js';

const SECRET = 'ssrf-test-secret-0123456789';

describe('security: SSRF through credit webhooks (WEBHOOK_ALLOW_LOOPBACK off)', () => {
  let t: TestApp;
  let agency: OrgActor;
  let hits: { host: string | undefined; url: string | undefined }[];
  let server: http.Server;
  let port: number;

  before(async () => {
    t = await createTestApp({ startJobs: false });
    expect(t.ctx.config.WEBHOOK_ALLOW_LOOPBACK).to.equal(false);
    agency = await createCreditAgency(t.request, await adminToken(t.request));
    hits = [];
    server = http.createServer((req, res) => {
      hits.push({ host: req.headers.host, url: req.url });
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as { port: number }).port;
  });
  after(async () => {
    if (server) await new Promise<void>((r) => server.close(() => r()));
    await t?.close();
  });

  /** A request client whose credit service resolves names with `lookup` (same database). */
  function withLookup(lookup: LookupAll, allowLoopback = false) {
    const credit = createCreditService({ ...t.ctx, lookup, config: { ...t.ctx.config, WEBHOOK_ALLOW_LOOPBACK: allowLoopback } });
    const ctx: AppContext = { ...t.ctx, credit };
    return { credit, request: supertest(createApp(ctx)) };
  }
  const table =
    (entries: Record<string, string[]>): LookupAll =>
    async (host) => {
      const a = entries[host];
      if (!a) throw new Error(`ENOTFOUND ${host}`);
      return a.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    };
  const subscriptionsOfAgency = async () =>
    (await one<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from credit_subscriptions where org_id = ${agency.orgId}`))!
      .n;

  async function expectRefused(request: supertest.Agent | ReturnType<typeof supertest>, url: string): Promise<string> {
    const before = await subscriptionsOfAgency();
    const res = await request.post('/api/v1/credit/subscriptions').set(auth(agency.token)).send({ url, secret: SECRET });
    expect(res.status, `${url}: ${res.text}`).to.equal(400);
    expect(res.body.error.code).to.equal('VALIDATION_FAILED');
    expect(res.body.error.details.fields[0].path).to.equal('url');
    expect(await subscriptionsOfAgency(), `${url}: nothing stored`).to.equal(before);
    return res.body.error.details.fields[0].message as string;
  }

  describe('refused at registration', () => {
    for (const url of ['http://169.254.169.254/', 'http://10.0.0.5/', 'http://[::1]:6379/', 'file:///etc/passwd']) {
      it(url, async () => {
        await expectRefused(t.request, url);
      });
    }

    it('a host name that resolves to a private address (injected resolver)', async () => {
      const { request } = withLookup(table({ 'credit-hooks.internal.example': ['10.20.30.40'] }));
      const message = await expectRefused(request, 'https://credit-hooks.internal.example/hook');
      expect(message).to.contain('10.20.30.40');
    });

    it('more spellings: metadata over https, IPv4-mapped loopback, 0.0.0.0, decimal and hex loopback, 127.0.0.1 itself, gopher, plain http to a public name', async () => {
      const { request } = withLookup(
        table({
          'hooks.bank.example': ['93.184.216.34'],
          'rebind.example': ['93.184.216.34', '127.0.0.1'],
          localhost: ['127.0.0.1', '::1'],
        }),
      );
      for (const url of [
        'https://169.254.169.254/latest/meta-data/iam/',
        'https://[::ffff:127.0.0.1]/',
        'https://[::ffff:a9fe:a9fe]/',
        'http://0.0.0.0:3000/',
        'http://2130706433/',
        'http://0x7f000001/',
        `http://127.0.0.1:${port}/`,
        `http://localhost:${port}/`,
        'gopher://hooks.bank.example/',
        'http://hooks.bank.example/',
        'https://rebind.example/',
        'https://user:pw@hooks.bank.example/',
      ])
        await expectRefused(request, url);
    });

    it('a public https URL is accepted (resolution injected)', async () => {
      const { request } = withLookup(table({ 'hooks.bank.example': ['93.184.216.34'] }));
      const res = await request
        .post('/api/v1/credit/subscriptions')
        .set(auth(agency.token))
        .send({ url: 'https://hooks.bank.example/credit', secret: SECRET });
      expect(res.status, res.text).to.equal(201);
      await t.request.delete(`/api/v1/credit/subscriptions/${res.body.id}`).set(auth(agency.token)).expect(200);
    });
  });

  describe('refused again at send time', () => {
    /** A feed entry and its pending delivery to the subscription `subscriptionId`. */
    async function pendingDeliveryFor(subscriptionId: string): Promise<string> {
      const g = await registerOrg(t.request);
      await inTransaction(t.ctx.db, (tx) =>
        recordCreditEvent(tx, {
          orgId: g.orgId,
          kind: 'late_pickup',
          subjectType: 'manifest',
          subjectId: `ssrf-${g.orgId}`,
          occurredAt: new Date(),
        }),
      );
      await t.ctx.credit.recompute(g.orgId);
      const d = await one<{ id: string }>(
        t.ctx.db,
        sql`select d.id from credit_deliveries d join credit_feed f on f.id = d.feed_id where d.subscription_id = ${subscriptionId} and f.org_id = ${g.orgId}`,
      );
      return d!.id;
    }

    it('a name that resolved to a public address at registration and to loopback at send: no connection is made', async () => {
      let answer = '93.184.216.34';
      let lookups = 0;
      const rebinding: LookupAll = async () => {
        lookups++;
        return [{ address: answer, family: 4 }];
      };
      const { credit, request } = withLookup(rebinding);
      const res = await request
        .post('/api/v1/credit/subscriptions')
        .set(auth(agency.token))
        .send({ url: `https://rebinding.example:${port}/hook`, secret: SECRET });
      expect(res.status, res.text).to.equal(201);
      const deliveryId = await pendingDeliveryFor(res.body.id);
      answer = '127.0.0.1';
      lookups = 0;
      const before = hits.length;
      expect(await credit.deliver(deliveryId)).to.equal('retry');
      expect(lookups, 'the name is resolved once per send').to.equal(1);
      expect(hits.length, 'nothing reached the loopback listener').to.equal(before);
      const row = await one<{ last_error: string; attempts: number }>(
        t.ctx.db,
        sql`select last_error, attempts from credit_deliveries where id = ${deliveryId}`,
      );
      expect(row!.last_error).to.match(/^refused: .*loopback/);
      expect(row!.attempts).to.equal(1);
      await t.request.delete(`/api/v1/credit/subscriptions/${res.body.id}`).set(auth(agency.token)).expect(200);
    });

    it('a loopback URL stored while the allowance was on is refused once it is off', async () => {
      const loose = withLookup(table({}), true);
      const res = await loose.request
        .post('/api/v1/credit/subscriptions')
        .set(auth(agency.token))
        .send({ url: `http://127.0.0.1:${port}/hook`, secret: SECRET });
      expect(res.status, res.text).to.equal(201);
      const deliveryId = await pendingDeliveryFor(res.body.id);
      const before = hits.length;
      expect(await t.ctx.credit.deliver(deliveryId)).to.equal('retry');
      expect(hits.length).to.equal(before);
      // With the allowance (tests only) the same delivery goes through, to the validated address.
      expect(await loose.credit.deliver(deliveryId)).to.equal('delivered');
      expect(hits.length).to.equal(before + 1);
      await t.request.delete(`/api/v1/credit/subscriptions/${res.body.id}`).set(auth(agency.token)).expect(200);
    });

    it('the connection goes to the address that was checked, with the URL’s host in the Host header', async () => {
      const loose = withLookup(table({ 'consumer.example': ['127.0.0.1'] }), true);
      const res = await loose.request
        .post('/api/v1/credit/subscriptions')
        .set(auth(agency.token))
        .send({ url: `http://consumer.example:${port}/in?x=1`, secret: SECRET });
      expect(res.status, res.text).to.equal(201);
      const deliveryId = await pendingDeliveryFor(res.body.id);
      expect(await loose.credit.deliver(deliveryId)).to.equal('delivered');
      expect(hits.at(-1)).to.deep.equal({ host: `consumer.example:${port}`, url: '/in?x=1' });
      await t.request.delete(`/api/v1/credit/subscriptions/${res.body.id}`).set(auth(agency.token)).expect(200);
    });
  });

  it('production refuses WEBHOOK_ALLOW_LOOPBACK=true at boot, naming the key', () => {
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        WEBHOOK_ALLOW_LOOPBACK: 'true',
        JWT_SECRET: 'production-secret-production-secret-0123',
        DATABASE_URL: 'postgres://db.example/zwx',
      }),
    )
      .to.throw(ConfigError)
      .with.property('problems')
      .that.deep.includes({ key: 'WEBHOOK_ALLOW_LOOPBACK', message: 'refused in production' });
  });
});
