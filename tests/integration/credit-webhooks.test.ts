/**
 * Credit webhooks (RELIABILITY J3): subscriptions for credit agencies, signed at-least-once deliveries
 * with a stable event id, retries with backoff, the dead-letter table and its alert, redirects not
 * followed, answers capped in time and size. Consumers are http servers on 127.0.0.1 in this process
 * (WEBHOOK_ALLOW_LOOPBACK=true); nothing leaves the machine.
 */
import http from 'node:http';
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { adminToken, auth, createCreditAgency, createRegulator, registerOrg, type OrgActor } from '../helpers/actors.js';
import { waitFor } from '../helpers/wait.js';
import { deliver, drainJobs, makeParties, makeTrade } from '../helpers/settlement.js';
import { openTrip, slagDeal, walkTrip } from '../helpers/manifests.js';
import { inTransaction, one, rows } from '../../server/src/db/tx.js';
import { createCreditService, recordCreditEvent } from '../../server/src/modules/credit/service.js';
import { verifySignature } from '../../server/src/modules/credit/signature.js';
import { verifyDelivery } from '../../scripts/credit-consumer-example.js';
import type { TCreditFeedEvent, TDelivery, TSubscription } from '../../shared/src/schemas/credit.js';

const SECRET = 'consumer-secret-0123456789abcdef';

interface Received {
  eventId: string;
  headerEventId: string;
  attempt: number;
  body: string;
  event: TCreditFeedEvent;
  signature: string;
  verified: boolean;
}

type Answer = { status: number; headers?: Record<string, string>; body?: string | Buffer; hang?: boolean };

