/**
 * Manifest deadlines (DESIGN §5.6, §6.1; DOMAIN: receipt confirmed within 5 working days): receiptDueAt
 * from the configured holidays and make-up working days, disposalDueAt 30 days after receipt, and the
 * sweep that raises receipt_overdue / disposal_overdue / transit_stuck once each and records the
 * credit inputs. The app runs on a clock the test moves.
 */
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, ManualClock, type TestApp } from '../helpers/app.js';
import { adminToken, auth } from '../helpers/actors.js';
import { alertsOf } from '../helpers/trading.js';
import { rows } from '../../server/src/db/tx.js';
import { creditEventsOf, flyAshDeal, openTrip, slagDeal, step, walkTrip, type Deal } from '../helpers/manifests.js';
import type { TManifest, TManifestSummary } from '../../shared/src/schemas/manifests.js';

const HOUR = 3_600_000;

describe('manifests: deadlines and the overdue sweep', () => {
  let t: TestApp;
  const clock = new ManualClock(new Date());
  before(async () => {
    t = await createTestApp({
      clock,
      // The 2030 National Day break as a site would configure it: 1–7 October off, Saturday 12 October worked.
      env: {
        HOLIDAYS: '2030-10-01,2030-10-02,2030-10-03,2030-10-04,2030-10-07',
        MAKEUP_WORKDAYS: '2030-10-12',
        TRANSIT_STUCK_HOURS: '48',
      },
    });
  });
  after(async () => {
    await t?.close();
  });
  beforeEach(() => clock.set(new Date()));

  const detail = async (d: Deal, id: string): Promise<TManifest> =>
    (await t.request.get(`/api/v1/manifests/${id}`).set(auth(d.generator.token)).expect(200)).body as TManifest;

  it('receipt is due at the end of the 5th working day after arrival, across the holiday, its weekend and the make-up Saturday', async () => {
    const d = await flyAshDeal(t, { quantityKg: 10_000 });
    const m = await walkTrip(t, d, await openTrip(t, d, 10_000), { until: 'depart' });
    // Arrival Monday 30 September 2030, 15:00 in Shaoxing. Working days after it: 8, 9, 10, 11 and Saturday 12 October.
    clock.set(new Date('2030-09-30T07:00:00Z'));
    const arrived = await step(t, d.carrier, m.id, { type: 'arrive' });
    expect(arrived.receiptDueAt).to.equal('2030-10-12T16:00:00.000Z');
    expect(arrived.events.at(-1)!.data.receiptDueAt, 'stored in the chained event').to.equal('2030-10-12T16:00:00.000Z');

    // An hour before the deadline nothing is overdue.
    clock.set(new Date('2030-10-12T15:00:00Z'));
    expect(await t.ctx.manifests.sweepDeadlines()).to.deep.equal({ transit: 0, receipt: 0, disposal: 0 });
    expect((await detail(d, m.id)).overdue).to.equal(null);

    // Past it: one alert in the receiving district, one credit input for the receiver, once however often the sweep runs.
    clock.set(new Date('2030-10-12T16:00:01Z'));
    expect(await t.ctx.manifests.sweepDeadlines()).to.deep.equal({ transit: 0, receipt: 1, disposal: 0 });
    expect(await t.ctx.manifests.sweepDeadlines()).to.deep.equal({ transit: 0, receipt: 0, disposal: 0 });
    const alerts = (await alertsOf(t, 'receipt_overdue')).filter((a) => a.subject_id === m.id);
    expect(alerts).to.have.length(1);
    expect(alerts[0]!.district).to.equal('330604');
    expect((await creditEventsOf(t, d.recycler.orgId)).filter((e) => e.subject_id === m.id).map((e) => e.kind)).to.deep.equal([
      'receipt_overdue',
    ]);
    expect((await detail(d, m.id)).overdue).to.equal('receipt');
    const admin = await adminToken(t.request);
    const overdue = (await t.request.get('/api/v1/manifests').query({ overdue: 'true', limit: 100 }).set(auth(admin)).expect(200))
      .body.items as TManifestSummary[];
    expect(overdue.map((x) => x.id)).to.include(m.id);

    // The late receipt itself is recorded, and the credit input stays one.
    clock.set(new Date('2030-10-13T02:00:00Z'));
    const received = await step(t, d.recycler, m.id, { type: 'receive', weightKg: 10_000, decision: 'accept' });
    expect(received.events.at(-1)!.data.late).to.equal(true);
    expect(received.overdue).to.equal(null);
    expect((await creditEventsOf(t, d.recycler.orgId)).filter((e) => e.subject_id === m.id)).to.have.length(1);
    // Disposal is due 30 calendar days after the receipt day (13 October, Shanghai): the end of 12 November.
    expect(received.disposalDueAt).to.equal('2030-11-12T16:00:00.000Z');

    clock.set(new Date('2030-11-12T15:59:59Z'));
    expect((await t.ctx.manifests.sweepDeadlines()).disposal).to.equal(0);
    clock.set(new Date('2030-11-12T16:00:01Z'));
    expect((await t.ctx.manifests.sweepDeadlines()).disposal).to.equal(1);
    expect((await alertsOf(t, 'disposal_overdue')).filter((a) => a.subject_id === m.id)).to.have.length(1);
    expect((await detail(d, m.id)).overdue).to.equal('disposal');
    const closed = await step(t, d.recycler, m.id, { type: 'report_disposal', methodCode: 'D10', disposalDate: '2030-11-12' });
    expect(closed.status).to.equal('closed');
    expect(closed.overdue).to.equal(null);
    expect(await t.ctx.manifests.sweepDeadlines()).to.deep.equal({ transit: 0, receipt: 0, disposal: 0 });
    expect(
      (await creditEventsOf(t, d.recycler.orgId))
        .filter((e) => e.subject_id === m.id)
        .map((e) => e.kind)
        .sort(),
    ).to.deep.equal(['disposal_overdue', 'receipt_overdue']);
  });

  it('a receipt on time records no credit input and no alert', async () => {
    const d = await slagDeal(t, { quantityKg: 5_000 });
    const m = await walkTrip(t, d, await openTrip(t, d, 5_000), { until: 'arrive' });
    clock.set(new Date(new Date(m.receiptDueAt!).getTime() - HOUR));
    await step(t, d.recycler, m.id, { type: 'receive', weightKg: 5_000, decision: 'accept' });
    await t.ctx.manifests.sweepDeadlines();
    expect((await alertsOf(t, 'receipt_overdue')).filter((a) => a.subject_id === m.id)).to.have.length(0);
    expect((await creditEventsOf(t, d.recycler.orgId)).filter((e) => e.subject_id === m.id)).to.deep.equal([]);
  });

  it('a trip loaded and not arrived after TRANSIT_STUCK_HOURS raises transit_stuck once, in the district of origin', async () => {
    const d = await slagDeal(t, { quantityKg: 5_000 });
    const m = await walkTrip(t, d, await openTrip(t, d, 5_000), { until: 'depart' });
    const loadedAt = new Date(m.loadedAt!).getTime();
    clock.set(new Date(loadedAt + 47 * HOUR));
    expect((await t.ctx.manifests.sweepDeadlines()).transit).to.equal(0);
    clock.set(new Date(loadedAt + 49 * HOUR));
    expect((await t.ctx.manifests.sweepDeadlines()).transit).to.equal(1);
    expect((await t.ctx.manifests.sweepDeadlines()).transit).to.equal(0);
    const alerts = (await alertsOf(t, 'transit_stuck')).filter((a) => a.subject_id === m.id);
    expect(alerts).to.have.length(1);
    expect(alerts[0]!.district).to.equal('330603');
    expect(alerts[0]!.details).to.include({ vehiclePlate: '浙D12345' });
    expect((await detail(d, m.id)).overdue).to.equal('transit');
    await step(t, d.carrier, m.id, { type: 'arrive' });
    expect((await detail(d, m.id)).overdue).to.equal(null);
  });

  it('loading after the listing’s pickup window records a late_pickup credit input for the shipper', async () => {
    const d = await flyAshDeal(t, { quantityKg: 2_000 });
    const m = await walkTrip(t, d, await openTrip(t, d, 2_000), { until: 'issue' });
    clock.set(new Date(Date.now() + 11 * 86_400_000)); // the helper's pickup window ends after 10 days
    await step(t, d.carrier, m.id, { type: 'load', weightKg: 2_000 });
    expect((await creditEventsOf(t, d.generator.orgId)).filter((e) => e.subject_id === m.id).map((e) => e.kind)).to.deep.equal([
      'late_pickup',
    ]);
  });

  it('the sweep is a periodic job: exactly one pass is scheduled, and a pass schedules the next', async () => {
    const pending = async () =>
      rows<{ id: number }>(t.ctx.db, sql`select id from outbox where topic = 'manifests.sweep' and done_at is null`);
    const before = await pending();
    expect(before).to.have.length(1);
    await t.ctx.manifests.ensureSweepScheduled();
    expect(await pending()).to.have.length(1);
    await t.ctx.manifests.runSweepJob(Number(before[0]!.id));
    const after = await pending();
    expect(after).to.have.length(1);
    expect(after[0]!.id).to.not.equal(before[0]!.id);
  });
});
