/**
 * Trips from funding to settlement (DESIGN §5.6–5.7 and the status table of §7): the trade follows
 * its manifests — in_transit at the first load, delivered when every trip is received or rejected and
 * shipments are complete, disputed on a weight gap — and settles on the accepted kg.
 */
import { expect } from 'chai';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { adminToken, auth } from '../helpers/actors.js';
import { alertsOf } from '../helpers/trading.js';
import {
  flyAshDeal,
  ledgerOf,
  openTrip,
  openTripRaw,
  slagDeal,
  step,
  stepRaw,
  trade,
  tripBody,
  walkTrip,
  type Deal,
} from '../helpers/manifests.js';
import { settlementSplit } from '../../server/src/modules/settlement/math.js';
import type { TTrade } from '../../shared/src/schemas/trades.js';

/** What settlement must pay out for `acceptedKg` of this trade (settlement's own pure split). */
function expectedSplit(t: TestApp, tr: TTrade, acceptedKg: number, escrowFen: number) {
  return settlementSplit(
    {
      pricePerTonneFen: tr.pricePerTonneFen,
      quantityKg: tr.quantityKg,
      ecoCompensationFen: tr.ecoCompensationFen,
      generatorIsPayer: tr.payerOrgId === tr.generatorOrgId,
    },
    { platformFeeBp: t.ctx.config.PLATFORM_FEE_BP, ecoFeeFenPerTonne: tr.ecoFenPerTonne },
    acceptedKg,
    escrowFen,
  );
}

async function settled(
  t: TestApp,
  d: Deal,
): Promise<{ trade: TTrade; settle: { details: Record<string, unknown> }; funded: number }> {
  await t.ctx.jobs.drain();
  const tr = await trade(t, d.generator, d.trade.id);
  expect(tr.status, 'settled after delivery').to.equal('settled');
  const ledger = await ledgerOf(t, d.generator, d.trade.id);
  const settle = ledger.transfers.find((x) => x.operationId === `trade:${d.trade.id}:settle`);
  expect(settle, JSON.stringify(ledger)).to.not.equal(undefined);
  const fund = ledger.transfers.find((x) => x.kind === 'fund');
  expect(ledger.escrowHeldFen, 'escrow fully released').to.equal(0);
  for (const x of ledger.transfers) expect(x.sumFen, x.operationId).to.equal(0);
  return {
    trade: tr,
    settle: settle!,
    funded: Number((fund?.details as { amountFen?: number })?.amountFen ?? settle!.details.escrowFen),
  };
}

