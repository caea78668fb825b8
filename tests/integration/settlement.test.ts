import { expect } from 'chai';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { auth, registerOrg } from '../helpers/actors.js';
import { StripeFake } from '../helpers/stripe-fake.js';
import { databaseUrl } from '../helpers/services.js';
import {
  actorOf,
  adminActor,
  balance,
  deliver,
  dispute,
  drainJobs,
  expectLedgerInvariants,
  makeParties,
  makeTrade,
  pay,
  payerOf,
  tradeStatus,
  transfersOfTrade,
  type Parties,
} from '../helpers/settlement.js';
import { inTransaction, one, rows } from '../../server/src/db/tx.js';
import { Accounts } from '../../server/src/modules/ledger/service.js';
import { markDelivered } from '../../server/src/modules/settlement/service.js';
import type { TTrade } from '../../shared/src/schemas/trades.js';

const DB = databaseUrl ? 'PostgreSQL' : 'PGlite';
const FEE_BP = 100;
/** The default table's rates (shared/data/eco-rates.default.json): hazardous, and general industrial solid waste (issue 12 item 6). */
const ECO_RATE = 3000;
const GENERAL_ECO_RATE = 1000;

async function settledEvents(t: TestApp, tradeId: string): Promise<string[]> {
  const r = await rows<{ room: string }>(
    t.ctx.db,
    sql`select payload->>'room' as room from outbox where topic = 'realtime.publish' and payload->>'type' = 'trade.updated'
        and payload->'data'->>'tradeId' = ${tradeId} and payload->'data'->>'status' = 'settled' order by payload->>'room'`,
  );
  return r.map((x) => x.room);
}

