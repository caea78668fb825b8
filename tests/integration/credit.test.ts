/**
 * Credit scores through the API and the job runner (DESIGN §5 step 8, §6.7; docs/credit-model.md):
 * the neutral start, who may read a score, inputs recorded where they happen (settlement, manifests,
 * licences, sanctions) and recomputed by the `credit.recompute` job, the append-only history, decay
 * through the nightly job, and the effects (red_party alerts; the level on listings and bids).
 */
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, ManualClock, type TestApp } from '../helpers/app.js';
import { adminToken, auth, createCreditAgency, createRegulator, registerOrg, type OrgActor } from '../helpers/actors.js';
import { createGenerator, createListing, createRecycler, placeBid, steelListing } from '../helpers/trading.js';
import { deliver, dispute, drainJobs, makeParties, makeTrade, pay } from '../helpers/settlement.js';
import { StripeFake } from '../helpers/stripe-fake.js';
import { openTrip, slagDeal, walkTrip } from '../helpers/manifests.js';
import { inTransaction, one, rows } from '../../server/src/db/tx.js';
import { recordCreditEvent } from '../../server/src/modules/credit/service.js';
import { createCreditService } from '../../server/src/modules/credit/service.js';
import { readCredit } from '../../server/src/modules/credit/read-model.js';
import type { TCreditHistoryEntry, TCreditScore } from '../../shared/src/schemas/credit.js';

const DAY = 86_400_000;

