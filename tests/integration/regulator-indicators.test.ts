/**
 * Programme indicators (issue 7 §4; docs/indicators.md) on a small fixture whose every figure is
 * computed by hand below, for the city and for district scopes, with the pilot plan's targets beside
 * them; and the rollup-backed figures equal to the same figures computed from the base tables.
 */
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { adminToken, approvedLicence, auth, createRegulator, registerOrg, type OrgActor } from '../helpers/actors.js';
import { insertListing, insertManifest, insertTrade, type TradeFixture } from '../helpers/regulator.js';
import { monthCells, monthlyMedians } from '../../server/src/modules/regulator/repo.js';
import { naiveMedians, naiveMonthCells } from '../helpers/regulator-naive.js';
import { medianOf } from '../../server/src/modules/regulator/indicators.js';
import type { TIndicator, TIndicators } from '../../shared/src/schemas/regulator.js';

const Y = 2031;
const at = (s: string) => new Date(s);

describe('regulator indicators', () => {
  let t: TestApp;
  let city: OrgActor;
  let keqiao: OrgActor;
  let zhuji: OrgActor;
  let r1: OrgActor;
  let r2: OrgActor;

  async function indicators(who: OrgActor, year = Y): Promise<TIndicators> {
    const res = await t.request.get('/api/v1/regulator/indicators').query({ year }).set(auth(who.token));
    expect(res.status, res.text).to.equal(200);
    return res.body as TIndicators;
  }
  const find = (x: TIndicators, id: TIndicator['id']) => x.indicators.find((i) => i.id === id)!;
  const series = (i: TIndicator, key: string) => i.series.find((s) => s.key === key)!;
  const month = (i: TIndicator | { monthly?: { month: string; value: number | null }[] }, m: string) =>
    i.monthly!.find((x) => x.month === m)!.value;

  before(async () => {
    t = await createTestApp();
    const admin = await adminToken(t.request);
    city = await createRegulator(t.request, 'city', admin);
    keqiao = await createRegulator(t.request, ['330603'], admin);
    zhuji = await createRegulator(t.request, ['330681'], admin);
    const g1 = await registerOrg(t.request, { roles: ['generator'], district: '330603' });
    const g2 = await registerOrg(t.request, { roles: ['generator'], district: '330681' });
    r1 = await registerOrg(t.request, { roles: ['recycler'], district: '330604', name: '上虞处置公司' });
    r2 = await registerOrg(t.request, { roles: ['recycler'], district: '330603', name: '柯桥利用公司' });
    await approvedLicence(t.request, r1, { annualCapacityKg: 100_000 }, admin);
    await approvedLicence(t.request, r2, { annualCapacityKg: 50_000 }, admin);

    const db = t.ctx.db;
    const hw = { materialCode: '772-002-18', category: 'HW18', hazardous: true } as const;
    const steel = { materialCode: 'SW17-01', category: 'SW17', hazardous: false } as const;
    const straw = { materialCode: 'AG-01', category: 'agricultural', hazardous: false } as const;
    const trade = (o: Omit<TradeFixture, 'pricePerTonneFen'> & { pricePerTonneFen: number }) => insertTrade(db, o);
    const G1 = { generatorOrgId: g1.orgId, originDistrict: '330603' };
    const G2 = { generatorOrgId: g2.orgId, originDistrict: '330681' };
    const R1 = { receiverOrgId: r1.orgId, destinationDistrict: '330604' };
    const R2 = { receiverOrgId: r2.orgId, destinationDistrict: '330603' };

    // T1: fly ash Keqiao → Shangyu, 20 t at −1 900 yuan/t, listed two days before.
    const l1 = await insertListing(db, {
      orgId: g1.orgId,
      createdAt: at('2031-01-08T02:00:00Z'),
      materialCode: hw.materialCode,
      hazardous: true,
    });
    const t1 = await trade({
      ...G1,
      ...R1,
      ...hw,
      quantityKg: 20_000,
      pricePerTonneFen: -190_000,
      createdAt: at('2031-01-10T02:00:00Z'),
      listingId: l1,
    });
    // T2: steel within Keqiao, 10 t, listed 12 hours before.
    const l2 = await insertListing(db, { orgId: g1.orgId, createdAt: at('2031-01-19T14:00:00Z') });
    const t2 = await trade({
      ...G1,
      ...R2,
      ...steel,
      quantityKg: 10_000,
      pricePerTonneFen: 258_000,
      createdAt: at('2031-01-20T02:00:00Z'),
      listingId: l2,
    });
    // T3: straw Zhuji → Shangyu, 30 t, no listing (a market order).
    const t3 = await trade({
      ...G2,
      ...R1,
      ...straw,
      quantityKg: 30_000,
      pricePerTonneFen: 10_000,
      createdAt: at('2031-02-05T02:00:00Z'),
    });
    // T4: steel Zhuji → Keqiao, 5 t, listed one day before.
    const l4 = await insertListing(db, { orgId: g2.orgId, createdAt: at('2031-02-09T02:00:00Z'), district: '330681' });
    const t4 = await trade({
      ...G2,
      ...R2,
      ...steel,
      quantityKg: 5_000,
      pricePerTonneFen: 262_000,
      createdAt: at('2031-02-10T02:00:00Z'),
      listingId: l4,
    });
    // T5: cancelled — counts nowhere.
    await trade({
      ...G1,
      ...R1,
      ...hw,
      quantityKg: 40_000,
      pricePerTonneFen: -100_000,
      createdAt: at('2031-02-11T02:00:00Z'),
      status: 'cancelled',
    });
    // T6: 1 January 01:00 in Shaoxing (still 31 December in UTC): 2031, January.
    const t6 = await trade({
      ...G1,
      ...R1,
      ...hw,
      quantityKg: 10_000,
      pricePerTonneFen: -200_000,
      createdAt: at('2030-12-31T17:00:00Z'),
    });
    // T7: 1 January 2032 00:30 in Shaoxing: not 2031.
    await trade({ ...G1, ...R2, ...steel, quantityKg: 999, pricePerTonneFen: 1, createdAt: at('2031-12-31T16:30:00Z') });
    // T8: steel within Keqiao, 2 t at 2 500 yuan/t, January.
    await trade({ ...G1, ...R2, ...steel, quantityKg: 2_000, pricePerTonneFen: 250_000, createdAt: at('2031-01-25T02:00:00Z') });

    // Trips. M1 closed on time, disposal (D10); M2 rejected after its receipt deadline (late);
    // M3 straw closed on time, utilisation (R code); M4 received, disposal report overdue (late);
    // M5 steel closed on time, utilisation (words); M6 arrived, within its deadline (not counted).
    await insertManifest(db, {
      tradeId: t1,
      status: 'closed',
      declaredKg: 12_000,
      loadedKg: 12_000,
      receivedKg: 11_900,
      acceptedKg: 11_800,
      disposalMethod: 'D10 焚烧',
      receiptDueAt: at('2031-01-20T16:00:00Z'),
      receivedAt: at('2031-01-15T02:00:00Z'),
      disposalDueAt: at('2031-02-14T16:00:00Z'),
      closedAt: at('2031-02-01T02:00:00Z'),
    });
    await insertManifest(db, {
      tradeId: t1,
      status: 'rejected',
      declaredKg: 8_000,
      loadedKg: 8_000,
      receivedKg: 8_000,
      acceptedKg: 0,
      receiptDueAt: at('2031-01-22T16:00:00Z'),
      receivedAt: at('2031-01-25T02:00:00Z'),
    });
    await insertManifest(db, {
      tradeId: t3,
      status: 'closed',
      declaredKg: 30_000,
      loadedKg: 30_000,
      receivedKg: 29_000,
      acceptedKg: 29_000,
      disposalMethod: 'R10 秸秆还田利用',
      receiptDueAt: at('2031-02-12T16:00:00Z'),
      receivedAt: at('2031-02-06T02:00:00Z'),
      disposalDueAt: at('2031-03-08T16:00:00Z'),
      closedAt: at('2031-02-20T02:00:00Z'),
    });
    await insertManifest(db, {
      tradeId: t6,
      status: 'received',
      declaredKg: 10_000,
      loadedKg: 10_000,
      receivedKg: 10_000,
      acceptedKg: 10_000,
      receiptDueAt: at('2031-01-08T16:00:00Z'),
      receivedAt: at('2031-01-03T02:00:00Z'),
      disposalDueAt: at('2031-02-02T16:00:00Z'),
      disposalAlertedAt: at('2031-02-03T00:00:00Z'),
    });
    await insertManifest(db, {
      tradeId: t2,
      status: 'closed',
      declaredKg: 10_000,
      loadedKg: 10_000,
      receivedKg: 10_000,
      acceptedKg: 10_000,
      disposalMethod: '废钢综合利用',
      receiptDueAt: at('2031-01-27T16:00:00Z'),
      receivedAt: at('2031-01-21T02:00:00Z'),
      disposalDueAt: at('2031-02-20T16:00:00Z'),
      closedAt: at('2031-01-30T02:00:00Z'),
    });
    await insertManifest(db, {
      tradeId: t4,
      status: 'arrived',
      declaredKg: 5_000,
      loadedKg: 5_000,
      receiptDueAt: at('2099-01-01T00:00:00Z'),
    });
  });
  after(async () => {
    await t?.close();
  });

  it('each indicator carries its definition (zh and en) and unit, and the figures are marked as platform trades only', async () => {
    const x = await indicators(city);
    expect(x).to.include({ year: Y, platformTradesOnly: true, scope: 'city' });
    expect(x.noteZh).to.match(/平台/);
    expect(x.indicators.map((i) => i.id)).to.deep.equal([
      'tonnes_traded',
      'utilisation_share',
      'hazardous_safely_received_share',
      'manifest_on_time_rate',
      'mean_days_listing_to_trade',
      'cross_district_share',
      'capacity_utilisation',
      'median_price_by_month',
    ]);
    for (const i of x.indicators) {
      expect(i.definitionZh.length, i.id).to.be.greaterThan(10);
      expect(i.definitionEn.length, i.id).to.be.greaterThan(10);
      expect(i.unit).to.be.oneOf(['kg', 'ratio', 'days', 'fen_per_tonne']);
    }
  });

  it('match the hand-computed values for the city', async () => {
    const x = await indicators(city);
    // Contracted: T1 20 000 + T2 10 000 + T3 30 000 + T4 5 000 + T6 10 000 + T8 2 000 (T5 cancelled, T7 in 2032).
    const tonnes = find(x, 'tonnes_traded');
    expect(tonnes.value).to.equal(77_000);
    expect(series(tonnes, 'hazardous').value).to.equal(30_000);
    expect(series(tonnes, 'general_industrial').value).to.equal(17_000);
    expect(series(tonnes, 'agricultural').value).to.equal(30_000);
    expect(series(tonnes, 'household_recyclable').value).to.equal(0);
    expect(month(tonnes, '2031-01')).to.equal(42_000);
    expect(month(tonnes, '2031-02')).to.equal(35_000);
    expect(month(tonnes, '2031-03')).to.equal(0);

    // Utilisation: closed trips M1 11 800 (D10), M3 29 000 (R10), M5 10 000 (利用) → 39 000 / 50 800.
    const util = find(x, 'utilisation_share');
    expect(util).to.include({ numerator: 39_000, denominator: 50_800 });
    expect(util.value).to.be.closeTo(39_000 / 50_800, 1e-12);
    expect(series(util, 'hazardous').value).to.equal(0);
    expect(series(util, 'agricultural').value).to.equal(1);
    expect(series(util, 'household_recyclable').value).to.equal(null);

    // Hazardous safely received: accepted 11 800 + 0 + 10 000 of loaded 12 000 + 8 000 + 10 000.
    const safe = find(x, 'hazardous_safely_received_share');
    expect(safe).to.include({ numerator: 21_800, denominator: 30_000 });
    expect(safe.value).to.be.closeTo(21_800 / 30_000, 1e-12);

    // On time: M1, M3, M5; late: M2 (receipt after due), M4 (disposal overdue); M6 in progress.
    const onTime = find(x, 'manifest_on_time_rate');
    expect(onTime).to.include({ numerator: 3, denominator: 5, value: 0.6 });
    expect(month(onTime, '2031-01')).to.be.closeTo(2 / 4, 1e-12); // M1, M5 on time; M2, M4 late (all January trades)
    expect(month(onTime, '2031-02')).to.equal(1); // M3

    // Listing to trade: T1 2 days, T2 0.5 days, T4 1 day.
    const days = find(x, 'mean_days_listing_to_trade');
    expect(days.value).to.be.closeTo(3.5 / 3, 1e-12);

    // Cross-district: T1 20 000 + T3 30 000 + T4 5 000 + T6 10 000 = 65 000 of 77 000.
    const cross = find(x, 'cross_district_share');
    expect(cross).to.include({ numerator: 65_000, denominator: 77_000 });

    // Capacity: R1 30 000 of 100 000 (T5 cancelled), R2 0 of 50 000.
    const cap = find(x, 'capacity_utilisation');
    expect(cap).to.include({ numerator: 30_000, denominator: 150_000, value: 0.2 });
    expect(series(cap, r1.orgId)).to.include({ value: 0.3, label: '上虞处置公司' });
    expect(series(cap, r2.orgId).value).to.equal(0);

    // Medians: fly ash January (−190 000, −200 000) → −195 000; steel January (258 000, 250 000) → 254 000;
    // steel February 262 000; straw February 10 000.
    const med = find(x, 'median_price_by_month');
    expect(month(series(med, '772-002-18'), '2031-01')).to.equal(-195_000);
    expect(month(series(med, '772-002-18'), '2031-02')).to.equal(null);
    expect(month(series(med, 'SW17-01'), '2031-01')).to.equal(254_000);
    expect(month(series(med, 'SW17-01'), '2031-02')).to.equal(262_000);
    expect(month(series(med, 'AG-01'), '2031-02')).to.equal(10_000);
  });

  it('are filtered to the scope: Keqiao sees trades touching Keqiao, Zhuji those touching Zhuji', async () => {
    // Keqiao: T1, T2, T4, T6, T8 (not T3, Zhuji → Shangyu).
    const kq = await indicators(keqiao);
    expect(kq.scope).to.deep.equal(['330603']);
    expect(find(kq, 'tonnes_traded').value).to.equal(47_000);
    expect(find(kq, 'utilisation_share')).to.include({ numerator: 10_000, denominator: 21_800 });
    // Capacity: only disposers at home in Keqiao (R2).
    expect(find(kq, 'capacity_utilisation').series.map((s) => s.key)).to.deep.equal([r2.orgId]);
    expect(
      find(kq, 'median_price_by_month')
        .series.map((s) => s.key)
        .sort(),
    ).to.deep.equal(['772-002-18', 'SW17-01']);
    // Zhuji: T3 and T4.
    const zj = await indicators(zhuji);
    expect(find(zj, 'tonnes_traded').value).to.equal(35_000);
    expect(find(zj, 'cross_district_share').value).to.equal(1);
    expect(find(zj, 'capacity_utilisation').series).to.deep.equal([]);
  });

  it('show the pilot plan’s targets beside what trades measure, and say which cannot be measured', async () => {
    const x = await indicators(city);
    const target = (id: string) => x.planTargets.find((p) => p.id === id)!;
    expect(x.planSource).to.match(/绍兴/);
    expect(target('straw_utilisation')).to.include({ target: '>= 96%', nameZh: '秸秆综合利用率' });
    expect(target('straw_utilisation').measured).to.include({ value: 1, unit: 'ratio' });
    expect(target('hazardous_waste_safe_disposal').measured!.value).to.be.closeTo(21_800 / 30_000, 1e-12);
    expect(target('paper_residue_zero_landfill').measured).to.include({ value: 0, unit: 'kg' });
    expect(target('household_recycling_rate').measured!.value).to.equal(null);
    expect(target('medical_waste_coverage').measured).to.equal(null);
    expect(target('medical_waste_coverage').noteZh).to.match(/医疗废物/);
    expect(target('prefab_building_share').measured).to.equal(null);
  });

  it('an empty year has zeros and nulls, not errors', async () => {
    const x = await indicators(city, 2040);
    expect(find(x, 'tonnes_traded').value).to.equal(0);
    expect(find(x, 'utilisation_share').value).to.equal(null);
    expect(find(x, 'median_price_by_month').series).to.deep.equal([]);
    const bad = await t.request.get('/api/v1/regulator/indicators').query({ year: '1999' }).set(auth(city.token));
    expect(bad.status).to.equal(400);
  });

  it('the rollup figures equal the base-table figures for every scope', async () => {
    for (const districts of [null, ['330603'], ['330681'], ['330604', '330602'], ['3306BH']]) {
      const norm = (cs: Awaited<ReturnType<typeof monthCells>>) =>
        cs
          .filter((c) => Object.entries(c).some(([k, v]) => typeof v === 'number' && v !== 0 && k !== 'month'))
          .map((c) => JSON.stringify(c, Object.keys(c).sort()))
          .sort();
      expect(norm(await monthCells(t.ctx.db, Y, districts)), JSON.stringify(districts)).to.deep.equal(
        norm(await naiveMonthCells(t.ctx.db, Y, districts)),
      );
      const got = (await monthlyMedians(t.ctx.db, Y, districts)).map(
        (m) => `${m.materialCode}:${m.month}:${m.trades}:${medianOf(m.middle)}`,
      );
      const want = (await naiveMedians(t.ctx.db, Y, districts)).map(
        (m) => `${m.materialCode}:${m.month}:${m.trades}:${m.median}`,
      );
      expect(got, JSON.stringify(districts)).to.deep.equal(want);
    }
    // And after a trade is cancelled, both move together.
    await t.ctx.db.execute(sql`update trades set status = 'cancelled' where price_per_tonne_fen = 250000`);
    expect(
      month(find(await indicators(city), 'median_price_by_month').series.find((s) => s.key === 'SW17-01')!, '2031-01'),
    ).to.equal(258_000);
  });
});