/** A consumer on 127.0.0.1 that verifies every delivery and answers as `answer` says (n: this event's delivery count, from 1). */
async function consumer(answer: (n: number, eventId: string) => Answer = () => ({ status: 204 }), secret = SECRET) {
  const received: Received[] = [];
  const perEvent = new Map<string, number>();
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = String(req.headers['x-signature'] ?? '');
      const event = JSON.parse(body) as TCreditFeedEvent;
      const now = Math.floor(Date.now() / 1000);
      const verified =
        verifySignature(signature, body, secret, { nowSeconds: now }) &&
        verifyDelivery({ signature, body, secret, nowSeconds: now });
      received.push({
        eventId: event.eventId,
        headerEventId: String(req.headers['x-event-id']),
        attempt: Number(req.headers['x-delivery-attempt']),
        body,
        event,
        signature,
        verified,
      });
      const n = (perEvent.get(event.eventId) ?? 0) + 1;
      perEvent.set(event.eventId, n);
      const a = answer(n, event.eventId);
      if (a.hang) return;
      res.writeHead(a.status, a.headers ?? {});
      res.end(a.body ?? '');
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/credit-hook`,
    received,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('credit webhooks', () => {
  let t: TestApp;
  let agency: OrgActor;
  let regulator: OrgActor;

  before(async () => {
    // BullMQ when REDIS_URL is set (the relay hands the delayed retries to it), the in-process runner otherwise.
    t = await createTestApp({
      useRedis: true,
      env: { WEBHOOK_ALLOW_LOOPBACK: 'true', CREDIT_WEBHOOK_BACKOFF_MS: '20', CREDIT_WEBHOOK_MAX_ATTEMPTS: '6' },
    });
    const admin = await adminToken(t.request);
    agency = await createCreditAgency(t.request, admin);
    regulator = await createRegulator(t.request, 'city', admin);
  });
  after(async () => {
    await t?.close();
  });

  async function subscribe(url: string, who = agency, secret = SECRET): Promise<TSubscription> {
    const res = await t.request.post('/api/v1/credit/subscriptions').set(auth(who.token)).send({ url, secret });
    expect(res.status, res.text).to.equal(201);
    return res.body as TSubscription;
  }
  async function unsubscribe(id: string, who = agency): Promise<void> {
    const res = await t.request.delete(`/api/v1/credit/subscriptions/${id}`).set(auth(who.token));
    expect(res.status, res.text).to.equal(200);
  }
  async function deliveriesOf(subscriptionId: string, who = agency): Promise<TDelivery[]> {
    const res = await t.request.get(`/api/v1/credit/deliveries?subscriptionId=${subscriptionId}&limit=100`).set(auth(who.token));
    expect(res.status, res.text).to.equal(200);
    return res.body.items as TDelivery[];
  }
  async function feedOf(orgId: string): Promise<TCreditFeedEvent[]> {
    const items: TCreditFeedEvent[] = [];
    let after = '0';
    for (;;) {
      const res = await t.request.get(`/api/v1/credit/feed?after=${after}&limit=500`).set(auth(agency.token));
      expect(res.status, res.text).to.equal(200);
      items.push(...(res.body.items as TCreditFeedEvent[]));
      after = res.body.after;
      if (!res.body.hasMore) break;
    }
    return items.filter((e) => e.orgId === orgId);
  }
  const sanction = (orgId: string, severity = 'minor') =>
    t.request
      .post('/api/v1/regulator/sanctions')
      .set(auth(regulator.token))
      .send({ orgId, severity, reason: '台账记录不全', decidedAt: new Date().toISOString() });

  /** Every delivery to this consumer was signed, verified, and carried its event id in the body and the header. */
  function expectSigned(c: Awaited<ReturnType<typeof consumer>>, eventIds: string[]) {
    for (const id of eventIds) {
      const got = c.received.filter((r) => r.eventId === id);
      expect(got.length, `deliveries of ${id}`).to.be.at.least(1);
      for (const r of got) {
        expect(r.verified, 'the consumer verified X-Signature').to.equal(true);
        expect(r.signature).to.match(/^t=\d+,v1=[0-9a-f]{64}$/);
        expect(r.headerEventId).to.equal(id);
      }
    }
  }

  describe('subscriptions', () => {
    it('a credit agency subscribes, lists and deletes; the secret is never shown again; repeating the delete is harmless', async () => {
      const c = await consumer();
      const s = await subscribe(c.url);
      expect(s).to.include({ url: c.url, status: 'active', deletedAt: null });
      expect(JSON.stringify(s)).to.not.contain(SECRET);
      const list = await t.request.get('/api/v1/credit/subscriptions').set(auth(agency.token)).expect(200);
      expect(list.body.items.map((x: TSubscription) => x.id)).to.include(s.id);
      expect(list.text).to.not.contain(SECRET);
      await unsubscribe(s.id);
      await unsubscribe(s.id);
      const after = await t.request.get('/api/v1/credit/subscriptions').set(auth(agency.token)).expect(200);
      expect(after.body.items.find((x: TSubscription) => x.id === s.id).status).to.equal('deleted');
      const audit = await rows<{ action: string }>(
        t.ctx.db,
        sql`select action from audit_log where subject_id = ${s.id} order by id`,
      );
      expect(audit.map((a) => a.action)).to.deep.equal(['credit_subscription.create', 'credit_subscription.delete']);
      await c.close();
    });

    it('another agency neither sees nor deletes a subscription (404), nor sees its deliveries', async () => {
      const c = await consumer();
      const s = await subscribe(c.url);
      const other = await createCreditAgency(t.request);
      expect((await t.request.delete(`/api/v1/credit/subscriptions/${s.id}`).set(auth(other.token))).status).to.equal(404);
      const list = await t.request.get('/api/v1/credit/subscriptions').set(auth(other.token)).expect(200);
      expect(list.body.items).to.deep.equal([]);
      const d = await t.request.get(`/api/v1/credit/deliveries?subscriptionId=${s.id}`).set(auth(other.token)).expect(200);
      expect(d.body.items).to.deep.equal([]);
      await unsubscribe(s.id);
      await c.close();
    });

    it('bad bodies are 400: a short secret, a missing url, an unknown field; trading orgs and regulators may not subscribe', async () => {
      for (const body of [
        { url: 'https://hooks.example.com/', secret: 'short' },
        { secret: SECRET },
        { url: 'http://127.0.0.1:1/', secret: SECRET, status: 'active' },
      ]) {
        const res = await t.request.post('/api/v1/credit/subscriptions').set(auth(agency.token)).send(body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
      }
      const g = await registerOrg(t.request);
      for (const who of [g, regulator])
        expect(
          (
            await t.request
              .post('/api/v1/credit/subscriptions')
              .set(auth(who.token))
              .send({ url: 'http://127.0.0.1:1/', secret: SECRET })
          ).status,
        ).to.equal(403);
    });
  });

  describe('signed deliveries of feed entries', () => {
    it('a completed trade, an overdue manifest and a sanction each make a feed entry and a signed delivery the consumer verifies', async () => {
      const c = await consumer();
      const s = await subscribe(c.url);

      // 1. A completed trade (settlement): both parties move 80 → 81.
      const p = await makeParties(t.request);
      const tr = await makeTrade(t, p, { pricePerTonneFen: 0, quantityKg: 1_000 });
      await deliver(t, tr.id, 1_000);
      await drainJobs(t);
      // 2. An overdue receipt (manifests): the receiver moves 80 → 76.
      const d = await slagDeal(t);
      const m = await openTrip(t, d, 30_000);
      await walkTrip(t, d, m, { until: 'arrive' });
      await t.ctx.db.execute(sql`update manifests set receipt_due_at = now() - interval '1 hour' where id = ${m.id}`);
      await t.ctx.manifests.sweepDeadlines();
      await drainJobs(t);
      // 3. A sanction (regulator): 80 → 70.
      const target = await registerOrg(t.request, { roles: ['generator'] });
      expect((await sanction(target.orgId)).status).to.equal(201);
      await drainJobs(t);

      const cases: [string, number, string][] = [
        [p.generator.orgId, 81, 'trade completed (generator)'],
        [p.recycler.orgId, 81, 'trade completed (recycler)'],
        [d.recycler.orgId, 76, 'receipt overdue'],
        [target.orgId, 70, 'minor sanction'],
      ];
      for (const [orgId, score, what] of cases) {
        const feed = await feedOf(orgId);
        expect(feed, what).to.have.length(1);
        expect(feed[0], what).to.include({
          orgId,
          seq: 1,
          score,
          previousScore: 80,
          previousLevel: 'blue',
          scoringModel: 'v1',
          type: 'credit.changed',
        });
        await waitFor(() => c.received.some((r) => r.eventId === feed[0]!.eventId), { what: `the delivery of ${what}` });
        expectSigned(c, [feed[0]!.eventId]);
        // The body is the feed entry itself, byte for byte what was signed.
        expect(JSON.parse(c.received.find((r) => r.eventId === feed[0]!.eventId)!.body)).to.deep.equal(feed[0]);
      }
      await waitFor(async () => (await deliveriesOf(s.id)).filter((x) => x.status === 'delivered').length >= 4, {
        what: 'four delivered',
      });
      const ds = await deliveriesOf(s.id);
      expect(ds.every((x) => x.status === 'delivered' && x.attempts === 1 && x.lastStatusCode === 204)).to.equal(true);
      await unsubscribe(s.id);
      await c.close();
    });

    it('a consumer that fails four times then succeeds gets the same event id (and the same body) every time', async () => {
      const c = await consumer((n) => (n <= 4 ? { status: 503, body: 'busy' } : { status: 200, body: 'ok' }));
      const s = await subscribe(c.url);
      const g = await registerOrg(t.request);
      expect((await sanction(g.orgId)).status).to.equal(201);
      await drainJobs(t);
      const [event] = await feedOf(g.orgId);
      await waitFor(async () => (await deliveriesOf(s.id)).find((x) => x.eventId === event!.eventId)?.status === 'delivered', {
        what: 'delivered on the fifth attempt',
        timeoutMs: 15_000,
      });
      const got = c.received.filter((r) => r.eventId === event!.eventId);
      expect(got).to.have.length(5);
      expect(new Set(got.map((r) => r.headerEventId))).to.deep.equal(new Set([event!.eventId]));
      expect(new Set(got.map((r) => r.body)).size, 'every attempt sends the same body').to.equal(1);
      expect(got.map((r) => r.attempt)).to.deep.equal([1, 2, 3, 4, 5]);
      expect(got.every((r) => r.verified)).to.equal(true);
      const delivery = (await deliveriesOf(s.id)).find((x) => x.eventId === event!.eventId)!;
      expect(delivery).to.include({ status: 'delivered', attempts: 5, lastStatusCode: 200, lastError: null });
      expect(await rows(t.ctx.db, sql`select 1 from credit_dead_letters where delivery_id = ${delivery.id}`)).to.have.length(0);
      await unsubscribe(s.id);
      await c.close();
    });

    it('a consumer that always fails ends in the dead-letter table after the last attempt, with a delivery_dead alert', async () => {
      const c = await consumer(() => ({ status: 500, body: 'broken' }));
      const s = await subscribe(c.url);
      const g = await registerOrg(t.request);
      expect((await sanction(g.orgId)).status).to.equal(201);
      await drainJobs(t);
      const [event] = await feedOf(g.orgId);
      await waitFor(async () => (await deliveriesOf(s.id)).find((x) => x.eventId === event!.eventId)?.status === 'dead', {
        what: 'dead after six attempts',
        timeoutMs: 15_000,
      });
      const delivery = (await deliveriesOf(s.id)).find((x) => x.eventId === event!.eventId)!;
      expect(delivery).to.include({ attempts: 6, maxAttempts: 6, lastStatusCode: 500 });
      expect(c.received.filter((r) => r.eventId === event!.eventId)).to.have.length(6);
      const dead = await rows<{ event_id: string; attempts: number; body: TCreditFeedEvent; subscription_id: string }>(
        t.ctx.db,
        sql`select event_id, attempts, body, subscription_id from credit_dead_letters where delivery_id = ${delivery.id}`,
      );
      expect(dead).to.have.length(1);
      expect(dead[0]).to.include({ event_id: event!.eventId, attempts: 6, subscription_id: s.id });
      expect(dead[0]!.body).to.deep.equal(event);
      const alert = await one<{ kind: string; message: string; details: { eventId: string } }>(
        t.ctx.db,
        sql`select kind, message, details from alerts where kind = 'delivery_dead' and subject_id = ${delivery.id}`,
      );
      expect(alert?.details.eventId).to.equal(event!.eventId);
      // The backoff doubled between attempts (base 20 ms): the outbox rows were due later and later.
      const due = await rows<{ available_at: Date }>(
        t.ctx.db,
        sql`select available_at from outbox where topic = 'credit.deliver' and payload->>'deliveryId' = ${delivery.id} order by id`,
      );
      expect(due).to.have.length(6);
      const gaps = due.slice(1).map((r, i) => new Date(r.available_at).getTime() - new Date(due[i]!.available_at).getTime());
      expect(gaps[gaps.length - 1]!).to.be.greaterThan(gaps[0]!);
      // The dead letter is append-only.
      let refused = false;
      await t.ctx.db
        .execute(sql`delete from credit_dead_letters where delivery_id = ${delivery.id}`)
        .catch(() => (refused = true));
      expect(refused).to.equal(true);
      await unsubscribe(s.id);
      await c.close();
    });

    it('a redirect is not followed: the attempt fails with the 3xx and the target never hears of it', async () => {
      const target = await consumer();
      const c = await consumer(() => ({ status: 302, headers: { Location: target.url } }));
      const s = await subscribe(c.url);
      const g = await registerOrg(t.request);
      expect((await sanction(g.orgId)).status).to.equal(201);
      await drainJobs(t);
      const [event] = await feedOf(g.orgId);
      await waitFor(() => c.received.filter((r) => r.eventId === event!.eventId).length >= 2, { what: 'two attempts' });
      const delivery = (await deliveriesOf(s.id)).find((x) => x.eventId === event!.eventId)!;
      expect(delivery.lastStatusCode).to.equal(302);
      expect(delivery.lastError).to.contain('redirect');
      await unsubscribe(s.id);
      expect(target.received).to.have.length(0);
      await target.close();
      await c.close();
    });

    it('two subscriptions each get one delivery per event; one made later gets only later events', async () => {
      const a = await consumer();
      const sa = await subscribe(a.url);
      const g1 = await registerOrg(t.request);
      expect((await sanction(g1.orgId)).status).to.equal(201);
      await drainJobs(t);
      const b = await consumer();
      const sb = await subscribe(b.url);
      const g2 = await registerOrg(t.request);
      expect((await sanction(g2.orgId)).status).to.equal(201);
      await drainJobs(t);
      const [e1] = await feedOf(g1.orgId);
      const [e2] = await feedOf(g2.orgId);
      await waitFor(
        () => a.received.some((r) => r.eventId === e2!.eventId) && b.received.some((r) => r.eventId === e2!.eventId),
        { what: 'both got e2' },
      );
      expect(a.received.filter((r) => r.eventId === e1!.eventId)).to.have.length(1);
      expect(b.received.filter((r) => r.eventId === e1!.eventId)).to.have.length(0);
      await unsubscribe(sa.id);
      await unsubscribe(sb.id);
      await a.close();
      await b.close();
    });

    it('deleting a subscription cancels the deliveries it had not made yet', async () => {
      const c = await consumer(() => ({ status: 500 }));
      const s = await subscribe(c.url);
      const g = await registerOrg(t.request);
      expect((await sanction(g.orgId)).status).to.equal(201);
      await drainJobs(t);
      await waitFor(() => c.received.length >= 1, { what: 'a first failed attempt' });
      await unsubscribe(s.id);
      const count = c.received.length;
      await new Promise((r) => setTimeout(r, 400));
      const ds = await deliveriesOf(s.id);
      expect(ds.every((x) => x.status === 'cancelled')).to.equal(true);
      expect(c.received.length, 'no attempt after the delete').to.be.at.most(count + 1);
      await c.close();
    });
  });

  describe('caps on a send (a service of its own, jobs stopped)', () => {
    let q: TestApp;
    before(async () => {
      q = await createTestApp({ env: { WEBHOOK_ALLOW_LOOPBACK: 'true', CREDIT_WEBHOOK_BACKOFF_MS: '20' }, startJobs: false });
    });
    after(async () => {
      await q?.close();
    });

    /** A pending delivery of one feed entry to `url`, made by the service itself (no runner). */
    async function pendingDelivery(url: string): Promise<string> {
      const a = await createCreditAgency(q.request);
      await q.request.post('/api/v1/credit/subscriptions').set(auth(a.token)).send({ url, secret: SECRET }).expect(201);
      const g = await registerOrg(q.request);
      await inTransaction(q.ctx.db, (tx) =>
        recordCreditEvent(tx, {
          orgId: g.orgId,
          kind: 'late_pickup',
          subjectType: 'manifest',
          subjectId: `cap-${g.orgId}`,
          occurredAt: new Date(),
        }),
      );
      await q.ctx.credit.recompute(g.orgId);
      const r = await one<{ id: string }>(
        q.ctx.db,
        sql`select d.id from credit_deliveries d join credit_subscriptions s on s.id = d.subscription_id join credit_feed f on f.id = d.feed_id
            where s.org_id = ${a.orgId} and f.org_id = ${g.orgId}`,
      );
      return r!.id;
    }

    it('a consumer that never answers is cut off at the time cap and the attempt counts as failed', async () => {
      const c = await consumer(() => ({ status: 200, hang: true }));
      const id = await pendingDelivery(c.url);
      const svc = createCreditService({ ...q.ctx, webhookTimeoutMs: 300 });
      const started = Date.now();
      expect(await svc.deliver(id)).to.equal('retry');
      expect(Date.now() - started).to.be.within(250, 3_000);
      const row = await one<{ attempts: number; last_error: string; status: string }>(
        q.ctx.db,
        sql`select attempts, last_error, status from credit_deliveries where id = ${id}`,
      );
      expect(row).to.include({ attempts: 1, status: 'pending' });
      expect(row!.last_error).to.contain('300 ms');
      await c.close();
    });

    it('a huge answer is read only up to 64 KiB; a 2xx still counts as delivered', async () => {
      const c = await consumer(() => ({ status: 200, body: Buffer.alloc(2 * 1024 * 1024, 'x') }));
      const id = await pendingDelivery(c.url);
      expect(await q.ctx.credit.deliver(id)).to.equal('delivered');
      await c.close();
    });

    it('a delivery already made, or of a deleted subscription, is not sent again', async () => {
      const c = await consumer();
      const id = await pendingDelivery(c.url);
      expect(await q.ctx.credit.deliver(id)).to.equal('delivered');
      expect(await q.ctx.credit.deliver(id)).to.equal('skipped');
      expect(c.received).to.have.length(1);
      const second = await pendingDelivery(c.url);
      const sub = await one<{ subscription_id: string; org_id: string }>(
        q.ctx.db,
        sql`select d.subscription_id, s.org_id from credit_deliveries d join credit_subscriptions s on s.id = d.subscription_id where d.id = ${second}`,
      );
      await q.ctx.credit.deleteSubscription(
        { userId: sub!.org_id, orgId: sub!.org_id, roles: ['credit_agency'], orgRole: 'owner', scope: null },
        sub!.subscription_id,
      );
      expect(await q.ctx.credit.deliver(second)).to.equal('skipped');
      expect(
        (await one<{ status: string }>(q.ctx.db, sql`select status from credit_deliveries where id = ${second}`))!.status,
      ).to.equal('cancelled');
      expect(c.received).to.have.length(1);
      await c.close();
    });
  });
});
