import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { StripeFake } from '../helpers/stripe-fake.js';
import {
  expectLedgerInvariants,
  makeParties,
  makeTrade,
  pay,
  tradeStatus,
  transfersOfTrade,
  type Parties,
} from '../helpers/settlement.js';
import { waitFor } from '../helpers/wait.js';
import { one } from '../../server/src/db/tx.js';

const WEBHOOK = '/api/v1/payments/stripe/webhook';

/**
 * RELIABILITY M5: the Stripe webhook verifies the signature over the raw body with the SDK (300 s
 * tolerance), trusts the event for ids only, stores the event id with its effect, and never moves a
 * state backwards.
 */
describe('Stripe webhook', function () {
  this.timeout(60_000);
  let t: TestApp;
  let fake: StripeFake;
  let p: Parties;
  let url: string;

  before(async () => {
    fake = await StripeFake.start();
    t = await createTestApp({ env: fake.env(), listen: true });
    url = `${t.server!.url}${WEBHOOK}`;
    p = await makeParties(t.request);
  });
  after(async () => {
    if (t) await expectLedgerInvariants(t, { tryWrites: true });
    await t?.close();
    await fake?.close();
  });

  /** A trade awaiting payment with its PaymentIntent created at the fake (not confirmed yet). */
  async function tradeWithIntent(kg = 1_000): Promise<{ tradeId: string; intentId: string }> {
    const trade = await makeTrade(t, p, { pricePerTonneFen: 258_500, quantityKg: kg });
    const res = await pay(t.request, p.recycler, trade.id).expect(200);
    return { tradeId: trade.id, intentId: res.body.paymentIntentId };
  }

  async function snapshot(tradeId: string) {
    const r = await one<Record<string, number | string>>(
      t.ctx.db,
      sql`select (select count(*)::int from stripe_events) as events,
                 (select count(*)::int from ledger_transfers) as transfers,
                 (select count(*)::int from outbox) as outbox,
                 (select status from payments where trade_id = ${tradeId}) as payment,
                 (select status from trades where id = ${tradeId}) as trade`,
    );
    return r!;
  }

  const post = (payload: string, headers: Record<string, string>) =>
    fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: payload });

  describe('refuses anything it cannot verify, with 400 and no writes', () => {
    let tradeId: string;
    let event: Stripe.Event;

    before(async () => {
      const x = await tradeWithIntent();
      tradeId = x.tradeId;
      await fake.client().paymentIntents.confirm(x.intentId, { payment_method: 'pm_card_visa' });
      event = fake.event('payment_intent.succeeded', fake.intents.get(x.intentId)!);
    });

    async function expectRefused(send: () => Promise<Response>, what: string) {
      // Jobs of earlier steps (notification fan-out, sweeps re-scheduling) may still be writing outbox
      // rows; let them finish so the counts compare this request alone.
      await t.ctx.jobs.drain();
      const before = await snapshot(tradeId);
      const res = await send();
      expect(res.status, what).to.equal(400);
      const body = (await res.json()) as { error: { code: string } };
      expect(body.error.code, what).to.equal('VALIDATION_FAILED');
      expect(await snapshot(tradeId), `${what}: nothing written`).to.deep.equal(before);
    }

    it('a missing Stripe-Signature header', async () => {
      const { payload } = fake.signedEvent(event);
      await expectRefused(() => post(payload, {}), 'missing');
    });

    it('a signature made with another secret', async () => {
      const { payload, header } = fake.signedEvent(event, { secret: 'whsec_not_the_right_one' });
      await expectRefused(() => post(payload, { 'Stripe-Signature': header }), 'wrong secret');
    });

    it('a garbled signature header', async () => {
      const { payload } = fake.signedEvent(event);
      await expectRefused(() => post(payload, { 'Stripe-Signature': 't=abc,v1=' }), 'garbled');
      await expectRefused(() => post(payload, { 'Stripe-Signature': 'nonsense' }), 'nonsense');
    });

    it('a body changed after signing (the signature of the original)', async () => {
      const { payload, header } = fake.signedEvent(event);
      const tampered = payload.replace(`"id": "${event.id}"`, `"id": "${event.id}x"`);
      expect(tampered).to.not.equal(payload);
      await expectRefused(() => post(tampered, { 'Stripe-Signature': header }), 'tampered id');
      await expectRefused(
        () => post(payload.replace('"livemode": false', '"livemode": true'), { 'Stripe-Signature': header }),
        'tampered field',
      );
      await expectRefused(() => post(`${payload} `, { 'Stripe-Signature': header }), 'one extra byte');
    });

    it('a signature older than 300 seconds (a replay)', async () => {
      const { payload, header } = fake.signedEvent(event, { timestamp: Math.floor(Date.now() / 1000) - 301 });
      await expectRefused(() => post(payload, { 'Stripe-Signature': header }), 'stale');
    });

    it('a body that is not sent as application/json (it never reaches the verifier as raw bytes)', async () => {
      const { payload, header } = fake.signedEvent(event);
      const before = await snapshot(tradeId);
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain', 'Stripe-Signature': header },
        body: payload,
      });
      expect(res.status).to.equal(400);
      expect(await snapshot(tradeId)).to.deep.equal(before);
    });

    it('the same event signed correctly, 290 s old, is accepted and funds the trade', async () => {
      const res = await fake.sendWebhook(event, { url, timestamp: Math.floor(Date.now() / 1000) - 290 });
      expect(res.status).to.equal(200);
      expect(await tradeStatus(t, tradeId)).to.equal('funded');
    });
  });

  it('the same event delivered five times at once has one effect', async () => {
    const { tradeId, intentId } = await tradeWithIntent(2_000);
    await fake.client().paymentIntents.confirm(intentId, { payment_method: 'pm_card_visa' });
    const event = fake.event('payment_intent.succeeded', fake.intents.get(intentId)!);
    const results = await Promise.all(Array.from({ length: 5 }, () => fake.sendWebhook(event, { url })));
    expect(results.map((r) => r.status)).to.deep.equal([200, 200, 200, 200, 200]);
    const applied = results.filter((r) => (r.body as { duplicate: boolean }).duplicate === false);
    expect(applied, 'exactly one delivery applied').to.have.length(1);
    expect((applied[0]!.body as { outcome: string }).outcome).to.equal('funded');
    const stored = await one<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from stripe_events where id = ${event.id}`);
    expect(stored!.n).to.equal(1);
    expect(await transfersOfTrade(t, tradeId)).to.have.length(1);
    const updates = await one<{ n: number }>(
      t.ctx.db,
      sql`select count(*)::int as n from outbox where topic = 'realtime.publish' and payload->>'type' = 'trade.updated'
          and payload->'data'->>'tradeId' = ${tradeId} and payload->>'room' = ${`org:${p.recycler.orgId}`}`,
    );
    expect(updates!.n, 'one trade.updated per room').to.equal(1);
  });

  it('distinct events about the same intent, at once, fund it once', async () => {
    const { tradeId, intentId } = await tradeWithIntent(2_500);
    await fake.client().paymentIntents.confirm(intentId, { payment_method: 'pm_card_visa' });
    const pi = fake.intents.get(intentId)!;
    const events = [
      'payment_intent.succeeded',
      'payment_intent.amount_capturable_updated',
      'payment_intent.succeeded',
      'charge.succeeded',
    ].map((type) =>
      fake.event(type, type.startsWith('charge') ? { id: pi.latest_charge, object: 'charge', payment_intent: pi.id } : pi),
    );
    const results = await Promise.all(events.map((e) => fake.sendWebhook(e, { url })));
    expect(results.every((r) => r.status === 200)).to.equal(true);
    expect(await transfersOfTrade(t, tradeId)).to.have.length(1);
  });

  it('events out of order leave the right final state: a premature "succeeded" does nothing, a late "processing" moves nothing back', async () => {
    const { tradeId, intentId } = await tradeWithIntent(3_000);
    const created = fake.event('payment_intent.created', fake.intents.get(intentId)!);
    // Claims success before the card was confirmed: the event is trusted for its id only.
    const premature = fake.event('payment_intent.succeeded', {
      ...fake.intents.get(intentId)!,
      status: 'succeeded',
      amount_received: 775_500,
    });
    let r = await fake.sendWebhook(premature, { url });
    expect([r.status, (r.body as { outcome: string }).outcome]).to.deep.equal([200, 'unchanged']);
    expect(await tradeStatus(t, tradeId)).to.equal('awaiting_payment');

    await fake.client().paymentIntents.confirm(intentId, { payment_method: 'pm_card_processing' });
    const processing = fake.event('payment_intent.processing', fake.intents.get(intentId)!);
    await fake.succeed(intentId);
    const succeeded = fake.event('payment_intent.succeeded', fake.intents.get(intentId)!);

    // Delivered newest first, then the older ones.
    r = await fake.sendWebhook(succeeded, { url });
    expect((r.body as { outcome: string }).outcome).to.equal('funded');
    for (const e of [processing, created]) {
      r = await fake.sendWebhook(e, { url });
      expect(r.status).to.equal(200);
    }
    const s = await snapshot(tradeId);
    expect([s.payment, s.trade]).to.deep.equal(['succeeded', 'funded']);
    expect(await transfersOfTrade(t, tradeId)).to.have.length(1);
  });

  it('a status only moves forward, even if Stripe’s answer were stale', async () => {
    const { tradeId, intentId } = await tradeWithIntent(3_500);
    await fake.succeed(intentId);
    await fake.sendWebhook(fake.event('payment_intent.succeeded', fake.intents.get(intentId)!), { url });
    fake.staleRead(intentId, 'processing');
    try {
      const r = await fake.sendWebhook(fake.event('payment_intent.processing', fake.intents.get(intentId)!), { url });
      expect((r.body as { outcome: string }).outcome).to.equal('unchanged');
    } finally {
      fake.staleRead(intentId, null);
    }
    const s = await snapshot(tradeId);
    expect([s.payment, s.trade]).to.deep.equal(['succeeded', 'funded']);
  });

  it('Stripe unreachable while re-reading the intent: 503 and the event is not stored, so Stripe’s redelivery applies it', async () => {
    const { tradeId, intentId } = await tradeWithIntent(4_000);
    await fake.succeed(intentId);
    const event = fake.event('payment_intent.succeeded', fake.intents.get(intentId)!);
    fake.failNext(3, (r) => r.method === 'GET' && r.path === `/v1/payment_intents/${intentId}`);
    const first = await fake.sendWebhook(event, { url });
    expect(first.status).to.equal(503);
    expect(await one(t.ctx.db, sql`select 1 from stripe_events where id = ${event.id}`)).to.equal(undefined);
    expect(await tradeStatus(t, tradeId)).to.equal('awaiting_payment');
    const again = await fake.sendWebhook(event, { url });
    expect([again.status, (again.body as { outcome: string }).outcome]).to.deep.equal([200, 'funded']);
  });

  it('an event about an intent the exchange never created is acknowledged and changes nothing', async () => {
    const stranger = await fake.client().paymentIntents.create({ amount: 500, currency: 'cny' });
    const before = await one<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from ledger_transfers`);
    const r = await fake.sendWebhook(fake.event('payment_intent.succeeded', stranger), { url });
    expect([r.status, (r.body as { outcome: string }).outcome]).to.deep.equal([200, 'unknown_intent']);
    expect((await one<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from ledger_transfers`))!.n).to.equal(before!.n);
  });

  it('an event naming an intent Stripe does not know is acknowledged once, so Stripe stops retrying it', async () => {
    const ghost = fake.event('payment_intent.succeeded', {
      id: 'pi_doesnotexist',
      object: 'payment_intent',
      amount: 100,
      currency: 'cny',
      status: 'succeeded',
    });
    const r = await fake.sendWebhook(ghost, { url });
    expect([r.status, (r.body as { outcome: string }).outcome]).to.deep.equal([200, 'unknown_intent']);
    const again = await fake.sendWebhook(ghost, { url });
    expect((again.body as { duplicate: boolean }).duplicate).to.equal(true);
  });

  it('end to end: the payer confirms the card, Stripe sends the signed event, the trade is funded', async () => {
    const { tradeId, intentId } = await tradeWithIntent(4_500);
    fake.webhookUrl = url;
    try {
      await fake.client().paymentIntents.confirm(intentId, { payment_method: 'pm_card_visa' });
    } finally {
      fake.webhookUrl = undefined;
    }
    await waitFor(async () => (await tradeStatus(t, tradeId)) === 'funded', { what: 'funded by the webhook' });
  });
});
