/**
 * Licence capacity (issue 7 §5): each licensed disposer in scope with its permitted capacity (the
 * largest approved disposal licence valid in the Shanghai calendar year, what eligibility checks),
 * its use (hazardous kg contracted as receiver in trades made that year, not cancelled) and the codes
 * its licences cover — the same figures that decide CAPACITY_EXCEEDED and capacity_high.
 */
import { expect } from 'chai';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { adminToken, approvedLicence, auth, createRegulator, submitLicence, type OrgActor } from '../helpers/actors.js';
import { bid, createGenerator, createListing, createRecycler, flyAshListing, placeBid } from '../helpers/trading.js';
import { shanghaiYear } from '../../shared/src/calendar.js';
import type { TCapacity, TDisposerCapacity } from '../../shared/src/schemas/regulator.js';

describe('regulator capacity', () => {
  let t: TestApp;
  let admin: string;
  let city: OrgActor;
  let shangyu: OrgActor;
  let zhuji: OrgActor;
  const year = shanghaiYear(new Date());

  async function capacity(who: OrgActor, y?: number): Promise<TCapacity> {
    const res = await t.request
      .get('/api/v1/regulator/capacity')
      .query(y ? { year: y } : {})
      .set(auth(who.token));
    expect(res.status, res.text).to.equal(200);
    return res.body as TCapacity;
  }
  const of = (c: TCapacity, orgId: string): TDisposerCapacity | undefined => c.disposers.find((d) => d.orgId === orgId);

  before(async () => {
    t = await createTestApp();
    admin = await adminToken(t.request);
    city = await createRegulator(t.request, 'city', admin);
    shangyu = await createRegulator(t.request, ['330604'], admin);
    zhuji = await createRegulator(t.request, ['330681'], admin);
  });
  after(async () => {
    await t?.close();
  });

  it('permitted is the largest approved licence valid in the year; used is the hazardous kg contracted, cancelled trades excluded', async () => {
    const g = await createGenerator(t.request);
    const r = await createRecycler(t.request, { licence: { annualCapacityKg: 20_000, wasteCodes: ['HW18'] } });
    await approvedLicence(t.request, r, { annualCapacityKg: 50_000, wasteCodes: ['772-002-18', 'HW17'] }, admin);
    // A pending licence and one that ended last year do not count.
    await submitLicence(t.request, r, { annualCapacityKg: 900_000 });
    await approvedLicence(
      t.request,
      r,
      { annualCapacityKg: 800_000, validFrom: '2020-01-01', validTo: `${year - 1}-12-31` },
      admin,
    );

    const listing = await createListing(t.request, g, flyAshListing({ quantityKg: 20_000, minLotKg: 1_000 }));
    const b1 = await placeBid(t.request, r, listing.id, { pricePerTonneFen: -189_300, quantityKg: 6_000 });
    await placeBid(t.request, r, listing.id, { pricePerTonneFen: -189_300, quantityKg: 4_000 });
    // Cancelled before funding: its kg come back.
    const cancel = await t.request.post(`/api/v1/trades/${b1.tradeIds[0]}/cancel`).set(auth(r.token)).send({});
    expect(cancel.status, cancel.text).to.be.oneOf([200, 201]);

    const d = of(await capacity(city), r.orgId)!;
    expect(d).to.include({ permittedKg: 50_000, usedKg: 4_000, receivedKg: 0, high: false, district: '330604' });
    expect(d.share).to.equal(4_000 / 50_000);
    expect(d.wasteCodes).to.deep.equal(['772-002-18', 'HW17', 'HW18']);
    expect(d.licences.map((l) => l.annualCapacityKg).sort((a, b) => a - b)).to.deep.equal([20_000, 50_000]); // the old licence is not valid this year
    // Last year the old licence was the largest.
    expect(of(await capacity(city, year - 1), r.orgId)).to.include({ permittedKg: 800_000, usedKg: 0 });
  });

  it('agrees with eligibility: what is left is exactly what CAPACITY_EXCEEDED allows, and above 90 % the disposer is high', async () => {
    const g = await createGenerator(t.request);
    const r = await createRecycler(t.request, { licence: { annualCapacityKg: 10_000 } });
    const listing = await createListing(t.request, g, flyAshListing({ quantityKg: 20_000, minLotKg: 100 }));
    await placeBid(t.request, r, listing.id, { pricePerTonneFen: -189_300, quantityKg: 9_200 });
    const d = of(await capacity(city), r.orgId)!;
    expect(d).to.include({ usedKg: 9_200, permittedKg: 10_000, high: true });
    const over = await bid(t.request, r, listing.id, { pricePerTonneFen: -189_300, quantityKg: 10_000 - d.usedKg + 1 });
    expect(over.status).to.equal(422);
    expect(over.body.error.code).to.equal('CAPACITY_EXCEEDED');
    expect(over.body.error.details).to.include({ usedKg: d.usedKg, annualCapacityKg: d.permittedKg });
    await placeBid(t.request, r, listing.id, { pricePerTonneFen: -189_300, quantityKg: 10_000 - d.usedKg });
    expect(of(await capacity(city), r.orgId)).to.include({ usedKg: 10_000, share: 1 });
  });

  it('is filtered to disposers at home in the scope’s districts', async () => {
    const zj = await createRecycler(t.request, { district: '330681' });
    const sy = await createRecycler(t.request, { district: '330604' });
    const syView = await capacity(shangyu);
    expect(syView.scope).to.deep.equal(['330604']);
    expect(syView.disposers.every((d) => d.district === '330604')).to.equal(true);
    expect(of(syView, sy.orgId)).to.not.equal(undefined);
    expect(of(syView, zj.orgId)).to.equal(undefined);
    expect((await capacity(zhuji)).disposers.map((d) => d.orgId)).to.deep.equal([zj.orgId]);
    expect((await capacity(city)).thresholdShare).to.equal(0.9);
  });

  it('a year outside 2000–2099 is a 400', async () => {
    const res = await t.request.get('/api/v1/regulator/capacity').query({ year: 'twenty' }).set(auth(city.token));
    expect(res.status).to.equal(400);
  });
});