describe('credit scores', () => {
  let t: TestApp;
  let regulator: OrgActor;
  let agency: OrgActor;

  before(async () => {
    t = await createTestApp();
    const admin = await adminToken(t.request);
    regulator = await createRegulator(t.request, 'city', admin);
    agency = await createCreditAgency(t.request, admin);
  });
  after(async () => {
    await t?.close();
  });

  const score = async (who: OrgActor, orgId: string): Promise<TCreditScore> => {
    const res = await t.request.get(`/api/v1/credit/orgs/${orgId}`).set(auth(who.token));
    expect(res.status, res.text).to.equal(200);
    return res.body as TCreditScore;
  };
  const history = async (
    who: OrgActor,
    orgId: string,
    query = '',
  ): Promise<{ items: TCreditHistoryEntry[]; nextCursor: string | null }> => {
    const res = await t.request.get(`/api/v1/credit/orgs/${orgId}/history${query}`).set(auth(who.token));
    expect(res.status, res.text).to.equal(200);
    return res.body;
  };
  const kindsOf = async (orgId: string) =>
    (await rows<{ kind: string }>(t.ctx.db, sql`select kind from credit_events where org_id = ${orgId} order by id`)).map(
      (r) => r.kind,
    );
  const factor = (s: TCreditScore, name: string) => s.factors.find((f) => f.factor === name)!;

  it('a new org reads at the neutral start: 80, blue, model v1, every factor listed at zero', async () => {
    const g = await registerOrg(t.request, { roles: ['generator'] });
    const s = await score(g, g.orgId);
    expect(s).to.include({
      orgId: g.orgId,
      score: 80,
      level: 'blue',
      scoringModel: 'v1',
      neutralScore: 80,
      levelReason: 'score',
    });
    expect(s.factors).to.have.length(12);
    expect(s.factors.every((f) => f.contribution === 0)).to.equal(true);
    expect(Date.parse(s.computedAt)).to.not.be.NaN;
    expect((await history(g, g.orgId)).items).to.deep.equal([]);
    const me = await t.request.get('/api/v1/me').set(auth(g.token)).expect(200);
    expect(me.body.creditLevel).to.equal('blue');
  });

  describe('who may read a score', () => {
    it('itself, regulators, credit agencies and its trading parties; another org gets 404 and nothing', async () => {
      const p = await makeParties(t.request);
      const stranger = await registerOrg(t.request, { roles: ['recycler'] });
      for (const who of [p.generator, regulator, agency]) {
        await score(who, p.generator.orgId);
        await history(who, p.generator.orgId);
      }
      for (const path of [`/credit/orgs/${p.generator.orgId}`, `/credit/orgs/${p.generator.orgId}/history`]) {
        const res = await t.request.get(`/api/v1${path}`).set(auth(stranger.token));
        expect(res.status).to.equal(404);
        expect(res.body.error.code).to.equal('NOT_FOUND');
        expect(res.text).to.not.contain(p.generator.org.name);
      }
      // Not yet a party: the recycler has not traded with the generator.
      expect((await t.request.get(`/api/v1/credit/orgs/${p.generator.orgId}`).set(auth(p.recycler.token))).status).to.equal(404);
      await makeTrade(t, p, { pricePerTonneFen: 0, quantityKg: 1_000 });
      await score(p.recycler, p.generator.orgId);
      await score(p.generator, p.recycler.orgId);
    });

    it('an id that is no org is 404, a malformed one 400, no token 401', async () => {
      const g = await registerOrg(t.request);
      expect(
        (await t.request.get('/api/v1/credit/orgs/7b0c1c38-2a0e-4c1e-9b4b-3f1d2e0a9c55').set(auth(regulator.token))).status,
      ).to.equal(404);
      expect((await t.request.get('/api/v1/credit/orgs/not-a-uuid').set(auth(regulator.token))).status).to.equal(400);
      expect((await t.request.get(`/api/v1/credit/orgs/${g.orgId}`)).status).to.equal(401);
    });
  });

  describe('inputs recorded where they happen, scored by the recompute job', () => {
    it('a settled trade counts for both parties (settlement module): 81 each, one history row each', async () => {
      const p = await makeParties(t.request);
      const trade = await makeTrade(t, p, { pricePerTonneFen: 0, quantityKg: 2_000 });
      await deliver(t, trade.id, 2_000);
      await drainJobs(t);
      expect((await one<{ status: string }>(t.ctx.db, sql`select status from trades where id = ${trade.id}`))!.status).to.equal(
        'settled',
      );
      for (const who of [p.generator, p.recycler]) {
        expect(await kindsOf(who.orgId)).to.deep.equal(['trade_completed']);
        const s = await score(who, who.orgId);
        expect(s.score).to.equal(81);
        expect(factor(s, 'trade_completed')).to.include({ contribution: 1, events: 1 });
        const h = await history(who, who.orgId);
        expect(h.items).to.have.length(1);
        expect(h.items[0]).to.include({
          seq: 1,
          score: 81,
          level: 'blue',
          previousScore: 80,
          previousLevel: 'blue',
          trigger: 'event',
          scoringModel: 'v1',
        });
        expect(h.items[0]!.inputs.count).to.equal(1);
      }
    });

    it('a trade cancelled by a party counts against that party only', async () => {
      const p = await makeParties(t.request);
      const trade = await makeTrade(t, p, { pricePerTonneFen: 258_500, quantityKg: 1_000 });
      const res = await t.request
        .post(`/api/v1/trades/${trade.id}/cancel`)
        .set(auth(p.recycler.token))
        .send({ reason: '车辆安排不上' });
      expect(res.status, res.text).to.equal(200);
      await drainJobs(t);
      expect(await kindsOf(p.recycler.orgId)).to.deep.equal(['trade_cancelled']);
      expect(await kindsOf(p.generator.orgId)).to.deep.equal([]);
      expect((await score(p.recycler, p.recycler.orgId)).score).to.equal(77);
      expect((await score(p.generator, p.generator.orgId)).score).to.equal(80);
    });

    it('an overdue receipt (manifests module) counts against the receiver: −4', async () => {
      const d = await slagDeal(t);
      const m = await openTrip(t, d, 30_000);
      await walkTrip(t, d, m, { until: 'arrive' });
      await t.ctx.db.execute(sql`update manifests set receipt_due_at = now() - interval '1 hour' where id = ${m.id}`);
      await t.ctx.manifests.sweepDeadlines();
      await drainJobs(t);
      expect(await kindsOf(d.recycler.orgId)).to.deep.equal(['receipt_overdue']);
      const s = await score(d.recycler, d.recycler.orgId);
      expect(s.score).to.equal(76);
      expect(factor(s, 'receipt_overdue')).to.include({ contribution: -4, events: 1 });
    });

    it('a lost weight dispute (settlement resolve) counts −6 against the side the admin decided against', async () => {
      const admin = await adminToken(t.request);
      const atReceiver = await makeParties(t.request);
      const above = await makeParties(t.request);
      for (const [p, decided] of [
        [atReceiver, 900],
        [above, 1_000],
      ] as const) {
        const trade = await makeTrade(t, p, { pricePerTonneFen: 0, quantityKg: 1_000 });
        await dispute(t, trade.id, 900);
        const res = await t.request
          .post(`/api/v1/trades/${trade.id}/resolve`)
          .set(auth(admin))
          .send({ acceptedKg: decided, note: '复核地磅单' });
        expect(res.status, res.text).to.equal(200);
      }
      await drainJobs(t);
      // At (or below) what the receiver accepted: the shipper's loaded weight lost; above it: the receiver's weighing lost.
      expect(await kindsOf(atReceiver.generator.orgId)).to.include('weight_dispute_lost');
      expect(await kindsOf(atReceiver.recycler.orgId)).to.not.include('weight_dispute_lost');
      expect(await kindsOf(above.recycler.orgId)).to.include('weight_dispute_lost');
      expect(await kindsOf(above.generator.orgId)).to.not.include('weight_dispute_lost');
      // Both trades then settled: +1 each; the loser ends at 80 + 1 − 6 = 75.
      expect((await score(atReceiver.generator, atReceiver.generator.orgId)).score).to.equal(75);
      expect((await score(above.recycler, above.recycler.orgId)).score).to.equal(75);
    });

    it('a suspended licence (orgs module) counts −15; the suspension is recorded once', async () => {
      const r = await createRecycler(t.request);
      const admin = await adminToken(t.request);
      const res = await t.request.post(`/api/v1/licences/${r.licenceId}/suspend`).set(auth(admin)).send({});
      expect(res.status, res.text).to.equal(200);
      await drainJobs(t);
      expect(await kindsOf(r.orgId)).to.deep.equal(['licence_suspended']);
      expect(await score(r, r.orgId)).to.include({ score: 65, level: 'yellow' });
    });

    it('recording the same input twice stores it once and a second recompute stores nothing new', async () => {
      const g = await registerOrg(t.request);
      const input = {
        orgId: g.orgId,
        kind: 'late_pickup' as const,
        subjectType: 'manifest',
        subjectId: 'm-1',
        occurredAt: new Date(),
      };
      expect(await inTransaction(t.ctx.db, (tx) => recordCreditEvent(tx, input))).to.equal(true);
      expect(await inTransaction(t.ctx.db, (tx) => recordCreditEvent(tx, input))).to.equal(false);
      await drainJobs(t);
      expect((await history(g, g.orgId)).items).to.have.length(1);
      expect(await t.ctx.credit.recompute(g.orgId)).to.deep.equal({ stored: false, changed: false });
      expect((await history(g, g.orgId)).items).to.have.length(1);
    });

    it('an input in a transaction that rolls back leaves no input and no recompute job', async () => {
      const g = await registerOrg(t.request);
      const before = (await one<{ n: number }>(
        t.ctx.db,
        sql`select count(*)::int as n from outbox where topic = 'credit.recompute'`,
      ))!.n;
      await inTransaction(t.ctx.db, async (tx) => {
        await recordCreditEvent(tx, {
          orgId: g.orgId,
          kind: 'payment_failed',
          subjectType: 'payment',
          subjectId: 'p-1',
          occurredAt: new Date(),
        });
        throw new Error('the use case failed');
      }).catch(() => {});
      expect(await kindsOf(g.orgId)).to.deep.equal([]);
      expect(
        (await one<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from outbox where topic = 'credit.recompute'`))!.n,
      ).to.equal(before);
    });
  });

  describe('a failed card payment (payments module, through the Stripe fake)', () => {
    let ts: TestApp;
    let fake: StripeFake;
    before(async () => {
      fake = await StripeFake.start();
      ts = await createTestApp({ env: fake.env(), listen: true });
      fake.webhookUrl = `${ts.server!.url}/api/v1/payments/stripe/webhook`;
    });
    after(async () => {
      await ts?.close();
      await fake?.close();
    });

    it('counts once against the payer (−3): payment_intent.payment_failed, delivered twice', async () => {
      const p = await makeParties(ts.request);
      const trade = await makeTrade(ts, p, { pricePerTonneFen: 258_500, quantityKg: 1_000 });
      const paid = await pay(ts.request, p.recycler, trade.id).expect(200);
      await fake
        .client()
        .paymentIntents.confirm(paid.body.paymentIntentId, { payment_method: 'pm_card_chargeDeclined' })
        .catch(() => {});
      await fake
        .client()
        .paymentIntents.confirm(paid.body.paymentIntentId, { payment_method: 'pm_card_chargeDeclined' })
        .catch(() => {});
      await drainJobs(ts);
      const kinds = await rows<{ kind: string; subject_type: string }>(
        ts.ctx.db,
        sql`select kind, subject_type from credit_events where org_id = ${p.recycler.orgId}`,
      );
      expect(kinds).to.deep.equal([{ kind: 'payment_failed', subject_type: 'payment' }]);
      expect(await rows(ts.ctx.db, sql`select 1 from credit_events where org_id = ${p.generator.orgId}`)).to.have.length(0);
      expect((await readCredit(ts.ctx.db, p.recycler.orgId)).score).to.equal(77);
    });
  });

  it('the history is append-only (the trigger refuses UPDATE and DELETE) and pages with a cursor', async () => {
    const g = await registerOrg(t.request);
    for (let i = 0; i < 3; i++) {
      await inTransaction(t.ctx.db, (tx) =>
        recordCreditEvent(tx, {
          orgId: g.orgId,
          kind: 'late_pickup',
          subjectType: 'manifest',
          subjectId: `m-${i}`,
          occurredAt: new Date(),
        }),
      );
      await drainJobs(t);
    }
    const first = await history(g, g.orgId, '?limit=2');
    expect(first.items.map((x) => x.seq)).to.deep.equal([3, 2]);
    expect(first.items.map((x) => x.score)).to.deep.equal([74, 76]);
    const second = await history(g, g.orgId, `?limit=2&cursor=${first.nextCursor}`);
    expect(second.items.map((x) => x.seq)).to.deep.equal([1]);
    expect(second.nextCursor).to.equal(null);
    expect((await t.request.get(`/api/v1/credit/orgs/${g.orgId}/history?cursor=garbage`).set(auth(g.token))).status).to.equal(
      400,
    );
    for (const stmt of [
      sql`update credit_scores set score = 100 where org_id = ${g.orgId}`,
      sql`delete from credit_scores where org_id = ${g.orgId}`,
      sql`delete from credit_events where org_id = ${g.orgId}`,
      sql`update credit_feed set score = 100 where org_id = ${g.orgId}`,
    ]) {
      let refused = false;
      await t.ctx.db.execute(stmt).catch(() => (refused = true));
      expect(refused).to.equal(true);
    }
    const stored = await rows<{ inputs: { kind: string }[]; factors: unknown[] }>(
      t.ctx.db,
      sql`select inputs, factors from credit_scores where org_id = ${g.orgId} order by seq`,
    );
    expect(stored.map((s) => s.inputs.length)).to.deep.equal([1, 2, 3]);
    expect(stored[2]!.factors).to.have.length(12);
  });

  describe('decay through the nightly job', () => {
    let tc: TestApp;
    let clock: ManualClock;
    before(async () => {
      clock = new ManualClock(new Date());
      tc = await createTestApp({ clock });
    });
    after(async () => {
      await tc?.close();
    });

    it('is scheduled at start-up for the next 02:00 Asia/Shanghai, once', async () => {
      const r = await rows<{ available_at: Date }>(
        tc.ctx.db,
        sql`select available_at from outbox where topic = 'credit.nightly' and done_at is null`,
      );
      expect(r).to.have.length(1);
      const at = new Date(r[0]!.available_at);
      expect(at.getUTCHours()).to.equal(18);
      expect(at.getTime() - clock.now().getTime()).to.be.within(1, DAY);
      await tc.ctx.credit.ensureNightlyScheduled();
      expect(await rows(tc.ctx.db, sql`select 1 from outbox where topic = 'credit.nightly' and done_at is null`)).to.have.length(
        1,
      );
    });

    it('a year later the same minor sanction weighs half: 70 → 75, stored as a decay row with a feed entry', async () => {
      const g = await registerOrg(tc.request);
      await inTransaction(tc.ctx.db, (tx) =>
        recordCreditEvent(tx, {
          orgId: g.orgId,
          kind: 'sanction_minor',
          subjectType: 'sanction',
          subjectId: 's-1',
          occurredAt: clock.now(),
        }),
      );
      await drainJobs(tc);
      expect((await readCredit(tc.ctx.db, g.orgId)).score).to.equal(70);
      clock.advance(365 * DAY);
      const pass = await tc.ctx.credit.runNightly();
      expect(pass.orgs).to.be.at.least(1);
      await drainJobs(tc);
      const s = await readCredit(tc.ctx.db, g.orgId);
      expect(s).to.include({ score: 75, level: 'blue' });
      const rowsOf = await rows<{ seq: number; trigger: string; score: number }>(
        tc.ctx.db,
        sql`select seq, trigger, score from credit_scores where org_id = ${g.orgId} order by seq`,
      );
      expect(rowsOf).to.deep.equal([
        { seq: 1, trigger: 'event', score: 70 },
        { seq: 2, trigger: 'decay', score: 75 },
      ]);
      const feed = await rows<{ seq: number; trigger: string }>(
        tc.ctx.db,
        sql`select seq, trigger from credit_feed where org_id = ${g.orgId} order by seq`,
      );
      expect(feed).to.deep.equal([
        { seq: 1, trigger: 'event' },
        { seq: 2, trigger: 'decay' },
      ]);
      // Another night with nothing to change stores nothing.
      await tc.ctx.credit.runNightly();
      await drainJobs(tc);
      expect(await rows(tc.ctx.db, sql`select 1 from credit_scores where org_id = ${g.orgId}`)).to.have.length(2);
    });

    it('records a licence that lapsed without a successor (−5) once, and not one that was renewed', async () => {
      const r = await createRecycler(tc.request, { licence: { validFrom: '2020-01-01', validTo: '2099-12-31' } });
      const renewed = await createRecycler(tc.request);
      const shanghaiDay = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
      const yesterday = shanghaiDay(new Date(clock.now().getTime() - DAY));
      // Licences are not append-only; the lapse is made by moving the validity into the past.
      await tc.ctx.db.execute(
        sql`update licences set valid_to = ${yesterday}::date where org_id in (${r.orgId}, ${renewed.orgId})`,
      );
      await tc.request
        .post(`/api/v1/orgs/${renewed.orgId}/licences`)
        .set(auth(renewed.token))
        .send({
          number: `ZJ-RENEW-${Date.now()}`,
          kind: 'disposal',
          wasteCodes: ['HW18'],
          annualCapacityKg: 1_000_000,
          validFrom: '2020-01-01',
          validTo: '2099-12-31',
        })
        .expect(201);
      const pending = await one<{ id: string }>(
        tc.ctx.db,
        sql`select id from licences where org_id = ${renewed.orgId} and status = 'pending'`,
      );
      await tc.request
        .post(`/api/v1/licences/${pending!.id}/approve`)
        .set(auth(await adminToken(tc.request)))
        .send({})
        .expect(200);

      await tc.ctx.credit.runNightly();
      await tc.ctx.credit.runNightly();
      await drainJobs(tc);
      const kinds = async (orgId: string) =>
        (await rows<{ kind: string }>(tc.ctx.db, sql`select kind from credit_events where org_id = ${orgId}`)).map((x) => x.kind);
      expect(await kinds(r.orgId)).to.deep.equal(['licence_expired']);
      expect(await kinds(renewed.orgId)).to.deep.equal([]);
      expect((await readCredit(tc.ctx.db, r.orgId)).score).to.equal(75);
    });

    it('the nightly job runs once per outbox row and schedules the next night', async () => {
      const [row] = await rows<{ id: number }>(
        tc.ctx.db,
        sql`select id from outbox where topic = 'credit.nightly' and done_at is null`,
      );
      await tc.ctx.credit.runNightly(Number(row!.id));
      expect(await tc.ctx.credit.runNightly(Number(row!.id))).to.deep.equal({ orgs: 0, lapsed: 0 });
      const next = await rows<{ id: number }>(
        tc.ctx.db,
        sql`select id from outbox where topic = 'credit.nightly' and done_at is null`,
      );
      expect(next).to.have.length(1);
      expect(Number(next[0]!.id)).to.not.equal(Number(row!.id));
    });
  });

  describe('effects', () => {
    it('red: each new trade of a red-level org raises a red_party alert (real model, after a major sanction)', async () => {
      const g = await createGenerator(t.request);
      const r = await createRecycler(t.request, { licence: null });
      const res = await t.request
        .post('/api/v1/regulator/sanctions')
        .set(auth(regulator.token))
        .send({ orgId: r.orgId, severity: 'major', reason: '超期贮存危险废物', decidedAt: new Date().toISOString() });
      expect(res.status, res.text).to.equal(201);
      await drainJobs(t);
      expect(await score(r, r.orgId)).to.include({ score: 55, level: 'red' });
      // Scrap paper: the price-0 steel trades settled above, among three pairs, make the steel band here.
      const listing = await createListing(t.request, g, steelListing({ materialCode: 'SW17-02' }));
      const bid = await placeBid(t.request, r, listing.id, { pricePerTonneFen: 258_500, quantityKg: 10_000 });
      const alerts = await rows<{ subject_id: string; details: { orgId: string; level: string } }>(
        t.ctx.db,
        sql`select subject_id, details from alerts where kind = 'red_party' and subject_id = ${bid.tradeIds[0]!}`,
      );
      expect(alerts).to.have.length(1);
      expect(alerts[0]!.details).to.include({ orgId: r.orgId, level: 'red' });
    });

    it('the level shows on listings (ownerCreditLevel) and, with the bidder, on bids (bidderCreditLevel)', async () => {
      const g = await createGenerator(t.request);
      const r = await createRecycler(t.request, { licence: null });
      await inTransaction(t.ctx.db, (tx) =>
        recordCreditEvent(tx, {
          orgId: g.orgId,
          kind: 'sanction_minor',
          subjectType: 'sanction',
          subjectId: `s-${g.orgId}`,
          occurredAt: new Date(),
        }),
      );
      await drainJobs(t);
      const listing = await createListing(t.request, g, steelListing({ materialCode: 'SW17-02' }));
      const one_ = await t.request.get(`/api/v1/listings/${listing.id}`).expect(200);
      expect(one_.body.ownerCreditLevel).to.equal('yellow');
      const list = await t.request.get(`/api/v1/listings?orgId=${g.orgId}`).expect(200);
      expect(list.body.items[0].ownerCreditLevel).to.equal('yellow');
      await placeBid(t.request, r, listing.id, { pricePerTonneFen: 255_000, quantityKg: 10_000 });
      const asOwner = await t.request.get(`/api/v1/listings/${listing.id}/bids`).set(auth(g.token)).expect(200);
      expect(asOwner.body.items[0]).to.include({ orgId: r.orgId, bidderCreditLevel: 'blue' });
      const mine = await t.request.get('/api/v1/bids').set(auth(r.token)).expect(200);
      expect(mine.body.items[0].bidderCreditLevel).to.equal('blue');
    });
  });

  it('a service built with its own lookup and config is the same service (deps are passed in)', async () => {
    const svc = createCreditService({ ...t.ctx, lookup: async () => [{ address: '93.184.216.34', family: 4 }] });
    const g = await registerOrg(t.request);
    expect(
      (await svc.getScore({ userId: g.user.id, orgId: g.orgId, roles: ['generator'], orgRole: 'owner', scope: null }, g.orgId))
        .score,
    ).to.equal(80);
  });
});
