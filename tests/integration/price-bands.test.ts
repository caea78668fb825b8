import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, ManualClock, type TestApp } from '../helpers/app.js';
import { adminToken, auth, createRegulator } from '../helpers/actors.js';
import { databaseUrl } from '../helpers/services.js';
import { deliver, drainJobs, makeParties, makeTrade, pay, payerOf, tradeStatus, type Parties } from '../helpers/settlement.js';
import { createGenerator, createListing, flyAshListing, settleTrade } from '../helpers/trading.js';
import { readFile } from 'node:fs/promises';
import { one } from '../../server/src/db/tx.js';

const DB = databaseUrl ? 'PostgreSQL' : 'PGlite';
const FLY_ASH = '772-002-18';
/** The seeded fly-ash band (shared/data/reference-prices.json): relative width 60 400 / 189 300. */
const SEED = { lowFen: -219_500, medianFen: -189_300, highFen: -159_100 };
const WEEK_MS = 7 * 86_400_000;

/**
 * Bands that cannot collapse or be gamed (DESIGN §6.3, issue 12 item 3): a band from trades needs
 * 3 distinct generators and 3 distinct receivers, each pair-week is one observation, and the band is
 * never narrower than the seed's relative width. Each test has an exchange of its own, so the fly-ash
 * band starts from its seed.
 */
