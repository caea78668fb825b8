/**
 * Issue 18: collection for small producers (小箱进大箱), consolidation, the regulator's trace, and
 * fallback disposal (兜底处置), through the public API on a real database.
 */
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, ManualClock, type TestApp } from '../helpers/app.js';
import { adminToken, approvedLicence, auth, createRegulator, registerOrg, type OrgActor } from '../helpers/actors.js';
import { alertsOf, createListing, createRecycler, flyAshListing, inSeconds, placeBid, DAY } from '../helpers/trading.js';
import { createCarrier, fund, step, trade } from '../helpers/manifests.js';
import { sleep } from '../helpers/wait.js';
import { one, rows } from '../../server/src/db/tx.js';
import type { TIntake, TLot, TPoint, TTrace, TFallbackRequest, TTariff } from '../../shared/src/schemas/collection.js';
import type { TManifest } from '../../shared/src/schemas/manifests.js';
import type { TListing } from '../../shared/src/schemas/listings.js';

const FLY_ASH = '772-002-18';
const FEE = 150_000; // 1 500 yuan per tonne, paid by the producer to the collector

type Request = TestApp['request'];

/** A collector (also licensed to carry HW18) with a collection licence and one collection point in Keqiao. */
async function createCollector(
  request: Request,
  o: { capacityKg?: number; wasteCodes?: string[]; admin?: string } = {},
): Promise<OrgActor & { point: TPoint }> {
  const collector = await registerOrg(request, { roles: ['collector', 'carrier'], district: '330603' });
  const admin = o.admin ?? (await adminToken(request));
  await approvedLicence(
    request,
    collector,
    { kind: 'collection', wasteCodes: o.wasteCodes ?? ['HW18'], annualCapacityKg: o.capacityKg ?? 50_000 },
    admin,
  );
  await approvedLicence(request, collector, { kind: 'transport', wasteCodes: ['HW18'] }, admin);
  const res = await request
    .post('/api/v1/collection/points')
    .set(auth(collector.token))
    .send({ name: '柯桥小微收集点', address: '柯桥区齐贤街道工业园 8 号', district: '330603', feePerTonneFen: FEE });
  expect(res.status, res.text).to.equal(201);
  return { ...collector, point: res.body as TPoint };
}

function declare(request: Request, who: OrgActor, body: Record<string, unknown>) {
  return request.post('/api/v1/collection/intakes').set(auth(who.token)).send(body);
}

async function declared(request: Request, who: OrgActor, pointId: string, quantityKg: number): Promise<TIntake> {
  const res = await declare(request, who, { pointId, materialCode: FLY_ASH, quantityKg });
  expect(res.status, res.text).to.equal(201);
  return res.body as TIntake;
}

function accept(request: Request, collector: OrgActor, intakeId: string) {
  return request.post(`/api/v1/collection/intakes/${intakeId}/accept`).set(auth(collector.token)).send({});
}

/** The producer pays the fee, ships its lot to the point (the collector carries), the collector weighs it in. */
async function bringIn(
  t: TestApp,
  producer: OrgActor,
  collector: OrgActor,
  intake: TIntake,
  receivedKg: number,
): Promise<TManifest> {
  const tr = await trade(t, producer, intake.tradeId!);
  await fund(t, { generator: producer, recycler: collector, trade: tr });
  const opened = await t.request
    .post(`/api/v1/trades/${tr.id}/manifests`)
    .set(auth(producer.token))
    .send({ carrierOrgId: collector.orgId, vehiclePlate: '浙D·C0001', driverName: '收集车', declaredKg: intake.quantityKg });
  expect(opened.status, opened.text).to.equal(201);
  const m = opened.body as TManifest;
  expect(m.kind, 'an intake’s transfer record is a collection manifest').to.equal('collection');
  expect(m.number).to.match(/^\d{4}3306\d{6}$/);
  await step(t, producer, m.id, { type: 'issue' });
  await step(t, collector, m.id, { type: 'load', weightKg: intake.quantityKg });
  await step(t, collector, m.id, { type: 'depart' });
  await step(t, collector, m.id, { type: 'arrive' });
  return step(t, collector, m.id, { type: 'receive', weightKg: receivedKg, decision: 'accept' });
}

