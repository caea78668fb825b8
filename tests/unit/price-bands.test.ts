import { expect } from 'chai';
import fc from 'fast-check';
import {
  composeBand,
  minHalfWidthFen,
  widenToMinimum,
  type StoredBand,
  type TradeBandRow,
} from '../../server/src/modules/prices/bands.js';
import { buildPriceIndex, indexWindow } from '../../server/src/modules/prices/publish.js';
import type { IndexCell } from '../../server/src/modules/prices/repo.js';

const seed: StoredBand = {
  lowFen: -219_500,
  medianFen: -189_300,
  highFen: -159_100,
  source: 'seed',
  note: 'seed',
  pinnedAt: null,
};
const trade = (o: Partial<TradeBandRow> = {}): TradeBandRow => ({
  lowFen: -159_000,
  medianFen: -155_000,
  highFen: -151_000,
  observations: 3,
  trades: 3,
  generators: 3,
  receivers: 3,
  windowDays: 180,
  ...o,
});

describe('which band a price is checked against (DESIGN §6.3)', () => {
  it('a pin overrides trades and seed', () => {
    const pin: StoredBand = { lowFen: -1, medianFen: 0, highFen: 1, source: 'pinned', note: null, pinnedAt: new Date(0) };
    expect(composeBand('X', pin, trade())).to.include({ source: 'pinned', lowFen: -1, highFen: 1, sampleSize: 0 });
  });

  it('trades with fewer than 3 generators or 3 receivers leave the seed in force, and say how many there were', () => {
    for (const t of [trade({ generators: 2 }), trade({ receivers: 2 })]) {
      const b = composeBand('X', seed, t)!;
      expect(b).to.include({ source: 'seed', lowFen: seed.lowFen, highFen: seed.highFen, sampleSize: 0 });
      expect(b.distinctParties).to.deep.equal({ generators: t.generators, receivers: t.receivers });
    }
    expect(composeBand('X', null, trade({ generators: 1, lowFen: null, medianFen: null, highFen: null }))).to.equal(null);
  });

  it('a band from trades without a seed keeps ±15 % of its median', () => {
    expect(composeBand('X', null, trade({ lowFen: 100_000, medianFen: 100_000, highFen: 100_000 }))).to.include({
      source: 'trades',
      lowFen: 85_000,
      medianFen: 100_000,
      highFen: 115_000,
    });
  });

  it('a zero median still leaves a band of some width', () => {
    expect(minHalfWidthFen(0, null)).to.be.greaterThan(0);
    expect(minHalfWidthFen(0, seed)).to.equal(30_200);
  });

  it('property: a band from trades is never narrower than the seed’s relative width, keeps its median and contains what trades said', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -100_000_000, max: 100_000_000 }),
        fc.integer({ min: 0, max: 50_000_000 }),
        fc.integer({ min: 0, max: 50_000_000 }),
        fc.integer({ min: -100_000_000, max: 100_000_000 }),
        fc.integer({ min: 0, max: 100_000_000 }),
        (median, below, above, seedMedian, seedWidth) => {
          const s = {
            lowFen: seedMedian - Math.floor(seedWidth / 2),
            medianFen: seedMedian,
            highFen: seedMedian + Math.ceil(seedWidth / 2),
          };
          const b = widenToMinimum({ lowFen: median - below, medianFen: median, highFen: median + above }, s);
          expect(b.medianFen).to.equal(median);
          expect(b.lowFen).to.be.at.most(median - below);
          expect(b.highFen).to.be.at.least(median + above);
          // Compared exactly: (high − low) × |seed median| ≥ seed width × |median|.
          if (s.medianFen !== 0 && median !== 0)
            expect(
              BigInt(b.highFen - b.lowFen) * BigInt(Math.abs(s.medianFen)) >=
                BigInt(s.highFen - s.lowFen) * BigInt(Math.abs(median)),
            ).to.equal(true);
          expect(b.highFen - b.lowFen).to.be.greaterThan(0);
        },
      ),
    );
  });
});

describe('the public price index publishes only with 3 generators and 3 receivers', () => {
  const window = indexWindow(new Date('2026-06-17T04:00:00Z'), 26); // a Wednesday
  const weeks = ['2026-03-02', '2026-03-09', '2026-03-16', '2026-03-23', '2026-03-30', '2026-05-25', '2026-06-15'];

  const cellArb = fc.record({
    generator: fc.constantFrom('g1', 'g2', 'g3', 'g4'),
    receiver: fc.constantFrom('r1', 'r2', 'r3', 'r4'),
    week: fc.constantFrom(...weeks),
    trades: fc.integer({ min: 1, max: 20 }),
    kg: fc.bigInt({ min: 1n, max: 1_000_000n }),
    price: fc.integer({ min: -1_000_000, max: 1_000_000 }),
  });

  it('property: every published week and month has 3 + 3 parties; nothing of the running week; suppressed periods carry no figures', () => {
    fc.assert(
      fc.property(fc.array(cellArb, { maxLength: 40 }), (raw) => {
        const cells: IndexCell[] = raw.map((c) => ({
          generator: c.generator,
          receiver: c.receiver,
          week: c.week,
          month: `${c.week.slice(0, 7)}-01`,
          trades: c.trades,
          kg: c.kg,
          priceKg: c.kg * BigInt(c.price),
        }));
        for (const item of buildPriceIndex(cells, window)) {
          expect(item.start < window.end).to.equal(true);
          const of = cells.filter((c) => (item.period === 'week' ? c.week === item.start : c.month === item.start));
          if (item.suppressed) {
            expect([item.medianFen, item.lowFen, item.highFen, item.trades, item.quantityKg]).to.deep.equal([
              null,
              null,
              null,
              null,
              null,
            ]);
          } else if (item.period === 'week') {
            expect(new Set(of.map((c) => c.generator)).size).to.be.at.least(3);
            expect(new Set(of.map((c) => c.receiver)).size).to.be.at.least(3);
          } else {
            // A month holds only its weeks that were not published on their own.
            const thin = of.filter((c) => {
              const w = cells.filter((x) => x.week === c.week);
              return new Set(w.map((x) => x.generator)).size < 3 || new Set(w.map((x) => x.receiver)).size < 3;
            });
            expect(new Set(thin.map((c) => c.generator)).size).to.be.at.least(3);
            expect(new Set(thin.map((c) => c.receiver)).size).to.be.at.least(3);
            expect(item.trades).to.equal(thin.reduce((s, c) => s + c.trades, 0));
          }
        }
      }),
    );
  });
});
