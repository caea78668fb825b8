import { expect } from 'chai';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { databaseUrl } from '../helpers/services.js';
import { makeParties, makeTrade, type Parties } from '../helpers/settlement.js';
import { registerOrg } from '../helpers/actors.js';
import { settleTrade } from '../helpers/trading.js';
import type { TPriceIndex, TPriceIndexItem } from '../../shared/src/schemas/prices.js';

const DB = databaseUrl ? 'PostgreSQL' : 'PGlite';
const STEEL = 'SW17-01';
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The Shanghai calendar date of an instant. */
const shanghaiDate = (d: Date) => new Date(d.getTime() + 8 * HOUR_MS).toISOString().slice(0, 10);
/** Wednesday 12:00 Shanghai of the week `weeksAgo` finished weeks back (1 = last week). */
function wednesdayNoon(weeksAgo: number): Date {
  const local = new Date(Date.now() + 8 * HOUR_MS);
  local.setUTCHours(0, 0, 0, 0);
  const monday = local.getTime() - ((local.getUTCDay() + 6) % 7) * DAY_MS - weeksAgo * 7 * DAY_MS;
  return new Date(monday + 2 * DAY_MS + 12 * HOUR_MS - 8 * HOUR_MS);
}
const mondayOf = (d: Date) => shanghaiDate(new Date(d.getTime() - 2 * DAY_MS));

/**
 * The public price index never exposes a single deal (DESIGN §6.3, issue 12 item 5): a week is
 * published only with 3 distinct generators and 3 distinct receivers; thinner weeks merge into their
 * month or are marked suppressed. Each test has an exchange of its own.
 */
describe(`the public price index (${DB})`, function () {
  this.timeout(120_000);
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t?.close();
  });

  async function settled(p: Parties, pricePerTonneFen: number, quantityKg: number, at: Date): Promise<void> {
    const trade = await makeTrade(t, p, { pricePerTonneFen, quantityKg });
    await settleTrade(t, trade.id, at);
  }

  async function index(weeks = 12): Promise<TPriceIndex> {
    return (await t.request.get('/api/v1/prices/index').query({ material: STEEL, weeks }).expect(200)).body as TPriceIndex;
  }

  it('a week of five trades from two generators is not published: its month is marked suppressed, with no figures', async () => {
    const at = wednesdayNoon(8);
    const receivers = [
      await registerOrg(t.request, { roles: ['recycler'] }),
      await registerOrg(t.request, { roles: ['recycler'] }),
      await registerOrg(t.request, { roles: ['recycler'] }),
    ];
    const generators = [
      await registerOrg(t.request, { roles: ['generator'] }),
      await registerOrg(t.request, { roles: ['generator'] }),
    ];
    for (let i = 0; i < 5; i++)
      await settled(
        { generator: generators[i % 2]!, recycler: receivers[i % 3]! },
        250_000 + i * 1_000,
        3_000 + i,
        new Date(at.getTime() + i * HOUR_MS),
      );
    const res = await index();
    expect(res).to.include({ materialCode: STEEL, minDistinctGenerators: 3, minDistinctReceivers: 3 });
    expect(
      res.items.filter((x) => x.period === 'week'),
      'no week is published',
    ).to.deep.equal([]);
    const month = `${shanghaiDate(at).slice(0, 7)}-01`;
    expect(res.items).to.deep.equal([
      {
        period: 'month',
        start: month,
        suppressed: true,
        medianFen: null,
        lowFen: null,
        highFen: null,
        trades: null,
        quantityKg: null,
        observations: null,
      },
    ]);
  });

  it('a week with three generators and three receivers is published as p10/p50/p90 of its pair-weeks, never one deal’s price', async () => {
    const at = wednesdayNoon(2);
    for (const [i, price] of [150_000, 160_000, 170_000].entries())
      await settled(await makeParties(t.request), price, 2_000, new Date(at.getTime() + i * HOUR_MS));
    const res = await index();
    expect(res.items).to.deep.equal([
      {
        period: 'week',
        start: mondayOf(at),
        suppressed: false,
        medianFen: 160_000,
        lowFen: 152_000,
        highFen: 168_000,
        trades: 3,
        quantityKg: 6_000,
        observations: 3,
      },
    ]);
  });

  it('one pair trading many times in a week is one observation: it does not make the week publishable', async () => {
    const at = wednesdayNoon(2);
    const [a, b] = [await makeParties(t.request), await makeParties(t.request)];
    for (let i = 0; i < 6; i++) await settled(a, 200_000, 1_000, new Date(at.getTime() + i * HOUR_MS));
    await settled(b, 210_000, 1_000, at);
    const res = await index();
    expect(res.items.filter((x) => x.period === 'week')).to.deep.equal([]);
    expect(
      res.items.every((x) => x.suppressed),
      JSON.stringify(res.items),
    ).to.equal(true);
  });

  it('thin weeks merge into their month when the month has three generators and three receivers', async () => {
    // Two weeks of the calendar month before last: days 2 and 20, each too thin on its own.
    const local = new Date(Date.now() + 8 * HOUR_MS);
    const monthStart = Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - 2, 1);
    const day2 = new Date(monthStart + 1 * DAY_MS + 4 * HOUR_MS);
    const day20 = new Date(monthStart + 19 * DAY_MS + 4 * HOUR_MS);
    await settled(await makeParties(t.request), 150_000, 1_000, day2);
    await settled(await makeParties(t.request), 160_000, 1_000, day2);
    await settled(await makeParties(t.request), 170_000, 1_000, day20);
    const res = await index(20);
    const expected: TPriceIndexItem = {
      period: 'month',
      start: new Date(monthStart).toISOString().slice(0, 10),
      suppressed: false,
      medianFen: 160_000,
      lowFen: 152_000,
      highFen: 168_000,
      trades: 3,
      quantityKg: 3_000,
      observations: 3,
    };
    expect(res.items).to.deep.equal([expected]);
  });

  it('the running week is not published even with enough parties, so a new deal cannot be read off by comparing two reads', async () => {
    for (const price of [150_000, 160_000, 170_000]) await settled(await makeParties(t.request), price, 1_000, new Date());
    expect((await index()).items).to.deep.equal([]);
  });

  it('a missing material is 400 and an unknown one 404', async () => {
    expect((await t.request.get('/api/v1/prices/index')).status).to.equal(400);
    expect((await t.request.get('/api/v1/prices/index').query({ material: 'NOPE' })).status).to.equal(404);
  });
});
