/**
 * Webhooks per topic for machine clients (issue 14 item 2): the same signing, retries and dead
 * letters as the credit webhooks, a delivery body equal to what GET /feeds/:topic lists, a client's
 * subscriptions its own, and the address check before anything is stored.
 */
import http from 'node:http';
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { adminToken, auth } from '../helpers/actors.js';
import { clientToken, registerClient } from '../helpers/clients.js';
import { flyAshDeal } from '../helpers/manifests.js';
import { createRecycler } from '../helpers/trading.js';
import { waitFor } from '../helpers/wait.js';
import { rows } from '../../server/src/db/tx.js';
import { verifyDelivery } from '../../scripts/feed-consumer-example.js';

const SECRET = 'topic-consumer-secret-0123456789';

async function receiver(status: () => number) {
  const received: { body: string; verified: boolean; eventId: string }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const verified = verifyDelivery({
        signature: String(req.headers['x-signature'] ?? ''),
        body,
        secret: SECRET,
        nowSeconds: Math.floor(Date.now() / 1000),
      });
      received.push({ body, verified, eventId: String(req.headers['x-event-id']) });
      res.writeHead(status()).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/hook`, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('topic webhooks for machine clients (issue 14 item 2)', function () {
  this.timeout(60_000);
  let t: TestApp;
  let admin: string;
  before(async () => {
    t = await createTestApp({
      env: { WEBHOOK_ALLOW_LOOPBACK: 'true', CREDIT_WEBHOOK_BACKOFF_MS: '20', CREDIT_WEBHOOK_MAX_ATTEMPTS: '2' },
    });
    admin = await adminToken(t.request);
  });
  after(async () => {
    await t?.close();
  });

  it('each trades event is delivered signed, with the body GET /feeds/trades lists', async () => {
    const hook = await receiver(() => 204);
    try {
      const c = await registerClient(t.request, ['feeds:read:trades'], admin);
      const token = await clientToken(t.request, c);
      const sub = await t.request
        .post('/api/v1/feeds/trades/subscriptions')
        .set(auth(token))
        .send({ url: hook.url, secret: SECRET });
      expect(sub.status, sub.text).to.equal(201);
      const deal = await flyAshDeal(t);
      await t.ctx.jobs.drain(20_000);
      const page = await t.request.get('/api/v1/feeds/trades?limit=500').set(auth(token)).expect(200);
      const listed = page.body.items.filter((e: { subjectId: string }) => e.subjectId === deal.trade.id);
      expect(listed.length).to.be.greaterThan(0);
      await waitFor(() => listed.every((e: { eventId: string }) => hook.received.some((r) => r.eventId === e.eventId)), {
        what: 'the trade events delivered',
      });
      for (const e of listed) {
        const got = hook.received.find((r) => r.eventId === e.eventId)!;
        expect(got.verified, 'signature verifies').to.equal(true);
        expect(JSON.parse(got.body)).to.deep.equal(e);
      }
      const list = await t.request.get('/api/v1/feeds/trades/subscriptions').set(auth(token)).expect(200);
      expect(list.body.items.map((s: { id: string }) => s.id)).to.deep.equal([sub.body.id]);
    } finally {
      await hook.close();
    }
  });

  it('a failing consumer is retried, then dead-lettered with a delivery_dead alert', async () => {
    const hook = await receiver(() => 500);
    try {
      const c = await registerClient(t.request, ['feeds:read:alerts', 'feeds:read:licences'], admin);
      const token = await clientToken(t.request, c);
      const sub = await t.request
        .post('/api/v1/feeds/licences/subscriptions')
        .set(auth(token))
        .send({ url: hook.url, secret: SECRET });
      expect(sub.status, sub.text).to.equal(201);
      const writer = await registerClient(t.request, ['licences:write'], admin);
      const r = await createRecycler(t.request, { licence: null });
      await t.request
        .put('/api/v1/inbound/licences/ZJ-HOOK-1')
        .set(auth(await clientToken(t.request, writer)))
        .send({
          sourceId: 'hook-1',
          uscc: r.org.uscc,
          kind: 'disposal',
          wasteCodes: ['HW18'],
          annualCapacityKg: 1_000,
          validFrom: '2020-01-01',
          validTo: '2099-12-31',
          status: 'approved',
        })
        .expect(200);
      const dead = await waitFor(
        async () => {
          await t.ctx.jobs.drain(20_000);
          const d = await rows<{ attempts: number }>(
            t.ctx.db,
            sql`select l.attempts from feed_dead_letters l where l.subscription_id = ${sub.body.id}`,
          );
          return d.length > 0 ? d : null;
        },
        { timeoutMs: 20_000, intervalMs: 50, what: 'the dead letter' },
      );
      expect(dead![0]!.attempts).to.equal(2);
      expect(hook.received.length).to.equal(2);
      const alerts = await rows(
        t.ctx.db,
        sql`select 1 from alerts where kind = 'delivery_dead' and subject_type = 'feed_delivery'`,
      );
      expect(alerts.length).to.be.greaterThan(0);
    } finally {
      await hook.close();
    }
  });

  it('another client’s subscription is 404 to delete; deleting one’s own cancels what is pending', async () => {
    const a = await registerClient(t.request, ['feeds:read:alerts'], admin);
    const b = await registerClient(t.request, ['feeds:read:alerts'], admin);
    const tokenA = await clientToken(t.request, a);
    const tokenB = await clientToken(t.request, b);
    const sub = await t.request
      .post('/api/v1/feeds/alerts/subscriptions')
      .set(auth(tokenA))
      .send({ url: 'http://127.0.0.1:9/never', secret: SECRET })
      .expect(201);
    const other = await t.request.delete(`/api/v1/feeds/alerts/subscriptions/${sub.body.id}`).set(auth(tokenB));
    expect(other.status).to.equal(404);
    expect((await t.request.get('/api/v1/feeds/alerts/subscriptions').set(auth(tokenB))).body.items).to.deep.equal([]);
    const own = await t.request.delete(`/api/v1/feeds/alerts/subscriptions/${sub.body.id}`).set(auth(tokenA));
    expect(own.status, own.text).to.equal(200);
    expect(own.body.status).to.equal('deleted');
  });

  it('a private address is refused before anything is stored; no scope is 403; credit has no topic webhooks', async () => {
    const c = await registerClient(t.request, ['feeds:read:trades', 'feeds:read:credit'], admin);
    const token = await clientToken(t.request, c);
    const priv = await t.request
      .post('/api/v1/feeds/trades/subscriptions')
      .set(auth(token))
      .send({ url: 'https://10.0.0.1/hook', secret: SECRET });
    expect(priv.status).to.equal(400);
    expect(priv.body.error.details.fields[0].path).to.equal('url');
    const scope = await t.request
      .post('/api/v1/feeds/manifests/subscriptions')
      .set(auth(token))
      .send({ url: 'https://example.org/hook', secret: SECRET });
    expect(scope.status).to.equal(403);
    expect(scope.body.error.code).to.equal('INSUFFICIENT_SCOPE');
    const credit = await t.request
      .post('/api/v1/feeds/credit/subscriptions')
      .set(auth(token))
      .send({ url: 'https://example.org/hook', secret: SECRET });
    expect(credit.status).to.equal(400);
    const stored = await rows(t.ctx.db, sql`select 1 from feed_subscriptions where client_id = ${c.id}`);
    expect(stored).to.have.length(0);
  });
});