function today(): string {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
}

describe('collection: small producers, consolidation and trace (issue 18)', () => {
  let t: TestApp;
  before(async function () {
    this.timeout(120_000);
    t = await createTestApp({ env: { AUCTION_MIN_LEAD_SECONDS: '1' } });
  });
  after(async () => {
    await t?.close();
  });

  it('twenty small producers’ intakes of one code are consolidated, auctioned, shipped and disposed; each trace reaches the disposal report with its kilograms', async function () {
    this.timeout(180_000);
    const collector = await createCollector(t.request);
    const producers: OrgActor[] = [];
    const intakes: TIntake[] = [];
    const receivedKg: number[] = [];
    for (let i = 0; i < 20; i++) {
      const p = await registerOrg(t.request, { roles: ['generator'], district: '330603' });
      producers.push(p);
      const declaredKg = 300 + i * 10;
      const intake = await declared(t.request, p, collector.point.id, declaredKg);
      const acc = await accept(t.request, collector, intake.id);
      expect(acc.status, acc.text).to.equal(200);
      const accepted = acc.body as TIntake;
      expect(accepted.status).to.equal('accepted');
      const tr = await trade(t, p, accepted.tradeId!);
      expect(tr.payerOrgId, 'the producer pays the collection fee').to.equal(p.orgId);
      expect(tr.pricePerTonneFen).to.equal(-FEE);
      // The weighbridge at the point reads a little under what was declared (well within tolerance).
      const got = declaredKg - (i % 3);
      const m = await bringIn(t, p, collector, accepted, got);
      expect(m.acceptedKg).to.equal(got);
      intakes.push(accepted);
      receivedKg.push(got);
    }
    await t.ctx.jobs.drain();
    // The fee went through escrow and the ledger like any trade's money: the intake trades settle.
    const settled = await rows<{ status: string }>(
      t.ctx.db,
      sql`select status from trades where id in (select trade_id from intakes where collector_org_id = ${collector.orgId})`,
    );
    expect(settled.map((s) => s.status)).to.deep.equal(Array(20).fill('settled'));

    const stock = await t.request.get('/api/v1/collection/stock').set(auth(collector.token));
    expect(stock.status, stock.text).to.equal(200);
    const lotKg = receivedKg.reduce((s, x) => s + x, 0);
    expect(stock.body.items).to.deep.equal([
      { wasteCode: FLY_ASH, inStockKg: lotKg, yearIntakeKg: intakes.reduce((s, i) => s + i.quantityKg, 0), capacityKg: 50_000 },
    ]);

    const lotRes = await t.request
      .post('/api/v1/collection/lots')
      .set(auth(collector.token))
      .send({
        intakeIds: intakes.map((i) => i.id),
        listing: {
          mode: 'auction',
          pricePerTonneFen: -189_300,
          closesAt: inSeconds(2),
          pickupFrom: inSeconds(DAY),
          pickupTo: inSeconds(10 * DAY),
          hazard: { characteristics: ['T'], form: 'solid', packaging: 'ton_bag' },
        },
      });
    expect(lotRes.status, lotRes.text).to.equal(201);
    const lot = lotRes.body as TLot;
    expect(lot.quantityKg).to.equal(lotKg);
    expect(lot.sources).to.have.length(20);
    expect(lot.sources.reduce((s, x) => s + x.kg, 0)).to.equal(lotKg);

    // The ordinary market: a licensed disposer wins the auction.
    const recycler = await createRecycler(t.request);
    await placeBid(t.request, recycler, lot.listingId!, { pricePerTonneFen: -180_000, quantityKg: lotKg });
    await sleep(2_200);
    await t.ctx.jobs.drain();
    const listing = (await t.request.get(`/api/v1/listings/${lot.listingId}`).expect(200)).body as TListing;
    expect(listing.status).to.equal('matched');
    const [lotTrade] = await rows<{ id: string }>(t.ctx.db, sql`select id from trades where listing_id = ${lot.listingId}`);
    let big = await trade(t, collector, lotTrade!.id);
    big = await fund(t, { generator: collector, recycler, trade: big });
    const carrier = await createCarrier(t.request);
    const opened = await t.request
      .post(`/api/v1/trades/${big.id}/manifests`)
      .set(auth(collector.token))
      .send({ carrierOrgId: carrier.orgId, vehiclePlate: '浙D·88888', driverName: '李师傅', declaredKg: lotKg });
    expect(opened.status, opened.text).to.equal(201);
    const m = opened.body as TManifest;
    expect(m.kind).to.equal('hazardous');
    const disposerAccepted = lotKg - 40; // within the 2 % tolerance
    await step(t, collector, m.id, { type: 'issue' });
    await step(t, carrier, m.id, { type: 'load', weightKg: lotKg });
    await step(t, carrier, m.id, { type: 'depart' });
    await step(t, carrier, m.id, { type: 'arrive' });
    await step(t, recycler, m.id, { type: 'receive', weightKg: disposerAccepted, decision: 'accept' });
    await step(t, recycler, m.id, { type: 'report_disposal', methodCode: 'D10', method: '焚烧处置', disposalDate: today() });

    const regulator = await createRegulator(t.request, ['330603']);
    let sumReceived = 0;
    let sumDisposed = 0;
    for (const [i, intake] of intakes.entries()) {
      const res = await t.request.get(`/api/v1/regulator/trace?intakeId=${intake.id}`).set(auth(regulator.token));
      expect(res.status, res.text).to.equal(200);
      const [item] = (res.body as TTrace).items;
      expect(item!.collection).to.have.length(1);
      expect(item!.collection[0]!.kind).to.equal('collection');
      expect(item!.receivedKg).to.equal(receivedKg[i]);
      expect(item!.lot!.id).to.equal(lot.id);
      expect(item!.downstream).to.have.length(1);
      expect(item!.downstream[0]!.status).to.equal('closed');
      expect(item!.downstream[0]!.disposalMethod).to.match(/^D10 /); // the national method code leads the stored label
      expect(item!.disposedKg).to.be.closeTo((receivedKg[i]! * disposerAccepted) / lotKg, 1e-9);
      sumReceived += item!.receivedKg;
      sumDisposed += item!.disposedKg;
    }
    expect(sumReceived, 'the intakes sum to the consolidated weight').to.equal(lotKg);
    // What the disposer accepted is all accounted for, and within the weighing tolerance of the lot.
    expect(sumDisposed).to.be.closeTo(disposerAccepted, 1e-6);
    expect(Math.abs(lotKg - sumDisposed) / lotKg).to.be.at.most(t.ctx.config.WEIGHT_TOLERANCE_BP / 10_000);

    // By producer too; a regulator of another district sees nothing of it.
    const byProducer = await t.request
      .get(`/api/v1/regulator/trace?producerOrgId=${producers[0]!.orgId}`)
      .set(auth(regulator.token));
    expect(byProducer.body.items).to.have.length(1);
    const other = await createRegulator(t.request, ['330681']);
    const hidden = await t.request.get(`/api/v1/regulator/trace?intakeId=${intakes[0]!.id}`).set(auth(other.token));
    expect(hidden.status).to.equal(200);
    expect(hidden.body.items).to.deep.equal([]);
    // Collection fees are not market prices: the intake trades stay out of the price index.
    const idx = await one<{ n: number }>(
      t.ctx.db,
      sql`select count(*)::int as n from trades t where t.id in (select trade_id from intakes) and t.listing_id is not null`,
    );
    expect(idx!.n).to.equal(0);
  });

  it('a collector outside its scope or over its capacity is refused with a code; a lot above the small-lot limit too', async () => {
    const collector = await createCollector(t.request, { capacityKg: 1_000 });
    const p = await registerOrg(t.request, { roles: ['generator'], district: '330603' });
    const outside = await declare(t.request, p, { pointId: collector.point.id, materialCode: '900-249-08', quantityKg: 200 });
    expect(outside.status, outside.text).to.equal(403);
    expect(outside.body.error.code).to.equal('LICENCE_SCOPE');
    const large = await declare(t.request, p, { pointId: collector.point.id, materialCode: FLY_ASH, quantityKg: 1_001 });
    expect(large.status, large.text).to.equal(422);
    expect(large.body.error.code).to.equal('SMALL_LOT_TOO_LARGE');

    const first = await declared(t.request, p, collector.point.id, 600);
    const second = await declared(t.request, p, collector.point.id, 600);
    expect((await accept(t.request, collector, first.id)).status).to.equal(200);
    const over = await accept(t.request, collector, second.id);
    expect(over.status, over.text).to.equal(422);
    expect(over.body.error.code).to.equal('CAPACITY_EXCEEDED');
    expect(over.body.error.details).to.include({ usedKg: 600, capacityKg: 1_000 });
    const row = await one<{ status: string; trade_id: string | null }>(
      t.ctx.db,
      sql`select status, trade_id from intakes where id = ${second.id}`,
    );
    expect(row).to.deep.equal({ status: 'declared', trade_id: null });
    // Another collector cannot decide it.
    const stranger = await createCollector(t.request);
    expect((await accept(t.request, stranger, second.id)).status).to.equal(404);
  });
});