describe('manifests: from funding to settled', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t?.close();
  });

  it('a hazardous fly-ash trade (the generator pays) moves in two trips, settles on the accepted kg and both manifests close', async () => {
    const d = await flyAshDeal(t, { quantityKg: 20_000 });
    expect(d.trade.status).to.equal('funded');
    const trip1 = await openTrip(t, d, 12_000);
    const trip2 = await openTrip(t, d, 8_000, { vehiclePlate: '浙DD12345', driverName: '李师傅' });
    expect(trip2.number > trip1.number).to.equal(true);

    await walkTrip(t, d, trip1, { until: 'issue' });
    expect((await trade(t, d.generator, d.trade.id)).status, 'issuing does not move the trade').to.equal('funded');
    await step(t, d.carrier, trip1.id, { type: 'load', weightKg: 12_040 });
    expect((await trade(t, d.generator, d.trade.id)).status, 'the first load puts the trade in transit').to.equal('in_transit');
    await step(t, d.carrier, trip1.id, { type: 'depart' });
    const arrived = await step(t, d.carrier, trip1.id, { type: 'arrive' });
    expect(arrived.receiptDueAt, 'arrival sets the receipt deadline').to.be.a('string');
    expect(new Date(arrived.receiptDueAt!).getTime()).to.be.greaterThan(new Date(arrived.arrivedAt!).getTime() + 5 * 86_400_000);
    const r1 = await step(t, d.recycler, trip1.id, { type: 'receive', weightKg: 12_000, decision: 'accept' });
    expect(r1).to.include({ status: 'received', receivedKg: 12_000, acceptedKg: 12_000, decision: 'accept', weightGapBp: 33 });
    expect(r1.disposalDueAt).to.be.a('string');
    expect((await trade(t, d.generator, d.trade.id)).status, 'one trip of two received: still in transit').to.equal('in_transit');

    await walkTrip(t, d, trip2, { loadedKg: 8_000, receivedKg: 7_990 });
    const after = await settled(t, d);
    // 12 000 kg + min(received 7 990, declared 8 000) kg.
    expect(after.trade.acceptedKg).to.equal(19_990);
    expect(after.trade.manifestIds).to.deep.equal([trip1.id, trip2.id]);
    const split = expectedSplit(t, after.trade, 19_990, after.settle.details.escrowFen as number);
    expect(split.refundFen, 'the 10 kg not accepted come back to the generator').to.be.greaterThan(0);
    expect(after.settle.details).to.include({
      acceptedKg: 19_990,
      amountFen: split.amountFen,
      payeeFen: split.payeeFen,
      refundFen: split.refundFen,
    });

    // Disposal reports close both trips after settlement; the trade stays settled.
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    for (const m of [trip1, trip2]) {
      const closed = await step(t, d.recycler, m.id, {
        type: 'report_disposal',
        methodCode: 'C1',
        method: '水泥窑协同焚烧',
        disposalDate: today,
      });
      expect(closed).to.include({
        status: 'closed',
        disposalMethod: 'C1 水泥窑协同处置（水泥窑协同焚烧）',
        disposalMethodCode: 'C1',
        disposalDate: today,
      });
      expect(closed.events.map((e) => e.type)).to.deep.equal([
        'open',
        'issue',
        'load',
        'depart',
        'arrive',
        'receive',
        'report_disposal',
      ]);
      expect(closed.nextActions).to.deep.equal([]);
    }
    expect((await trade(t, d.generator, d.trade.id)).status).to.equal('settled');
  });

  it('a general-waste slag trade (the recycler pays) moves in one trip and settles', async () => {
    const d = await slagDeal(t, { quantityKg: 30_000 });
    const m = await walkTrip(t, d, await openTrip(t, d, 30_000), {
      loadedKg: 30_100,
      receivedKg: 30_050,
      until: 'report_disposal',
    });
    expect(m.status).to.equal('closed');
    expect(m.kind).to.equal('general');
    const after = await settled(t, d);
    expect(after.trade.acceptedKg).to.equal(30_000);
    const split = expectedSplit(t, after.trade, 30_000, after.settle.details.escrowFen as number);
    expect(after.settle.details).to.include({ acceptedKg: 30_000, payeeFen: split.payeeFen, refundFen: 0 });
  });

  it('a partial acceptance settles on the accepted kg and returns the rest to the payer', async () => {
    const d = await flyAshDeal(t, { quantityKg: 10_000 });
    const m = await walkTrip(t, d, await openTrip(t, d, 10_000), {
      loadedKg: 10_000,
      receivedKg: 10_000,
      decision: 'partial',
      acceptedKg: 7_500,
      note: '部分吨袋破损，2.5 吨退回',
    });
    expect(m).to.include({
      status: 'received',
      decision: 'partial',
      acceptedKg: 7_500,
      decisionNote: '部分吨袋破损，2.5 吨退回',
    });
    const after = await settled(t, d);
    expect(after.trade.acceptedKg).to.equal(7_500);
    const escrow = after.settle.details.escrowFen as number;
    const split = expectedSplit(t, after.trade, 7_500, escrow);
    expect(after.settle.details).to.include({ acceptedKg: 7_500, amountFen: split.amountFen, refundFen: split.refundFen });
    expect(split.refundFen, 'a quarter of the fee comes back').to.be.greaterThan(0);
    expect(split.amountFen).to.equal(Math.round((189_300 * 7_500) / 1000));
  });

  it('a rejected trip refunds its share: the trade settles on the accepted trips only, and load_rejected is raised', async () => {
    const d = await flyAshDeal(t, { quantityKg: 20_000 });
    const good = await openTrip(t, d, 10_000);
    const bad = await openTrip(t, d, 10_000);
    await walkTrip(t, d, good);
    const rejected = await walkTrip(t, d, bad, { decision: 'reject', note: '含水率 45%，与申报的干飞灰不符' });
    expect(rejected).to.include({ status: 'rejected', decision: 'reject', acceptedKg: 0 });
    expect(rejected.disposalDueAt, 'nothing to dispose of').to.equal(null);
    const alerts = (await alertsOf(t, 'load_rejected')).filter((a) => a.subject_id === bad.id);
    expect(alerts).to.have.length(1);
    expect(alerts[0]!.district).to.equal(d.trade.destinationDistrict);
    const after = await settled(t, d);
    expect(after.trade.acceptedKg).to.equal(10_000);
    const escrow = after.settle.details.escrowFen as number;
    const split = expectedSplit(t, after.trade, 10_000, escrow);
    expect(after.settle.details).to.include({ acceptedKg: 10_000, refundFen: split.refundFen });
    const full = expectedSplit(t, after.trade, 20_000, escrow);
    expect(split.refundFen - full.refundFen, 'the rejected half of the fee and eco fee is returned').to.equal(
      full.amountFen - split.amountFen + (full.ecoFen - split.ecoFen),
    );
  });

  it('a 5 % weight gap raises weight_gap and puts the trade in disputed; the admin resolves the trip and it settles', async () => {
    const d = await flyAshDeal(t, { quantityKg: 10_000 });
    const m = await walkTrip(t, d, await openTrip(t, d, 10_000), { loadedKg: 10_000, receivedKg: 9_500 });
    expect(m.weightGapBp).to.equal(500);
    const alerts = (await alertsOf(t, 'weight_gap')).filter((a) => a.subject_id === m.id);
    expect(alerts).to.have.length(1);
    expect(alerts[0]!.details).to.include({ loadedKg: 10_000, receivedKg: 9_500, gapBp: 500, toleranceBp: 200 });
    await t.ctx.jobs.drain();
    const disputed = await trade(t, d.generator, d.trade.id);
    expect(disputed.status).to.equal('disputed');
    expect(disputed.acceptedKg).to.equal(9_500);
    expect(
      (await ledgerOf(t, d.generator, d.trade.id)).transfers.some((x) => x.kind === 'settle'),
      'no settlement while disputed',
    ).to.equal(false);

    const admin = await adminToken(t.request);
    const res = await t.request
      .post(`/api/v1/manifests/${m.id}/resolve`)
      .set(auth(admin))
      .send({ acceptedKg: 9_500, note: '以接收方地磅为准' });
    expect(res.status, res.text).to.be.oneOf([200, 201]);
    const after = await settled(t, d);
    expect(after.trade.acceptedKg).to.equal(9_500);
  });

  it('a gap within the tolerance (1.5 %) is no dispute', async () => {
    const d = await slagDeal(t, { quantityKg: 10_000 });
    const m = await walkTrip(t, d, await openTrip(t, d, 10_000), { loadedKg: 10_000, receivedKg: 9_850 });
    expect(m.weightGapBp).to.equal(150);
    expect((await alertsOf(t, 'weight_gap')).filter((a) => a.subject_id === m.id)).to.have.length(0);
    const after = await settled(t, d);
    expect(after.trade.acceptedKg, 'accepted: min(received, declared)').to.equal(9_850);
  });

  it('when fewer tonnes move, the shipper closes shipments and the trade settles on what came; no trips after that', async () => {
    const d = await flyAshDeal(t, { quantityKg: 20_000 });
    const m = await walkTrip(t, d, await openTrip(t, d, 12_000));
    expect(m.status).to.equal('received');
    await t.ctx.jobs.drain();
    expect((await trade(t, d.generator, d.trade.id)).status, '12 of 20 t declared: waits for more trips').to.equal('in_transit');

    const wrong = await t.request.post(`/api/v1/trades/${d.trade.id}/close-shipments`).set(auth(d.recycler.token)).send({});
    expect(wrong.status).to.equal(403);
    expect(wrong.body.error.code).to.equal('NOT_A_PARTY');
    const res = await t.request
      .post(`/api/v1/trades/${d.trade.id}/close-shipments`)
      .set(auth(d.generator.token))
      .send({ note: '剩余飞灰改由厂内暂存' });
    expect(res.status, res.text).to.equal(200);
    expect(res.body).to.include({ tradeId: d.trade.id, declaredKg: 12_000, tradeStatus: 'delivered' });
    const again = await t.request.post(`/api/v1/trades/${d.trade.id}/close-shipments`).set(auth(d.generator.token)).send({});
    expect(again.status).to.equal(409);
    const more = await openTripRaw(t, d.generator, d.trade.id, tripBody(d, 1_000));
    expect(more.status).to.equal(409);
    expect(more.body.error.code).to.equal('INVALID_STATE');
    const after = await settled(t, d);
    expect(after.trade.acceptedKg).to.equal(12_000);
  });

  it('closing shipments while a trip is still on the road waits for that trip', async () => {
    const d = await slagDeal(t, { quantityKg: 20_000 });
    const m = await walkTrip(t, d, await openTrip(t, d, 5_000), { until: 'depart' });
    const res = await t.request.post(`/api/v1/trades/${d.trade.id}/close-shipments`).set(auth(d.generator.token)).send({});
    expect(res.status, res.text).to.equal(200);
    expect(res.body.tradeStatus).to.equal('in_transit');
    await step(t, d.carrier, m.id, { type: 'arrive' });
    await step(t, d.recycler, m.id, { type: 'receive', weightKg: 5_000, decision: 'accept' });
    const after = await settled(t, d);
    expect(after.trade.acceptedKg).to.equal(5_000);
    // A receipt on a settled trade's trip is impossible now: the trip is received; its next step is the report.
    expect((await stepRaw(t, d.recycler, m.id, { type: 'receive', weightKg: 5_000, decision: 'accept' })).status).to.equal(409);
  });
});