describe(`settlement (${DB})`, function () {
  this.timeout(120_000);

  describe('escrow releases on the accepted weight, in one balanced transfer', () => {
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

    async function fundedTrade(spec: Parameters<typeof makeTrade>[2], parties = p): Promise<TTrade> {
      const trade = await makeTrade(t, parties, spec);
      if (trade.payerOrgId) await pay(t.request, payerOf(parties, trade), trade.id).expect(200);
      return trade;
    }

    async function settle(trade: TTrade, acceptedKg: number): Promise<Record<string, number>> {
      await deliver(t, trade.id, acceptedKg, { viaTransit: true });
      await drainJobs(t);
      expect(await tradeStatus(t, trade.id)).to.equal('settled');
      const transfers = await transfersOfTrade(t, trade.id);
      const settle = transfers.filter((x) => x.kind === 'settle');
      expect(settle, 'one settlement transfer').to.have.length(1);
      expect(Object.values(settle[0]!.entries).reduce((s, x) => s + x, 0)).to.equal(0);
      return settle[0]!.entries;
    }

    it('scrap steel at a positive price, all accepted: the generator is paid less the platform fee and the solid-waste eco fee; nothing returns', async () => {
      const trade = await fundedTrade({ pricePerTonneFen: 258_500, quantityKg: 10_000 });
      const entries = await settle(trade, 10_000);
      expect(entries).to.deep.equal({
        [Accounts.escrow(p.recycler.orgId)]: -2_585_000,
        [Accounts.payable(p.generator.orgId)]: 2_585_000 - 25_850 - 10 * GENERAL_ECO_RATE,
        [Accounts.platformFees]: 25_850,
        [Accounts.fund('330604')]: 10 * GENERAL_ECO_RATE,
      });
      const row = await one<{ settled_at: Date | null; accepted_kg: string | number }>(
        t.ctx.db,
        sql`select settled_at, accepted_kg from trades where id = ${trade.id}`,
      );
      expect(row!.settled_at).to.not.equal(null);
      expect(Number(row!.accepted_kg)).to.equal(10_000);
      expect(await settledEvents(t, trade.id)).to.deep.equal(
        [`org:${p.generator.orgId}`, `org:${p.recycler.orgId}`, 'regulator:330603', 'regulator:330604', 'regulator:city'].sort(),
      );
    });

    it('fly ash at a disposal fee, 15 of 20 t accepted: the receiver keeps its fee less the platform’s, the receiving district’s fund gets the eco fee on 15 t, the generator gets the rest back', async () => {
      const trade = await fundedTrade({ pricePerTonneFen: -189_300, quantityKg: 20_000, hazardous: true });
      const entries = await settle(trade, 15_000);
      expect(entries).to.deep.equal({
        [Accounts.escrow(p.generator.orgId)]: -(3_786_000 + 60_000),
        [Accounts.payable(p.recycler.orgId)]: 2_839_500 - 28_395,
        [Accounts.platformFees]: 28_395,
        [Accounts.fund('330604')]: 45_000,
        [Accounts.clearing('simulated')]: 3_846_000 - 2_839_500 - 45_000,
      });
    });

    it('hazardous material at a positive price: the generator is the payee and bears both fees; the receiver pays only the amount', async () => {
      const trade = await fundedTrade({ pricePerTonneFen: 50_000, quantityKg: 4_000, hazardous: true });
      expect(payerOf(p, trade)).to.equal(p.recycler);
      const entries = await settle(trade, 4_000);
      expect(entries).to.deep.equal({
        [Accounts.escrow(p.recycler.orgId)]: -200_000,
        [Accounts.payable(p.generator.orgId)]: 200_000 - 2_000 - 12_000,
        [Accounts.platformFees]: 2_000,
        [Accounts.fund('330604')]: 12_000,
      });
    });

    it('the eco fee is paid to the receiver’s home district, not the origin; within one district there is none', async () => {
      const zhuji = await makeParties(t.request, { generatorDistrict: '330603', recyclerDistrict: '330681' });
      const away = await fundedTrade({ pricePerTonneFen: -100_000, quantityKg: 1_000, hazardous: true }, zhuji);
      expect(Object.keys(await settle(away, 1_000))).to.include(Accounts.fund('330681'));
      const local = await makeParties(t.request, { generatorDistrict: '330603', recyclerDistrict: '330603' });
      const home = await fundedTrade({ pricePerTonneFen: -100_000, quantityKg: 1_000, hazardous: true }, local);
      expect(home.ecoCompensationFen).to.equal(0);
      expect(Object.keys(await settle(home, 1_000)).filter((k) => k.startsWith('fund:'))).to.deep.equal([]);
    });

    it('a generator whose eco fee exceeds its proceeds owes the platform the difference (its payable goes below zero)', async () => {
      const g = await registerOrg(t.request, { roles: ['generator'], district: '330603' });
      const trade = await fundedTrade(
        { pricePerTonneFen: 1_000, quantityKg: 2_000, hazardous: true },
        { generator: g, recycler: p.recycler },
      );
      const entries = await settle(trade, 2_000);
      expect(entries[Accounts.payable(g.orgId)]).to.equal(2_000 - 20 - 6_000);
      expect(await balance(t, Accounts.payable(g.orgId))).to.equal(-4_020);
    });

    it('accepted weight above the quantity is capped at it', async () => {
      const trade = await fundedTrade({ pricePerTonneFen: 258_500, quantityKg: 1_000 });
      await settle(trade, 5_000);
      const row = await one<{ accepted_kg: string | number }>(
        t.ctx.db,
        sql`select accepted_kg from trades where id = ${trade.id}`,
      );
      expect(Number(row!.accepted_kg)).to.equal(1_000);
    });

    it('nothing accepted returns the whole escrow to the payer', async () => {
      const trade = await fundedTrade({ pricePerTonneFen: -189_300, quantityKg: 2_000, hazardous: true });
      const entries = await settle(trade, 0);
      expect(entries).to.deep.equal({
        [Accounts.escrow(p.generator.orgId)]: -384_600,
        [Accounts.clearing('simulated')]: 384_600,
      });
    });

    it('a trade at price 0 moves no payment; the generator owes the eco fee on what was accepted', async () => {
      const g = await registerOrg(t.request, { roles: ['generator'], district: '330603' });
      const trade = await makeTrade(
        t,
        { generator: g, recycler: p.recycler },
        { pricePerTonneFen: 0, quantityKg: 3_000, hazardous: true },
      );
      expect(trade.status).to.equal('funded');
      const entries = await settle(trade, 2_000);
      expect(entries).to.deep.equal({ [Accounts.payable(g.orgId)]: -6_000, [Accounts.fund('330604')]: 6_000 });
    });

    it('settling again, or three times at once, posts nothing more', async () => {
      const trade = await fundedTrade({ pricePerTonneFen: 258_500, quantityKg: 2_000 });
      await settle(trade, 2_000);
      const before = await balance(t, Accounts.platformFees);
      const results = await Promise.all([1, 2, 3].map(() => t.ctx.settlement.runSettlement(trade.id)));
      expect(results).to.deep.equal(['nothing', 'nothing', 'nothing']);
      expect(await balance(t, Accounts.platformFees)).to.equal(before);
      expect((await transfersOfTrade(t, trade.id)).filter((x) => x.kind === 'settle')).to.have.length(1);
    });

    it('concurrent settlement runs of one delivered trade (and its job) post one transfer between them', async () => {
      const trade = await fundedTrade({ pricePerTonneFen: -120_000, quantityKg: 3_000, hazardous: true });
      await deliver(t, trade.id, 2_500);
      const s = await Promise.all([1, 2, 3, 4].map(() => t.ctx.settlement.runSettlement(trade.id)));
      expect(s.filter((x) => x === 'settled').length).to.be.at.most(1);
      await drainJobs(t);
      expect(await tradeStatus(t, trade.id)).to.equal('settled');
      expect((await transfersOfTrade(t, trade.id)).filter((x) => x.kind === 'settle')).to.have.length(1);
    });

    it('only a funded or in-transit trade can be delivered; anything else enqueues nothing', async () => {
      const trade = await makeTrade(t, p, { pricePerTonneFen: 258_500, quantityKg: 1_000 });
      const moved = await inTransaction(t.ctx.db, (tx) => markDelivered(tx, t.ctx, trade.id, 1_000));
      expect(moved).to.equal(null);
      const jobs = await one<{ n: number }>(
        t.ctx.db,
        sql`select count(*)::int as n from outbox where topic = 'settlement.settle' and payload->>'tradeId' = ${trade.id}`,
      );
      expect(jobs!.n).to.equal(0);
    });

    it('the ledger endpoint shows the fund and settle transfers to both parties, each summing to zero', async () => {
      const trade = await fundedTrade({ pricePerTonneFen: 258_500, quantityKg: 3_000 });
      await settle(trade, 2_000);
      for (const who of [p.generator, p.recycler]) {
        const res = await t.request.get(`/api/v1/trades/${trade.id}/ledger`).set(auth(who.token)).expect(200);
        expect(res.body.transfers.map((x: { kind: string }) => x.kind)).to.deep.equal(['fund', 'settle']);
        expect(res.body.transfers.every((x: { sumFen: number }) => x.sumFen === 0)).to.equal(true);
        expect(res.body.escrowHeldFen).to.equal(0);
      }
    });

    describe('resolving a dispute (admin, audited)', () => {
      it('settles the disputed trade on the weight the admin chooses, with the note in the audit log', async () => {
        const trade = await fundedTrade({ pricePerTonneFen: 258_500, quantityKg: 10_000 });
        await dispute(t, trade.id, 9_000);
        expect(await tradeStatus(t, trade.id)).to.equal('disputed');
        const { token, actor } = await adminActor(t);
        const res = await t.request
          .post(`/api/v1/trades/${trade.id}/resolve`)
          .set(auth(token))
          .send({ acceptedKg: 9_500, note: 'weighbridge certificate at the receiver checked' });
        expect(res.status, res.text).to.equal(200);
        expect(res.body).to.deep.include({ status: 'delivered', acceptedKg: 9_500 });
        await drainJobs(t);
        expect(await tradeStatus(t, trade.id)).to.equal('settled');
        const settle = (await transfersOfTrade(t, trade.id)).find((x) => x.kind === 'settle')!;
        expect(settle.entries[Accounts.payable(p.generator.orgId)]).to.equal(2_455_750 - 24_558 - 9.5 * GENERAL_ECO_RATE);
        const audit = await one<{
          actor_user_id: string;
          details: { note: string; acceptedKg: number; previousAcceptedKg: number };
        }>(
          t.ctx.db,
          sql`select actor_user_id, details from audit_log where action = 'trade.resolved' and subject_id = ${trade.id}`,
        );
        expect(audit!.actor_user_id).to.equal(actor.userId);
        expect(audit!.details).to.deep.include({
          note: 'weighbridge certificate at the receiver checked',
          acceptedKg: 9_500,
          previousAcceptedKg: 9_000,
        });
      });

      it('is refused for a trade not in dispute (409), without a note (400), and to anyone but the admin (403)', async () => {
        const trade = await fundedTrade({ pricePerTonneFen: 258_500, quantityKg: 1_000 });
        const { token } = await adminActor(t);
        const notDisputed = await t.request
          .post(`/api/v1/trades/${trade.id}/resolve`)
          .set(auth(token))
          .send({ acceptedKg: 1, note: 'x' });
        expect([notDisputed.status, notDisputed.body.error.details.allowed]).to.deep.equal([409, ['disputed']]);
        await dispute(t, trade.id);
        const noNote = await t.request.post(`/api/v1/trades/${trade.id}/resolve`).set(auth(token)).send({ acceptedKg: 1 });
        expect(noNote.status).to.equal(400);
        const party = await t.request
          .post(`/api/v1/trades/${trade.id}/resolve`)
          .set(auth(p.generator.token))
          .send({ acceptedKg: 1, note: 'mine' });
        expect([party.status, party.body.error.code]).to.deep.equal([403, 'FORBIDDEN_ROLE']);
        expect(await tradeStatus(t, trade.id)).to.equal('disputed');
      });
    });

    it('an admin refund of a funded trade that will not ship settles it on 0 kg: all of escrow back', async () => {
      const trade = await fundedTrade({ pricePerTonneFen: 258_500, quantityKg: 1_500 });
      const { actor } = await adminActor(t);
      await t.ctx.settlement.refundTrade(actor, trade.id, 'the carrier never came; both parties agreed');
      await drainJobs(t);
      const settle = (await transfersOfTrade(t, trade.id)).find((x) => x.kind === 'settle')!;
      expect(settle.entries).to.deep.equal({
        [Accounts.escrow(p.recycler.orgId)]: -387_750,
        [Accounts.clearing('simulated')]: 387_750,
      });
      let refused: unknown;
      try {
        await t.ctx.settlement.refundTrade(actorOf(t, p.generator.token), trade.id, 'x');
      } catch (e) {
        refused = e;
      }
      expect((refused as { code?: string })?.code).to.equal('FORBIDDEN_ROLE');
    });
  });

  describe('through Stripe: the remainder is refunded with its own stored key', () => {
    let t: TestApp;
    let fake: StripeFake;
    let p: Parties;

    before(async () => {
      fake = await StripeFake.start();
      t = await createTestApp({ env: fake.env(), jobs: { retry: { attempts: 3, backoffMs: 30 } } });
      p = await makeParties(t.request);
    });
    after(async () => {
      if (t) await expectLedgerInvariants(t, { tryWrites: true });
      await t?.close();
      await fake?.close();
    });

    async function stripeFunded(kg: number, price = -189_300, hazardous = true): Promise<{ trade: TTrade; intentId: string }> {
      const trade = await makeTrade(t, p, { pricePerTonneFen: price, quantityKg: kg, hazardous });
      const res = await pay(t.request, payerOf(p, trade), trade.id).expect(200);
      await fake.succeed(res.body.paymentIntentId);
      await t.ctx.payments.reconcileStripe();
      expect(await tradeStatus(t, trade.id)).to.equal('funded');
      return { trade, intentId: res.body.paymentIntentId };
    }
    const refundCalls = (tradeId: string) =>
      fake.requests.filter((r) => r.path === '/v1/refunds' && (r.params.metadata as { trade_id?: string })?.trade_id === tradeId);
    const refundsAt = (intentId: string) => [...fake.refunds.values()].filter((r) => r.payment_intent === intentId);

    it('a partial acceptance refunds the remainder through Stripe once, and the settle transfer sends it out through Stripe’s clearing account', async () => {
      const { trade, intentId } = await stripeFunded(10_000);
      await deliver(t, trade.id, 6_000);
      await drainJobs(t);
      expect(await tradeStatus(t, trade.id)).to.equal('settled');
      const refunds = refundsAt(intentId);
      expect(refunds).to.have.length(1);
      const expected = 1_893_000 + 30_000 - 1_135_800 - 18_000;
      expect(refunds[0]).to.deep.include({ amount: expected, status: 'succeeded' });
      expect(refundCalls(trade.id).map((c) => c.idempotencyKey)).to.deep.equal([`zwx-trade-${trade.id}-refund-v1`]);
      const settle = (await transfersOfTrade(t, trade.id)).find((x) => x.kind === 'settle')!;
      expect(settle.entries[Accounts.clearing('stripe')]).to.equal(expected);
      const payment = await t.request.get(`/api/v1/trades/${trade.id}/payment`).set(auth(p.generator.token)).expect(200);
      expect(payment.body.payment.refund).to.deep.equal({ amountFen: expected, status: 'succeeded' });
    });

    it('all accepted: no refund call at all', async () => {
      const { trade, intentId } = await stripeFunded(2_000, 258_500, false);
      await deliver(t, trade.id, 2_000);
      await drainJobs(t);
      expect(await tradeStatus(t, trade.id)).to.equal('settled');
      expect(refundsAt(intentId)).to.deep.equal([]);
    });

    it('a lost refund response is retried by the SDK with the same key and replayed: one refund', async () => {
      const { trade, intentId } = await stripeFunded(4_000);
      fake.dropResponses(1, (r) => r.path === '/v1/refunds');
      await deliver(t, trade.id, 1_000);
      await drainJobs(t);
      expect(await tradeStatus(t, trade.id)).to.equal('settled');
      expect(refundsAt(intentId)).to.have.length(1);
      expect(refundCalls(trade.id).map((c) => c.outcome)).to.deep.equal(['dropped', 'replayed']);
      expect(new Set(refundCalls(trade.id).map((c) => c.idempotencyKey)).size).to.equal(1);
    });

    it('Stripe down during the refund: the job fails, retries later with the same key, and settles once', async () => {
      const { trade, intentId } = await stripeFunded(5_000);
      fake.dropResponses(3, (r) => r.path === '/v1/refunds', { replays: true });
      await deliver(t, trade.id, 2_000);
      await drainJobs(t);
      expect(await tradeStatus(t, trade.id)).to.equal('settled');
      expect(refundsAt(intentId)).to.have.length(1);
      const calls = refundCalls(trade.id);
      expect(calls.length).to.be.greaterThan(3);
      expect(new Set(calls.map((c) => c.idempotencyKey))).to.deep.equal(new Set([`zwx-trade-${trade.id}-refund-v1`]));
      const attempts = await one<{ attempts: number }>(
        t.ctx.db,
        sql`select attempts from payment_refunds where trade_id = ${trade.id}`,
      );
      expect(attempts!.attempts).to.equal(2);
    });

    it('money that arrives after the trade was cancelled (a lost race) is recorded and returned in full', async () => {
      const trade = await makeTrade(t, p, { pricePerTonneFen: 258_500, quantityKg: 1_200 });
      const res = await pay(t.request, p.recycler, trade.id).expect(200);
      // The card went through at Stripe just as the trade was cancelled here.
      await t.ctx.db.execute(sql`update trades set status = 'cancelled' where id = ${trade.id}`);
      await fake.succeed(res.body.paymentIntentId);
      await t.ctx.payments.reconcileStripe();
      await drainJobs(t);
      expect(await tradeStatus(t, trade.id)).to.equal('cancelled');
      expect(refundsAt(res.body.paymentIntentId).map((r) => r.amount)).to.deep.equal([310_200]);
      const transfers = await transfersOfTrade(t, trade.id);
      expect(transfers.map((x) => x.kind)).to.deep.equal(['fund', 'settle']);
      expect(transfers[1]!.entries).to.deep.equal({
        [Accounts.escrow(p.recycler.orgId)]: -310_200,
        [Accounts.clearing('stripe')]: 310_200,
      });
    });
  });

  describe('model-based: pay / refund / settle / cancel / resolve against a simple model', () => {
    let t: TestApp;
    let fake: StripeFake;
    let p: Parties;
    let admin: { token: string; actor: ReturnType<typeof actorOf> };

    before(async () => {
      fake = await StripeFake.start();
      // Jobs stay off: each command runs settlement itself, so the model knows when it happened.
      t = await createTestApp({ env: fake.env(), startJobs: false });
      p = await makeParties(t.request);
      admin = await adminActor(t);
    });
    after(async () => {
      await t?.close();
      await fake?.close();
    });

    it('every command sequence leaves statuses and balances as the model says, and the ledger invariants hold in SQL', async () => {
      await fc.assert(
        fc.asyncProperty(fc.commands(commandArbitraries(), { maxCommands: 40, size: 'large' }), async (cmds) => {
          const setup = async () => ({ model: await newModel(t, p), real: { t, p, fake, admin } });
          await fc.asyncModelRun(setup, cmds);
          stats.runs++;
          await expectLedgerInvariants(t);
        }),
        { numRuns: databaseUrl ? 50 : 40, endOnFailure: true },
      );
      const settled = await one<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from trades where status = 'settled'`);
      console.log(
        `    ${stats.runs} runs, ${stats.commands} commands, ${settled!.n} trades settled, ${expectedStripeRefunds.length} Stripe refunds`,
      );
      expect(stats.commands, 'the runs did work').to.be.greaterThan(stats.runs * 5);
      // Every refund the model expected happened exactly once at Stripe, for its amount, with its key.
      for (const refund of expectedStripeRefunds) {
        const at = [...fake.refunds.values()].filter((r) => r.payment_intent === refund.intentId);
        expect(
          at.map((r) => r.amount),
          `refunds of ${refund.tradeId}`,
        ).to.deep.equal([refund.amountFen]);
        const keys = new Set(
          fake.requests
            .filter((r) => r.path === '/v1/refunds' && r.params.payment_intent === refund.intentId)
            .map((r) => r.idempotencyKey),
        );
        expect([...keys]).to.deep.equal([`zwx-trade-${refund.tradeId}-refund-v1`]);
      }
      await expectLedgerInvariants(t, { tryWrites: true });
    });
  });
});

// ── The model ─────────────────────────────────────────────────────────────────────────────────

interface ModelTrade {
  id: string;
  price: number;
  qty: number;
  hazardous: boolean;
  ecoQ: bigint;
  payer: 'generator' | 'recycler' | null;
  status: TTrade['status'];
  provider: 'stripe' | 'bank_transfer' | 'none' | null;
  funded: bigint;
  intentId: string | null;
}

interface Model {
  trades: ModelTrade[];
  balances: Map<string, bigint>;
}

interface Real {
  t: TestApp;
  p: Parties;
  fake: StripeFake;
  admin: { token: string; actor: ReturnType<typeof actorOf> };
}

const expectedStripeRefunds: { tradeId: string; intentId: string; amountFen: number }[] = [];
const stats = { runs: 0, commands: 0 };

const half = (n: bigint, d: bigint) => (n * 2n + d) / (d * 2n);
const abs = (n: bigint) => (n < 0n ? -n : n);
const amountOf = (price: number, kg: number) => half(abs(BigInt(price)) * BigInt(kg), 1000n);
const feeOf = (amount: bigint) => half(amount * BigInt(FEE_BP), 10_000n);
const ecoOf = (kg: number, hazardous: boolean) => half(BigInt(hazardous ? ECO_RATE : GENERAL_ECO_RATE) * BigInt(kg), 1000n);

function tracked(p: Parties): string[] {
  return [
    Accounts.escrow(p.generator.orgId),
    Accounts.escrow(p.recycler.orgId),
    Accounts.payable(p.generator.orgId),
    Accounts.payable(p.recycler.orgId),
    Accounts.platformFees,
    Accounts.fund(p.recycler.org.district),
    Accounts.clearing('stripe'),
    Accounts.clearing('bank_transfer'),
  ];
}

async function newModel(t: TestApp, p: Parties): Promise<Model> {
  const balances = new Map<string, bigint>();
  for (const id of tracked(p)) balances.set(id, BigInt(await balance(t, id)));
  return { trades: [], balances };
}

function add(m: Model, account: string, amount: bigint) {
  m.balances.set(account, (m.balances.get(account) ?? 0n) + amount);
}

async function expectMatches(m: Model, r: Real, tr?: ModelTrade) {
  if (tr) expect(await tradeStatus(r.t, tr.id), `status of trade ${tr.id}`).to.equal(tr.status);
  for (const [id, b] of m.balances) expect(BigInt(await balance(r.t, id)), id).to.equal(b);
}

function orgOf(r: Real, who: 'generator' | 'recycler') {
  return who === 'generator' ? r.p.generator : r.p.recycler;
}

/** The model's settlement of a delivered trade on `accepted` kg. */
function modelSettle(m: Model, r: Real, tr: ModelTrade, accepted: number) {
  const a = Math.min(accepted, tr.qty);
  const eco = ecoOf(a, tr.hazardous) < tr.ecoQ ? ecoOf(a, tr.hazardous) : tr.ecoQ;
  const gen = r.p.generator.orgId;
  const fund = Accounts.fund(r.p.recycler.org.district);
  if (!tr.payer) {
    add(m, Accounts.payable(gen), -eco);
    add(m, fund, eco);
  } else {
    const payer = orgOf(r, tr.payer).orgId;
    const payee = orgOf(r, tr.payer === 'generator' ? 'recycler' : 'generator').orgId;
    const amount = amountOf(tr.price, a);
    const fee = feeOf(amount);
    const genPays = tr.payer === 'generator';
    const refund = tr.funded - amount - (genPays ? eco : 0n);
    add(m, Accounts.escrow(payer), -tr.funded);
    add(m, Accounts.payable(payee), amount - fee - (genPays ? 0n : eco));
    add(m, Accounts.platformFees, fee);
    add(m, fund, eco);
    if (tr.provider === 'stripe') {
      add(m, Accounts.clearing('stripe'), refund);
      if (refund > 0n) expectedStripeRefunds.push({ tradeId: tr.id, intentId: tr.intentId!, amountFen: Number(refund) });
    } else add(m, Accounts.payable(payer), refund);
  }
  tr.status = 'settled';
}

type Cmd = fc.AsyncCommand<Model, Real, boolean>;

class NewTrade implements Cmd {
  constructor(
    readonly price: number,
    readonly qty: number,
    readonly hazardous: boolean,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    stats.commands++;
    const trade = await makeTrade(r.t, r.p, { pricePerTonneFen: this.price, quantityKg: this.qty, hazardous: this.hazardous });
    const payer = this.price === 0 ? null : this.price > 0 ? 'recycler' : 'generator';
    expect(trade.amountFen).to.equal(Number(amountOf(this.price, this.qty)));
    m.trades.push({
      id: trade.id,
      price: this.price,
      qty: this.qty,
      hazardous: this.hazardous,
      ecoQ: ecoOf(this.qty, this.hazardous),
      payer,
      status: payer ? 'awaiting_payment' : 'funded',
      provider: null,
      funded: 0n,
      intentId: null,
    });
    expect(trade.status).to.equal(m.trades.at(-1)!.status);
  }
  toString = () => `NewTrade(${this.price}, ${this.qty}kg${this.hazardous ? ', hazardous' : ''})`;
}

abstract class OnTrade implements Cmd {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => m.trades.length > 0;
  trade(m: Model) {
    stats.commands++;
    return m.trades[this.pick % m.trades.length]!;
  }
  abstract run(m: Model, r: Real): Promise<void>;
}

class Pay extends OnTrade {
  constructor(
    pick: number,
    readonly provider: 'stripe' | 'bank_transfer',
  ) {
    super(pick);
  }
  override async run(m: Model, r: Real) {
    const tr = this.trade(m);
    if (!tr.payer) return;
    const payer = orgOf(r, tr.payer);
    const owed = amountOf(tr.price, tr.qty) + (tr.payer === 'generator' ? tr.ecoQ : 0n);
    const res = await pay(r.t.request, payer, tr.id, { provider: this.provider });
    if (tr.status !== 'awaiting_payment') {
      expect(res.status, res.text).to.equal(409);
      return expectMatches(m, r, tr);
    }
    expect(res.status, res.text).to.equal(200);
    if (owed === 0n) {
      expect(res.body.provider).to.equal('none');
      tr.provider = 'none';
    } else if (this.provider === 'stripe') {
      await r.fake.succeed(res.body.paymentIntentId);
      await r.t.ctx.payments.reconcileStripe();
      tr.provider = 'stripe';
      tr.intentId = res.body.paymentIntentId;
      add(m, Accounts.clearing('stripe'), -owed);
    } else {
      tr.provider = 'bank_transfer';
      const c = await r.t.request
        .post(`/api/v1/payments/bank-transfers/${res.body.reference}/confirm`)
        .set(auth(r.admin.token))
        .send({ amountFen: Number(owed) });
      expect(c.status, c.text).to.equal(200);
      add(m, Accounts.clearing('bank_transfer'), -owed);
    }
    add(m, Accounts.escrow(payer.orgId), owed);
    tr.funded = owed;
    tr.status = 'funded';
    await expectMatches(m, r, tr);
  }
  override toString = () => `Pay(#${this.pick}, ${this.provider})`;
}

class Cancel extends OnTrade {
  constructor(
    pick: number,
    readonly byGenerator: boolean,
  ) {
    super(pick);
  }
  override async run(m: Model, r: Real) {
    const tr = this.trade(m);
    const who = this.byGenerator ? r.p.generator : r.p.recycler;
    const res = await r.t.request.post(`/api/v1/trades/${tr.id}/cancel`).set(auth(who.token)).send({});
    if (tr.status === 'awaiting_payment') {
      expect(res.status, res.text).to.equal(200);
      tr.status = 'cancelled';
    } else expect(res.status).to.equal(409);
    await expectMatches(m, r, tr);
  }
  override toString = () => `Cancel(#${this.pick}, by ${this.byGenerator ? 'generator' : 'recycler'})`;
}

class Deliver extends OnTrade {
  constructor(
    pick: number,
    readonly share: number,
    readonly runs: number,
  ) {
    super(pick);
  }
  override async run(m: Model, r: Real) {
    const tr = this.trade(m);
    const accepted = Math.floor(tr.qty * this.share);
    const moved = await inTransaction(r.t.ctx.db, (tx) => markDelivered(tx, r.t.ctx, tr.id, accepted));
    const ok = tr.status === 'funded' || tr.status === 'in_transit';
    expect(moved !== null, `delivered from ${tr.status}`).to.equal(ok);
    // Settlement runs once or several times at once: one effect.
    await Promise.all(Array.from({ length: this.runs }, () => r.t.ctx.settlement.runSettlement(tr.id)));
    if (ok) modelSettle(m, r, tr, accepted);
    await expectMatches(m, r, tr);
  }
  override toString = () => `Deliver(#${this.pick}, ${Math.round(this.share * 100)}%, ×${this.runs})`;
}

class DisputeAndResolve extends OnTrade {
  constructor(
    pick: number,
    readonly share: number,
  ) {
    super(pick);
  }
  override async run(m: Model, r: Real) {
    const tr = this.trade(m);
    const ok = tr.status === 'funded' || tr.status === 'in_transit';
    if (ok) await dispute(r.t, tr.id);
    const acceptedKg = Math.floor(tr.qty * this.share);
    const res = await r.t.request
      .post(`/api/v1/trades/${tr.id}/resolve`)
      .set(auth(r.admin.token))
      .send({ acceptedKg, note: 'model-based resolution' });
    expect(res.status, res.text).to.equal(ok ? 200 : 409);
    await r.t.ctx.settlement.runSettlement(tr.id);
    if (ok) modelSettle(m, r, tr, acceptedKg);
    await expectMatches(m, r, tr);
  }
  override toString = () => `DisputeAndResolve(#${this.pick}, ${Math.round(this.share * 100)}%)`;
}

class Refund extends OnTrade {
  override async run(m: Model, r: Real) {
    const tr = this.trade(m);
    const ok = tr.status === 'funded' || tr.status === 'in_transit';
    try {
      await r.t.ctx.settlement.refundTrade(r.admin.actor, tr.id, 'model-based refund');
      expect(ok, 'refund allowed').to.equal(true);
    } catch (err) {
      expect(ok, String(err)).to.equal(false);
      expect((err as { code?: string }).code).to.equal('INVALID_STATE');
    }
    await r.t.ctx.settlement.runSettlement(tr.id);
    if (ok) modelSettle(m, r, tr, 0);
    await expectMatches(m, r, tr);
  }
  override toString = () => `Refund(#${this.pick})`;
}

class SettleAgain extends OnTrade {
  override async run(m: Model, r: Real) {
    const tr = this.trade(m);
    await r.t.ctx.settlement.runSettlement(tr.id);
    await expectMatches(m, r, tr);
  }
  override toString = () => `SettleAgain(#${this.pick})`;
}

function commandArbitraries(): fc.Arbitrary<Cmd>[] {
  const pick = fc.nat(1000);
  const share = fc.oneof(fc.constant(0), fc.constant(1), fc.constant(1.5), fc.double({ min: 0, max: 1, noNaN: true }));
  const price = fc.oneof(
    fc.integer({ min: -1_000_000, max: -1 }),
    fc.integer({ min: 1, max: 1_000_000 }),
    fc.constant(0),
    fc.integer({ min: -499, max: 499 }),
  );
  const newTrade = fc.tuple(price, fc.integer({ min: 1, max: 50_000 }), fc.boolean()).map(([pr, q, h]) => new NewTrade(pr, q, h));
  const payCmd = fc.tuple(pick, fc.constantFrom('stripe' as const, 'bank_transfer' as const)).map(([i, pv]) => new Pay(i, pv));
  const deliverCmd = fc.tuple(pick, share, fc.integer({ min: 1, max: 3 })).map(([i, s, n]) => new Deliver(i, s, n));
  // Repeated entries weigh the draw towards the money paths: new trades, payments and deliveries.
  return [
    newTrade,
    newTrade,
    payCmd,
    payCmd,
    payCmd,
    deliverCmd,
    deliverCmd,
    fc.tuple(pick, fc.boolean()).map(([i, g]) => new Cancel(i, g)),
    fc.tuple(pick, share).map(([i, s]) => new DisputeAndResolve(i, s)),
    pick.map((i) => new Refund(i)),
    pick.map((i) => new SettleAgain(i)),
  ];
}
