import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { auth, createRegulator, registerOrg } from '../helpers/actors.js';
import { createListing, createRecycler, placeBid, steelListing } from '../helpers/trading.js';
import { StripeFake } from '../helpers/stripe-fake.js';
import {
  balance,
  expectLedgerInvariants,
  makeParties,
  makeTrade,
  pay,
  payerOf,
  payeeOf,
  tradeStatus,
  transfersOfTrade,
  type Parties,
} from '../helpers/settlement.js';
import { one, rows } from '../../server/src/db/tx.js';
import { Accounts } from '../../server/src/modules/ledger/service.js';
import { STRIPE_API_VERSION } from '../../server/src/modules/payments/stripe.js';

async function tradeUpdates(t: TestApp, tradeId: string): Promise<{ room: string; status: string }[]> {
  return rows(
    t.ctx.db,
    sql`select payload->>'room' as room, payload->'data'->>'status' as status from outbox
        where topic = 'realtime.publish' and payload->>'type' = 'trade.updated' and payload->'data'->>'tradeId' = ${tradeId}
        order by id`,
  );
}

async function paymentRow(t: TestApp, tradeId: string) {
  return one<{
    provider: string;
    status: string;
    idempotency_key: string;
    provider_ref: string | null;
    amount_fen: string | number;
    reference: string | null;
  }>(
    t.ctx.db,
    sql`select provider, status, idempotency_key, provider_ref, amount_fen, reference from payments where trade_id = ${tradeId}`,
  );
}