describe('fallback disposal (issue 18)', () => {
  let t: TestApp;
  const clock = new ManualClock(new Date());
  before(async function () {
    this.timeout(120_000);
    t = await createTestApp({ env: { AUCTION_MIN_LEAD_SECONDS: '1' }, clock });
  });
  after(async () => {
    await t?.close();
  });

  it('after an auction closes with no bids, the producer accepts the tariff, the designated disposer misses its deadline (alert) and then accepts at the tariff', async function () {
    this.timeout(60_000);
    const admin = await adminToken(t.request);
    const producer = await registerOrg(t.request, { roles: ['generator'], district: '330603' });
    const disposer = await createRecycler(t.request, { admin });
    const city = await createRegulator(t.request, 'city', admin);
    const district = await createRegulator(t.request, ['330603'], admin);

    const l = await createListing(
      t.request,
      producer,
      flyAshListing({ mode: 'auction', closesAt: inSeconds(1.2), quantityKg: 5_000, minLotKg: 5_000 }),
    );
    await sleep(1_400);
    await t.ctx.jobs.drain();
    const closed = (await t.request.get(`/api/v1/listings/${l.id}`).expect(200)).body as TListing;
    expect(closed.status).to.equal('closed');

    // No designation yet.
    const none = await t.request.get(`/api/v1/fallback/tariff?listingId=${l.id}`).set(auth(producer.token));
    expect(none.status, none.text).to.equal(422);
    expect(none.body.error.code).to.equal('NO_FALLBACK_DESIGNATION');

    const designation = {
      wasteCode: 'HW18',
      disposerOrgId: disposer.orgId,
      feePerTonneFen: 200_000,
      effectiveFrom: today(),
      source: '绍市发改〔2026〕12号',
    };
    const byDistrict = await t.request
      .post('/api/v1/regulator/fallback/designations')
      .set(auth(district.token))
      .send(designation);
    expect(byDistrict.status).to.equal(403);
    expect(byDistrict.body.error.code).to.equal('CITY_SCOPE_REQUIRED');
    const d = await t.request.post('/api/v1/regulator/fallback/designations').set(auth(city.token)).send(designation);
    expect(d.status, d.text).to.equal(201);

    const tariffRes = await t.request.get(`/api/v1/fallback/tariff?listingId=${l.id}`).set(auth(producer.token));
    expect(tariffRes.status, tariffRes.text).to.equal(200);
    const tariff = tariffRes.body as TTariff;
    expect(tariff.designation).to.include({ id: d.body.id, feePerTonneFen: 200_000, source: '绍市发改〔2026〕12号' });
    expect(tariff.estimatedFen).to.equal(1_000_000);

    // Not accepted, or accepted at another price: nothing is recorded, nobody is bound.
    const notAccepted = await t.request
      .post(`/api/v1/listings/${l.id}/fallback`)
      .set(auth(producer.token))
      .send({ designationId: d.body.id, feePerTonneFen: 200_000, acceptTariff: false });
    expect(notAccepted.status).to.equal(422);
    expect(notAccepted.body.error.code).to.equal('TARIFF_NOT_ACCEPTED');
    const stale = await t.request
      .post(`/api/v1/listings/${l.id}/fallback`)
      .set(auth(producer.token))
      .send({ designationId: d.body.id, feePerTonneFen: 150_000, acceptTariff: true });
    expect(stale.status).to.equal(409);
    expect(stale.body.error.code).to.equal('TARIFF_CHANGED');
    const count = async () => (await one<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from fallback_requests`))!.n;
    expect(await count()).to.equal(0);
    expect(
      (await one<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from trades where listing_id = ${l.id}`))!.n,
    ).to.equal(0);

    const reqRes = await t.request
      .post(`/api/v1/listings/${l.id}/fallback`)
      .set(auth(producer.token))
      .send({ designationId: d.body.id, feePerTonneFen: 200_000, acceptTariff: true });
    expect(reqRes.status, reqRes.text).to.equal(201);
    const request = reqRes.body as TFallbackRequest;
    expect(request).to.include({
      status: 'pending',
      disposerOrgId: disposer.orgId,
      quantityKg: 5_000,
      priceSource: '绍市发改〔2026〕12号',
    });
    const again = await t.request
      .post(`/api/v1/listings/${l.id}/fallback`)
      .set(auth(producer.token))
      .send({ designationId: d.body.id, feePerTonneFen: 200_000, acceptTariff: true });
    expect(again.status).to.equal(409);

    // The tariff changes afterwards: the request keeps the price the producer accepted.
    const newer = await t.request
      .post('/api/v1/regulator/fallback/designations')
      .set(auth(city.token))
      .send({ ...designation, feePerTonneFen: 260_000 });
    expect(newer.status).to.equal(201);

    // The designated disposer does not answer within its working days: the sweep raises an alert, once.
    expect(await t.ctx.fallback.sweepOverdue()).to.equal(0);
    clock.advance(10 * DAY * 1000);
    expect(await t.ctx.fallback.sweepOverdue()).to.equal(1);
    expect(await t.ctx.fallback.sweepOverdue()).to.equal(0);
    const alerts = await alertsOf(t, 'fallback_overdue');
    expect(alerts).to.have.length(1);
    expect(alerts[0]!).to.include({ subject_type: 'fallback_request', subject_id: request.id, district: '330603' });
    const queue = await t.request.get('/api/v1/fallback/requests?status=pending').set(auth(district.token));
    expect(queue.body.items.map((x: TFallbackRequest) => [x.id, x.overdue])).to.deep.equal([[request.id, true]]);

    // Only the designated disposer answers.
    const stranger = await createRecycler(t.request, { admin });
    expect(
      (await t.request.post(`/api/v1/fallback/requests/${request.id}/accept`).set(auth(stranger.token)).send({})).status,
    ).to.equal(404);
    const acc = await t.request.post(`/api/v1/fallback/requests/${request.id}/accept`).set(auth(disposer.token)).send({});
    expect(acc.status, acc.text).to.equal(200);
    const tr = await trade(t, producer, acc.body.tradeId);
    expect(tr).to.include({
      generatorOrgId: producer.orgId,
      receiverOrgId: disposer.orgId,
      payerOrgId: producer.orgId,
      quantityKg: 5_000,
      pricePerTonneFen: -200_000,
    });

    const indicator = await t.request.get('/api/v1/regulator/fallback').set(auth(city.token));
    expect(indicator.status, indicator.text).to.equal(200);
    expect(indicator.body.items).to.deep.equal([{ wasteCode: FLY_ASH, requests: 1, accepted: 1, kg: 5_000 }]);
  });
});