describe(`reference bands from trades (${DB})`, function () {
  this.timeout(120_000);
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t?.close();
  });

  /** Settled fly-ash trades between `p` at `price`, the i-th settled at `at(i)`. */
  async function settledFlyAsh(p: Parties, price: number, count: number, at: (i: number) => Date): Promise<void> {
    for (let i = 0; i < count; i++) {
      const trade = await makeTrade(t, p, { pricePerTonneFen: price, quantityKg: 1_000, hazardous: true });
      await settleTrade(t, trade.id, at(i));
    }
  }

  async function band(code = FLY_ASH) {
    return (await t.request.get(`/api/v1/prices/reference/${code}`).expect(200)).body;
  }

  /** Three generators and three receivers, one pair each, at −160 000, −155 000 and −150 000 fen/t. */
  async function threeByThree(): Promise<void> {
    for (const price of [-160_000, -155_000, -150_000])
      await settledFlyAsh(await makeParties(t.request), price, 1, () => new Date());
  }

  it('ten settled trades between the same two parties at one price leave the fly-ash band at its seeded width', async () => {
    const p = await makeParties(t.request);
    // Over ten weeks: ten pair-weeks, but still one generator and one receiver.
    await settledFlyAsh(p, -189_300, 10, (i) => new Date(Date.now() - i * WEEK_MS));
    expect(await band()).to.include({ ...SEED, source: 'seed', sampleSize: 0 });
    expect((await band()).distinctParties).to.deep.equal({ generators: 1, receivers: 1 });
    // The band did not collapse onto −189 300: another fair fee is still inside it.
    const g = await createGenerator(t.request);
    const l = await createListing(t.request, g, flyAshListing({ pricePerTonneFen: -170_000 }));
    expect(l.priceCheck).to.include({ status: 'ok', source: 'seed' });
  });

  it('trades among three distinct generators and three distinct receivers move the band, kept at the seed’s relative width', async () => {
    await threeByThree();
    const b = await band();
    // p10/p50/p90 of the three observations are −159 000, −155 000, −151 000: narrower than the seed's
    // relative width, so widened around the median to ±ceil(60 400 × 155 000 / (2 × 189 300)) = ±24 728.
    expect(b).to.include({ source: 'trades', sampleSize: 3, medianFen: -155_000, lowFen: -179_728, highFen: -130_272 });
    expect(b.distinctParties).to.deep.equal({ generators: 3, receivers: 3 });
    expect((b.highFen - b.lowFen) / Math.abs(b.medianFen)).to.be.at.least(
      (SEED.highFen - SEED.lowFen) / Math.abs(SEED.medianFen),
    );
    // Listings are checked against it, and say what it was made of.
    const g = await createGenerator(t.request);
    const l = await createListing(t.request, g, flyAshListing({ pricePerTonneFen: -140_000 }));
    expect(l.priceCheck).to.deep.include({
      status: 'ok',
      source: 'trades',
      sampleSize: 3,
      distinctParties: { generators: 3, receivers: 3 },
    });
  });

  it('one more pair trading twenty times at an outlier price moves the median by less than 5 %', async () => {
    await threeByThree();
    const before = (await band()).medianFen as number;
    const colluders = await makeParties(t.request);
    await settledFlyAsh(colluders, -60_000, 20, (i) => new Date(Date.now() - i * 60_000));
    const after = await band();
    expect(after.source).to.equal('trades');
    expect(after.distinctParties).to.deep.equal({ generators: 4, receivers: 4 });
    expect(Math.abs(after.medianFen - before) / Math.abs(before)).to.be.below(0.05);
  });

  it('a price check uses the stored band row: no trade is read when a listing or bid is priced', async () => {
    // No fly-ash trade exists in this exchange; only the precomputed row says what trades made.
    await t.ctx.db.execute(
      sql`insert into trade_bands (material_code, low_fen, median_fen, high_fen, observations, trades, generators, receivers, window_days, computed_at)
          values (${FLY_ASH}, -300000, -250000, -200000, 7, 9, 3, 4, 180, now())`,
    );
    const trades = await one<{ n: number }>(
      t.ctx.db,
      sql`select count(*)::int as n from trades where material_code = ${FLY_ASH}`,
    );
    expect(trades!.n).to.equal(0);
    const g = await createGenerator(t.request);
    const l = await createListing(t.request, g, flyAshListing({ pricePerTonneFen: -250_000 }));
    expect(l.priceCheck).to.deep.equal({
      status: 'ok',
      band: { lowFen: -300_000, medianFen: -250_000, highFen: -200_000 },
      source: 'trades',
      sampleSize: 7,
      deviation: 0,
      reasons: [],
      distinctParties: { generators: 3, receivers: 4 },
    });
  });

  it('a trade settled by the settlement job refreshes its material’s stored band', async () => {
    const p = await makeParties(t.request);
    const trade = await makeTrade(t, p, { pricePerTonneFen: -189_300, quantityKg: 2_000, hazardous: true });
    await pay(t.request, payerOf(p, trade), trade.id).expect(200);
    await deliver(t, trade.id, 2_000, { viaTransit: true });
    await drainJobs(t);
    expect(await tradeStatus(t, trade.id)).to.equal('settled');
    await drainJobs(t);
    const row = await one<{ trades: number; generators: number; receivers: number; median_fen: string | null }>(
      t.ctx.db,
      sql`select trades, generators, receivers, median_fen from trade_bands where material_code = ${FLY_ASH}`,
    );
    expect(row).to.deep.equal({ trades: 1, generators: 1, receivers: 1, median_fen: null });
  });

  it('the migration starts an existing installation with the bands its settled trades make, as the refresh computes them', async () => {
    await threeByThree();
    const read = () =>
      one(
        t.ctx.db,
        sql`select low_fen, median_fen, high_fen, observations, trades, generators, receivers from trade_bands where material_code = ${FLY_ASH}`,
      );
    const refreshed = await read();
    await t.ctx.db.execute(sql`delete from trade_bands`);
    const migration = await readFile(new URL('../../server/src/db/migrations/0010_price_bands.sql', import.meta.url), 'utf8');
    const backfill = migration.slice(migration.indexOf('insert into trade_bands'));
    await t.ctx.db.execute(sql.raw(backfill));
    expect(await read()).to.deep.equal(refreshed);
    expect(await band()).to.include({ source: 'trades', medianFen: -155_000 });
  });

  it('trades that leave the 180-day window leave the band at the daily refresh, though nothing else settles', async () => {
    await t.close();
    const clock = new ManualClock(new Date());
    t = await createTestApp({ clock });
    for (const price of [-160_000, -155_000, -150_000])
      await settledFlyAsh(await makeParties(t.request), price, 1, () => new Date(clock.now().getTime() - 179 * 86_400_000));
    expect((await band()).source).to.equal('trades');
    clock.advance(2 * 86_400_000);
    expect((await band()).source, 'nothing recomputes a band on read').to.equal('trades');
    const pending = () =>
      one<{ id: number }>(
        t.ctx.db,
        sql`select id::int as id from outbox where topic = 'prices.refreshStale' and done_at is null order by id desc limit 1`,
      );
    const job = await pending();
    expect(job, 'a daily refresh is scheduled at start-up').to.not.equal(null);
    await t.ctx.prices.runDailyRefresh(job!.id);
    expect(await band()).to.include({ source: 'seed', ...SEED });
    expect((await pending())!.id, 'the next pass is scheduled').to.not.equal(job!.id);
  });

  it('a city-scope pin overrides a band from trades', async () => {
    await threeByThree();
    expect((await band()).source).to.equal('trades');
    const reg = await createRegulator(t.request, 'city', await adminToken(t.request));
    await t.request
      .put(`/api/v1/prices/reference/${FLY_ASH}`)
      .set(auth(reg.token))
      .send({ lowFen: -200_000, medianFen: -180_000, highFen: -170_000 })
      .expect(200);
    expect(await band()).to.include({ source: 'pinned', lowFen: -200_000, medianFen: -180_000, highFen: -170_000 });
  });
});