describe('payments: the simulated provider (embedded default)', () => {
  let t: TestApp;
  let p: Parties;

  before(async () => {
    t = await createTestApp();
    p = await makeParties(t.request);
  });
  after(async () => {
    if (t) await expectLedgerInvariants(t, { tryWrites: true });
    await t?.close();
  });

  it('the payer of a scrap-steel trade (the receiver) pays: funded at once, labelled a demo, escrow holds the amount', async () => {
    const trade = await makeTrade(t, p, { pricePerTonneFen: 258_500, quantityKg: 10_000 });
    expect(trade.payerOrgId).to.equal(p.recycler.orgId);
    const res = await pay(t.request, p.recycler, trade.id);
    expect(res.status, res.text).to.equal(200);
    expect(res.body).to.deep.include({ provider: 'simulated', status: 'funded', demo: true, amountFen: 2_585_000 });
    expect(res.body.notice).to.match(/demo|simulated/i);
    expect(await tradeStatus(t, trade.id)).to.equal('funded');
    const transfers = await transfersOfTrade(t, trade.id);
    expect(transfers).to.deep.equal([
      {
        operation_id: `trade:${trade.id}:fund`,
        kind: 'fund',
        entries: { [Accounts.clearing('simulated')]: -2_585_000, [Accounts.escrow(p.recycler.orgId)]: 2_585_000 },
      },
    ]);
    const payment = await t.request.get(`/api/v1/trades/${trade.id}/payment`).set(auth(p.generator.token)).expect(200);
    expect(payment.body.payment).to.deep.include({
      provider: 'simulated',
      status: 'succeeded',
      demo: true,
      amountFen: 2_585_000,
    });
  });

  it('funding announces trade.updated (funded) to both parties and the regulators of origin and destination', async () => {
    const trade = await makeTrade(t, p, { pricePerTonneFen: 258_500, quantityKg: 1_000 });
    await pay(t.request, p.recycler, trade.id).expect(200);
    const rooms = (await tradeUpdates(t, trade.id))
      .filter((e) => e.status === 'funded')
      .map((e) => e.room)
      .sort();
    expect(rooms).to.deep.equal(
      [`org:${p.generator.orgId}`, `org:${p.recycler.orgId}`, 'regulator:330603', 'regulator:330604', 'regulator:city'].sort(),
    );
  });

  it('a generator paying a disposal fee on hazardous waste leaving its district owes the amount plus the eco fee', async () => {
    const trade = await makeTrade(t, p, { pricePerTonneFen: -189_300, quantityKg: 20_000, hazardous: true });
    expect(trade.payerOrgId).to.equal(p.generator.orgId);
    expect(trade.ecoCompensationFen).to.equal(60_000);
    const res = await pay(t.request, p.generator, trade.id).expect(200);
    expect(res.body.amountFen).to.equal(3_786_000 + 60_000);
    expect(await balance(t, Accounts.escrow(p.generator.orgId))).to.be.at.least(3_846_000);
  });

  it('the payee gets 403 NOT_A_PARTY, another org 404, a carrier 403 FORBIDDEN_ROLE; nothing is paid', async () => {
    const trade = await makeTrade(t, p, { pricePerTonneFen: 258_500, quantityKg: 1_000 });
    const payee = await pay(t.request, payeeOf(p, trade), trade.id);
    expect(payee.status).to.equal(403);
    expect(payee.body.error.code).to.equal('NOT_A_PARTY');
    const stranger = await registerOrg(t.request, { roles: ['recycler'] });
    expect((await pay(t.request, stranger, trade.id)).status).to.equal(404);
    const carrier = await registerOrg(t.request, { roles: ['carrier'] });
    const c = await pay(t.request, carrier, trade.id);
    expect([c.status, c.body.error.code]).to.deep.equal([403, 'FORBIDDEN_ROLE']);
    expect(await tradeStatus(t, trade.id)).to.equal('awaiting_payment');
    expect(await paymentRow(t, trade.id)).to.equal(undefined);
  });

  it('paying a funded trade again is 409 INVALID_STATE and posts no second transfer', async () => {
    const trade = await makeTrade(t, p, { pricePerTonneFen: 258_500, quantityKg: 2_000 });
    await pay(t.request, p.recycler, trade.id).expect(200);
    const again = await pay(t.request, p.recycler, trade.id);
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('INVALID_STATE');
    expect(await transfersOfTrade(t, trade.id)).to.have.length(1);
  });

  it('two pay requests at once fund the trade once', async () => {
    const trade = await makeTrade(t, p, { pricePerTonneFen: 258_500, quantityKg: 3_000 });
    const [a, b] = await Promise.all([pay(t.request, p.recycler, trade.id), pay(t.request, p.recycler, trade.id)]);
    expect([a.status, b.status].sort()).to.deep.equal([200, 409]);
    expect(await transfersOfTrade(t, trade.id)).to.have.length(1);
  });

  it('a trade at price 0 starts funded and has nobody to pay', async () => {
    const trade = await makeTrade(t, p, { pricePerTonneFen: 0, quantityKg: 1_000 });
    expect(trade.status).to.equal('funded');
    const res = await pay(t.request, p.recycler, trade.id);
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('NOT_A_PARTY');
  });

  it('an amount that rounds to 0 fen with no eco fee is funded without any payment', async () => {
    const trade = await makeTrade(t, p, { pricePerTonneFen: 400, quantityKg: 1 });
    expect(trade.amountFen).to.equal(0);
    const res = await pay(t.request, p.recycler, trade.id).expect(200);
    expect(res.body).to.deep.equal({ provider: 'none', status: 'funded', amountFen: 0 });
    expect(await transfersOfTrade(t, trade.id)).to.deep.equal([]);
  });

  it('Stripe cannot be chosen where it is not configured: 409 naming the providers that are', async () => {
    const trade = await makeTrade(t, p, { pricePerTonneFen: 258_500, quantityKg: 1_000 });
    const res = await pay(t.request, p.recycler, trade.id, { provider: 'stripe' });
    expect(res.status).to.equal(409);
    expect(res.body.error.details.allowed).to.deep.equal(['simulated', 'bank_transfer']);
  });

  it('a trade matched through the API is paid the same way (listing, bid, trade, pay)', async () => {
    const recycler = await createRecycler(t.request, { licence: null });
    const listing = await createListing(t.request, p.generator, steelListing());
    const bid = await placeBid(t.request, recycler, listing.id, { pricePerTonneFen: 258_500, quantityKg: 10_000 });
    const res = await pay(t.request, recycler, bid.tradeIds[0]!).expect(200);
    expect(res.body.status).to.equal('funded');
  });

  it('cancel: either party before funding → cancelled with no ledger rows; after funding → 409', async () => {
    const t1 = await makeTrade(t, p, { pricePerTonneFen: 258_500, quantityKg: 1_000 });
    const res = await t.request
      .post(`/api/v1/trades/${t1.id}/cancel`)
      .set(auth(p.generator.token))
      .send({ reason: 'changed our plans' });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.status).to.equal('cancelled');
    expect(await transfersOfTrade(t, t1.id)).to.deep.equal([]);
    const afterCancel = await pay(t.request, p.recycler, t1.id);
    expect([afterCancel.status, afterCancel.body.error.code]).to.deep.equal([409, 'INVALID_STATE']);
    expect((await tradeUpdates(t, t1.id)).map((e) => e.status)).to.include('cancelled');

    const t2 = await makeTrade(t, p, { pricePerTonneFen: 258_500, quantityKg: 1_000 });
    await pay(t.request, p.recycler, t2.id).expect(200);
    const late = await t.request.post(`/api/v1/trades/${t2.id}/cancel`).set(auth(p.recycler.token)).send({});
    expect(late.status).to.equal(409);
    expect(late.body.error.details.allowed).to.deep.equal(['awaiting_payment']);
    expect(await tradeStatus(t, t2.id)).to.equal('funded');
  });

  it('a trade’s ledger: its parties and regulators in scope see it, each transfer summing to zero; others get 404', async () => {
    const trade = await makeTrade(t, p, { pricePerTonneFen: 258_500, quantityKg: 4_000 });
    await pay(t.request, p.recycler, trade.id).expect(200);
    for (const who of [p.generator, p.recycler, await createRegulator(t.request, ['330604'])]) {
      const res = await t.request.get(`/api/v1/trades/${trade.id}/ledger`).set(auth(who.token)).expect(200);
      expect(res.body.transfers).to.have.length(1);
      expect(res.body.escrowHeldFen).to.equal(1_034_000);
      for (const tr of res.body.transfers) {
        expect(tr.sumFen).to.equal(0);
        expect(tr.entries.reduce((s: number, e: { amountFen: number }) => s + e.amountFen, 0)).to.equal(0);
      }
    }
    for (const who of [await createRegulator(t.request, ['330681']), await registerOrg(t.request, { roles: ['carrier'] })]) {
      const res = await t.request.get(`/api/v1/trades/${trade.id}/ledger`).set(auth(who.token));
      expect(res.status).to.equal(404);
      expect(res.text).to.not.contain(p.recycler.orgId);
    }
  });
});

