import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { adminToken, auth, createRegulator } from '../helpers/actors.js';
import { createGenerator, createListing, createRecycler, placeBid, settleTrade, steelListing } from '../helpers/trading.js';
import { rows } from '../../server/src/db/tx.js';

describe('reference prices and the price index', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t?.close();
  });

  /**
   * Sells `prices.length` lots of used clothing (HH-01, seed band 20 000 … 30 000) and settles them,
   * each between a generator and a recycler of its own (a band from trades needs 3 + 3 distinct parties).
   */
  async function settledClothing(prices: number[], settledAt?: (i: number) => Date): Promise<string[]> {
    const out: string[] = [];
    for (const [i, p] of prices.entries()) {
      const g = await createGenerator(t.request);
      const r = await createRecycler(t.request, { licence: null });
      const l = await createListing(
        t.request,
        g,
        steelListing({ materialCode: 'HH-01', pricePerTonneFen: p, quantityKg: 1_000, justification: 'test' }),
      );
      const b = await placeBid(t.request, r, l.id, { pricePerTonneFen: p, quantityKg: 1_000, justification: 'test' });
      await settleTrade(t, b.tradeIds[0]!, settledAt?.(i));
      out.push(b.tradeIds[0]!);
    }
    return out;
  }

  it('GET /prices/reference/:code returns the seeded band, anonymously', async () => {
    const res = await t.request.get('/api/v1/prices/reference/772-002-18').expect(200);
    expect(res.body).to.include({
      materialCode: '772-002-18',
      lowFen: -219_500,
      medianFen: -189_300,
      highFen: -159_100,
      source: 'seed',
      sampleSize: 0,
    });
  });

  it('a material without a band is 404', async () => {
    const res = await t.request.get('/api/v1/prices/reference/SW07');
    expect(res.status).to.equal(404);
    expect(res.body.error.code).to.equal('NOT_FOUND');
  });

  it('with five settled trades among five pairs in 180 days the band is their p10/p50/p90 (at least the seed’s relative width), and price checks use it', async () => {
    await settledClothing([30_000, 32_000, 34_000, 36_000, 38_000]);
    const res = await t.request.get('/api/v1/prices/reference/HH-01').expect(200);
    // p10/p50/p90 are 30 800 / 34 000 / 37 200; the seed's relative width 10 000 / 25 000 keeps ±6 800 around the median.
    expect(res.body).to.include({ source: 'trades', sampleSize: 5, lowFen: 27_200, medianFen: 34_000, highFen: 40_800 });
    expect(res.body.distinctParties).to.deep.equal({ generators: 5, receivers: 5 });
    const g = await createGenerator(t.request);
    const l = await createListing(t.request, g, steelListing({ materialCode: 'HH-01', pricePerTonneFen: 35_000 }));
    expect(l.priceCheck).to.include({ status: 'ok', source: 'trades', sampleSize: 5, deviation: 294 });
  });

  it('trades settled more than 180 days ago do not count', async () => {
    await settledClothing([20_000, 20_000, 20_000, 20_000, 20_000], () => new Date(Date.now() - 200 * 86_400_000));
    const res = await t.request.get('/api/v1/prices/reference/HH-01').expect(200);
    expect(res.body).to.include({ medianFen: 34_000, sampleSize: 5 });
  });

  it('a regulator pins a band: it overrides trades and seed, and the pin is audited', async () => {
    const admin = await adminToken(t.request);
    const reg = await createRegulator(t.request, 'city', admin);
    const res = await t.request
      .put('/api/v1/prices/reference/HH-01')
      .set(auth(reg.token))
      .send({ lowFen: 18_000, medianFen: 21_000, highFen: 24_000 });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ source: 'pinned', lowFen: 18_000, medianFen: 21_000, highFen: 24_000 });
    expect(res.body.pinnedAt).to.be.a('string');
    expect((await t.request.get('/api/v1/prices/reference/HH-01').expect(200)).body.source).to.equal('pinned');
    const audit = await rows<{ action: string; actor_user_id: string }>(
      t.ctx.db,
      sql`select action, actor_user_id from audit_log where subject_type = 'price_band' and subject_id = 'HH-01'`,
    );
    expect(audit).to.deep.equal([{ action: 'price_band.pin', actor_user_id: reg.user.id }]);
    // A material without any band can be pinned too.
    await t.request
      .put('/api/v1/prices/reference/SW07')
      .set(auth(reg.token))
      .send({ lowFen: -100_000, medianFen: -80_000, highFen: -60_000 })
      .expect(200);
    expect((await t.request.get('/api/v1/prices/reference/SW07').expect(200)).body.source).to.equal('pinned');
  });

  it('a city regulator unpins a band: the seeded band is back exactly as before the pin, and the history lists both with who did them', async () => {
    const admin = await adminToken(t.request);
    const reg = await createRegulator(t.request, 'city', admin);
    const code = '772-002-18';
    const before = (await t.request.get(`/api/v1/prices/reference/${code}`).expect(200)).body;
    expect(before.source).to.equal('seed');
    await t.request
      .put(`/api/v1/prices/reference/${code}`)
      .set(auth(reg.token))
      .send({ lowFen: -250_000, medianFen: -200_000, highFen: -150_000 })
      .expect(200);
    const res = await t.request.delete(`/api/v1/prices/reference/${code}/pin`).set(auth(reg.token));
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.band).to.deep.equal(before);
    expect((await t.request.get(`/api/v1/prices/reference/${code}`).expect(200)).body).to.deep.equal(before);

    const history = await t.request.get(`/api/v1/prices/reference/${code}/pins`).set(auth(reg.token)).expect(200);
    const who = { userId: reg.user.id, name: reg.user.name, orgName: reg.org.name };
    expect(history.body.items).to.deep.equal([
      {
        at: history.body.items[0].at,
        action: 'unpin',
        pinnedBy: who,
        lowFen: before.lowFen,
        medianFen: before.medianFen,
        highFen: before.highFen,
      },
      { at: history.body.items[1].at, action: 'pin', pinnedBy: who, lowFen: -250_000, medianFen: -200_000, highFen: -150_000 },
    ]);
    const audit = await rows<{ action: string; actor_user_id: string }>(
      t.ctx.db,
      sql`select action, actor_user_id from audit_log where subject_type = 'price_band' and subject_id = ${code} order by id`,
    );
    expect(audit).to.deep.equal([
      { action: 'price_band.pin', actor_user_id: reg.user.id },
      { action: 'price_band.unpin', actor_user_id: reg.user.id },
    ]);
    // Nothing is pinned now: a second unpin is 409 INVALID_STATE.
    const again = await t.request.delete(`/api/v1/prices/reference/${code}/pin`).set(auth(reg.token));
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('INVALID_STATE');
  });

  it('unpinning restores the band from trades where there are enough parties, and no band where there was none', async () => {
    const reg = await createRegulator(t.request, 'city');
    // HH-01 was pinned above over a band from five settled trades; SW07 has neither seed nor trades.
    const res = await t.request.delete('/api/v1/prices/reference/HH-01/pin').set(auth(reg.token)).expect(200);
    expect(res.body.band).to.include({ source: 'trades', sampleSize: 5, lowFen: 27_200, medianFen: 34_000, highFen: 40_800 });
    const none = await t.request.delete('/api/v1/prices/reference/SW07/pin').set(auth(reg.token)).expect(200);
    expect(none.body).to.deep.equal({ band: null });
    expect((await t.request.get('/api/v1/prices/reference/SW07')).status).to.equal(404);
    const history = await t.request.get('/api/v1/prices/reference/SW07/pins').set(auth(reg.token)).expect(200);
    expect(history.body.items[0]).to.include({ action: 'unpin', lowFen: null, medianFen: null, highFen: null });
  });

  it('only a city regulator unpins: a district regulator gets CITY_SCOPE_REQUIRED, a generator FORBIDDEN_ROLE, and the pin stays', async () => {
    const city = await createRegulator(t.request, 'city');
    await t.request
      .put('/api/v1/prices/reference/SW17-01')
      .set(auth(city.token))
      .send({ lowFen: 250_000, medianFen: 258_500, highFen: 263_000 })
      .expect(200);
    const district = await createRegulator(t.request, ['330603']);
    const refused = await t.request.delete('/api/v1/prices/reference/SW17-01/pin').set(auth(district.token));
    expect(refused.status).to.equal(403);
    expect(refused.body.error.code).to.equal('CITY_SCOPE_REQUIRED');
    const g = await createGenerator(t.request);
    const denied = await t.request.delete('/api/v1/prices/reference/SW17-01/pin').set(auth(g.token));
    expect(denied.status).to.equal(403);
    expect(denied.body.error.code).to.equal('FORBIDDEN_ROLE');
    expect((await t.request.delete('/api/v1/prices/reference/NOPE-1/pin').set(auth(city.token))).status).to.equal(404);
    expect((await t.request.get('/api/v1/prices/reference/SW17-01').expect(200)).body.source).to.equal('pinned');
  });

  it('only regulators pin; bands out of order or with unknown fields are 400; an unknown material 404', async () => {
    const g = await createGenerator(t.request);
    const denied = await t.request
      .put('/api/v1/prices/reference/HH-01')
      .set(auth(g.token))
      .send({ lowFen: 1, medianFen: 2, highFen: 3 });
    expect(denied.status).to.equal(403);
    expect(denied.body.error.code).to.equal('FORBIDDEN_ROLE');
    expect((await t.request.put('/api/v1/prices/reference/HH-01').send({ lowFen: 1, medianFen: 2, highFen: 3 })).status).to.equal(
      401,
    );
    const reg = await createRegulator(t.request, 'city');
    const disordered = await t.request
      .put('/api/v1/prices/reference/HH-01')
      .set(auth(reg.token))
      .send({ lowFen: 5, medianFen: 2, highFen: 3 });
    expect(disordered.status).to.equal(400);
    expect(disordered.body.error.details.fields[0].path).to.equal('medianFen');
    const extra = await t.request
      .put('/api/v1/prices/reference/HH-01')
      .set(auth(reg.token))
      .send({ lowFen: 1, medianFen: 2, highFen: 3, source: 'seed' });
    expect(extra.status).to.equal(400);
    expect(
      (await t.request.put('/api/v1/prices/reference/NOPE-1').set(auth(reg.token)).send({ lowFen: 1, medianFen: 2, highFen: 3 }))
        .status,
    ).to.equal(404);
  });

  it('GET /prices/index gives finished weeks from Monday in Asia/Shanghai; a week with one pair is not published', async () => {
    // Scrap paper: three pairs in one Shanghai week (Sunday 23:30 UTC belongs to the week of Monday 00:00 +08).
    const monday = new Date();
    monday.setUTCHours(0, 0, 0, 0);
    monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7) - 7); // Monday of last week, 00:00 UTC
    const at = [
      new Date(monday.getTime() + 3 * 3_600_000), // Mon 11:00 +08
      new Date(monday.getTime() + 30 * 3_600_000), // Tue 14:00 +08
      new Date(monday.getTime() - 30 * 60_000), // Sun 23:30 UTC = Mon 07:30 +08: same week in Shanghai
      new Date(monday.getTime() - 17 * 3_600_000), // Sun 07:00 UTC = Sun 15:00 +08: the week before, one pair alone
    ];
    const prices = [150_000, 160_000, 170_000, 100_000];
    for (const [i, p] of prices.entries()) {
      const g = await createGenerator(t.request);
      const r = await createRecycler(t.request, { licence: null });
      const l = await createListing(
        t.request,
        g,
        steelListing({ materialCode: 'SW17-02', pricePerTonneFen: p, quantityKg: 2_000, justification: 'test' }),
      );
      const b = await placeBid(t.request, r, l.id, { pricePerTonneFen: p, quantityKg: 2_000, justification: 'test' });
      await settleTrade(t, b.tradeIds[0]!, at[i]);
    }
    const res = await t.request.get('/api/v1/prices/index').query({ material: 'SW17-02', weeks: 4 }).expect(200);
    const weekStart = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    const items = res.body.items as { period: string; suppressed: boolean; medianFen: number | null }[];
    expect(items.filter((x) => x.period === 'week')).to.deep.equal([
      {
        period: 'week',
        start: weekStart(monday),
        suppressed: false,
        medianFen: 160_000,
        lowFen: 152_000,
        highFen: 168_000,
        trades: 3,
        quantityKg: 6_000,
        observations: 3,
      },
    ]);
    // The lone trade of the week before shows nowhere: its month is suppressed (or not finished yet).
    expect(items.filter((x) => x.period === 'month').every((x) => x.suppressed && x.medianFen === null)).to.equal(true);
    expect((await t.request.get('/api/v1/prices/index')).status).to.equal(400);
    expect((await t.request.get('/api/v1/prices/index').query({ material: 'NOPE' })).status).to.equal(404);
  });
});