describe('payments: Stripe, through the SDK against the local fake', function () {
  this.timeout(60_000);
  let t: TestApp;
  let fake: StripeFake;
  let p: Parties;

  before(async () => {
    fake = await StripeFake.start();
    t = await createTestApp({ env: fake.env() });
    p = await makeParties(t.request);
  });
  after(async () => {
    if (t) await expectLedgerInvariants(t, { tryWrites: true });
    await t?.close();
    await fake?.close();
  });

  const creates = (tradeId: string) =>
    fake.requests.filter(
      (r) =>
        r.method === 'POST' &&
        r.path === '/v1/payment_intents' &&
        (r.params.metadata as { trade_id?: string })?.trade_id === tradeId,
    );

  it('creates a PaymentIntent in CNY for what the payer owes, with our key and the pinned API version', async () => {
    const trade = await makeTrade(t, p, { pricePerTonneFen: 258_500, quantityKg: 10_000 });
    const res = await pay(t.request, p.recycler, trade.id);
    expect(res.status, res.text).to.equal(200);
    expect(res.body).to.deep.include({ provider: 'stripe', amountFen: 2_585_000, currency: 'cny', status: 'pending' });
    expect(res.body.paymentIntentId).to.match(/^pi_/);
    expect(res.body.clientSecret).to.contain(`${res.body.paymentIntentId}_secret_`);
    const intent = fake.intents.get(res.body.paymentIntentId)!;
    expect(intent).to.deep.include({ amount: 2_585_000, currency: 'cny', capture_method: 'automatic' });
    expect(intent.metadata.trade_id).to.equal(trade.id);
    const [call] = creates(trade.id);
    expect(call!.idempotencyKey).to.equal(`zwx-trade-${trade.id}-fund-v1`);
    expect(call!.stripeVersion).to.equal(STRIPE_API_VERSION);
    expect(await tradeStatus(t, trade.id), 'not funded until the card is confirmed').to.equal('awaiting_payment');
  });

  it('paying again resumes the same PaymentIntent (no second intent)', async () => {
    const trade = await makeTrade(t, p, { pricePerTonneFen: 258_500, quantityKg: 2_000 });
    const a = await pay(t.request, p.recycler, trade.id).expect(200);
    const b = await pay(t.request, p.recycler, trade.id).expect(200);
    expect(b.body.paymentIntentId).to.equal(a.body.paymentIntentId);
    expect(b.body.clientSecret).to.equal(a.body.clientSecret);
    expect(creates(trade.id).filter((r) => r.outcome === 'applied')).to.have.length(1);
  });

  it('the key is stored before the call: Stripe down → 503, and the retry sends the same key and makes one intent', async () => {
    const trade = await makeTrade(t, p, { pricePerTonneFen: 258_500, quantityKg: 3_000 });
    fake.failNext(3, (r) => r.method === 'POST' && r.path === '/v1/payment_intents');
    const down = await pay(t.request, p.recycler, trade.id);
    expect(down.status).to.equal(503);
    expect(down.body.error.code).to.equal('UNAVAILABLE');
    const stored = await paymentRow(t, trade.id);
    expect(stored).to.deep.include({ idempotency_key: `zwx-trade-${trade.id}-fund-v1`, provider_ref: null, status: 'pending' });
    const up = await pay(t.request, p.recycler, trade.id).expect(200);
    const calls = creates(trade.id);
    expect(calls.length).to.equal(4);
    expect(new Set(calls.map((c) => c.idempotencyKey))).to.deep.equal(new Set([`zwx-trade-${trade.id}-fund-v1`]));
    expect(calls.filter((c) => c.outcome === 'applied')).to.have.length(1);
    expect((await paymentRow(t, trade.id))!.provider_ref).to.equal(up.body.paymentIntentId);
  });

  it('a lost response (applied, then the connection cut) is retried by the SDK with our key and replayed: one intent', async () => {
    const trade = await makeTrade(t, p, { pricePerTonneFen: 258_500, quantityKg: 4_000 });
    fake.dropResponses(1, (r) => r.method === 'POST' && r.path === '/v1/payment_intents');
    const res = await pay(t.request, p.recycler, trade.id).expect(200);
    const calls = creates(trade.id);
    expect(calls.map((c) => c.outcome)).to.deep.equal(['dropped', 'replayed']);
    expect(calls.every((c) => c.idempotencyKey === `zwx-trade-${trade.id}-fund-v1`)).to.equal(true);
    expect([...fake.intents.values()].filter((i) => i.metadata.trade_id === trade.id)).to.have.length(1);
    expect(res.body.paymentIntentId).to.equal(
      calls[0] && [...fake.intents.values()].find((i) => i.metadata.trade_id === trade.id)!.id,
    );
  });

  it('a stored request altered after its key was used is refused by Stripe’s idempotency check; nothing is paid', async () => {
    const trade = await makeTrade(t, p, { pricePerTonneFen: 258_500, quantityKg: 5_000 });
    fake.dropResponses(3, (r) => r.method === 'POST' && r.path === '/v1/payment_intents', { replays: true });
    expect((await pay(t.request, p.recycler, trade.id)).status).to.equal(503);
    await t.ctx.db.execute(sql`update payments set request = jsonb_set(request, '{amount}', '1') where trade_id = ${trade.id}`);
    const res = await pay(t.request, p.recycler, trade.id);
    expect(res.status).to.equal(500);
    expect(creates(trade.id).at(-1)!.outcome).to.equal('mismatch');
    expect(await tradeStatus(t, trade.id)).to.equal('awaiting_payment');
    expect(await transfersOfTrade(t, trade.id)).to.deep.equal([]);
  });

  it('the SDK raises Stripe’s own idempotency error (HTTP 400, idempotency_error) for a key reused with other parameters', async () => {
    const stripe = t.ctx.stripe!;
    await stripe.paymentIntents.create({ amount: 100, currency: 'cny' }, { idempotencyKey: 'zwx-test-mismatch' });
    let err: { type?: string; statusCode?: number; rawType?: string } | undefined;
    try {
      await stripe.paymentIntents.create({ amount: 101, currency: 'cny' }, { idempotencyKey: 'zwx-test-mismatch' });
    } catch (e) {
      err = e as typeof err;
    }
    expect(err).to.deep.include({ type: 'StripeIdempotencyError', statusCode: 400, rawType: 'idempotency_error' });
  });

  it('more than 99,999,999 fen: Stripe asked for explicitly is 409 pointing to bank_transfer; by default the payer gets a bank reference', async () => {
    const trade = await makeTrade(t, p, { pricePerTonneFen: 100_000_000, quantityKg: 1_000 });
    expect(trade.amountFen).to.equal(100_000_000);
    const res = await pay(t.request, p.recycler, trade.id, { provider: 'stripe' });
    expect(res.status).to.equal(409);
    expect(res.body.error.details).to.deep.include({ allowed: ['bank_transfer'], maxStripeFen: 99_999_999 });
    expect(creates(trade.id)).to.have.length(0);
    const auto = await pay(t.request, p.recycler, trade.id).expect(200);
    expect(auto.body.provider).to.equal('bank_transfer');
    expect(auto.body.reference).to.match(/^ZWX\d{10,}$/);
  });

  it('the simulated provider cannot be chosen in a Stripe deployment', async () => {
    const trade = await makeTrade(t, p, { pricePerTonneFen: 258_500, quantityKg: 1_000 });
    const res = await pay(t.request, p.recycler, trade.id, { provider: 'simulated' });
    expect(res.status).to.equal(409);
    expect(res.body.error.details.allowed).to.deep.equal(['stripe', 'bank_transfer']);
  });

  it('a card confirmed with no webhook arriving is found by the reconciler, which funds the trade once', async () => {
    const trade = await makeTrade(t, p, { pricePerTonneFen: -189_300, quantityKg: 1_000, hazardous: true });
    const res = await pay(t.request, payerOf(p, trade), trade.id).expect(200);
    expect(res.body.amountFen).to.equal(189_300 + 3_000);
    await fake.client().paymentIntents.confirm(res.body.paymentIntentId, { payment_method: 'pm_card_visa' });
    const first = await t.ctx.payments.reconcileStripe();
    expect(first.changed).to.be.at.least(1);
    await t.ctx.payments.reconcileStripe();
    expect(await tradeStatus(t, trade.id)).to.equal('funded');
    const transfers = await transfersOfTrade(t, trade.id);
    expect(transfers).to.have.length(1);
    expect(transfers[0]!.entries).to.deep.equal({
      [Accounts.clearing('stripe')]: -192_300,
      [Accounts.escrow(p.generator.orgId)]: 192_300,
    });
  });

  it('the reconciler is scheduled as a job that re-schedules itself, one pass pending at a time', async () => {
    const pending = await rows<{ id: number; available_at: Date }>(
      t.ctx.db,
      sql`select id, available_at from outbox where topic = 'payments.reconcile' and done_at is null`,
    );
    expect(pending).to.have.length(1);
    await t.ctx.payments.runReconcileJob(Number(pending[0]!.id));
    const next = await rows<{ id: number }>(
      t.ctx.db,
      sql`select id from outbox where topic = 'payments.reconcile' and done_at is null`,
    );
    expect(next).to.have.length(1);
    expect(Number(next[0]!.id)).to.not.equal(Number(pending[0]!.id));
    await t.ctx.payments.ensureReconcilerScheduled();
    expect(
      await rows(t.ctx.db, sql`select id from outbox where topic = 'payments.reconcile' and done_at is null`),
    ).to.have.length(1);
  });

  it('cancelling a trade with a Stripe payment under way cancels the intent at Stripe with its own key', async () => {
    const trade = await makeTrade(t, p, { pricePerTonneFen: 258_500, quantityKg: 6_000 });
    const res = await pay(t.request, p.recycler, trade.id).expect(200);
    const cancel = await t.request.post(`/api/v1/trades/${trade.id}/cancel`).set(auth(p.generator.token)).send({});
    expect(cancel.status, cancel.text).to.equal(200);
    expect(fake.intents.get(res.body.paymentIntentId)!.status).to.equal('canceled');
    const call = fake.requests.find((r) => r.path === `/v1/payment_intents/${res.body.paymentIntentId}/cancel`);
    expect(call!.idempotencyKey).to.equal(`zwx-trade-${trade.id}-cancel-v1`);
    expect((await paymentRow(t, trade.id))!.status).to.equal('canceled');
  });

  it('cancelling after the card went through is refused: the trade is funded instead', async () => {
    const trade = await makeTrade(t, p, { pricePerTonneFen: 258_500, quantityKg: 7_000 });
    const res = await pay(t.request, p.recycler, trade.id).expect(200);
    await fake.client().paymentIntents.confirm(res.body.paymentIntentId, { payment_method: 'pm_card_visa' });
    const cancel = await t.request.post(`/api/v1/trades/${trade.id}/cancel`).set(auth(p.recycler.token)).send({});
    expect(cancel.status).to.equal(409);
    expect(await tradeStatus(t, trade.id)).to.equal('funded');
    expect(await transfersOfTrade(t, trade.id)).to.have.length(1);
  });
});
