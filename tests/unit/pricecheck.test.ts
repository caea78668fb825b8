import { expect } from 'chai';
import fc from 'fast-check';
import { bandLimits, checkPrice, describePriceCheck, deviationBp, type ReferenceBand } from '../../shared/src/pricecheck.js';

// The seeded fly-ash band (negative: the generator pays a disposal fee).
const flyAsh: ReferenceBand = { lowFen: -219_500, medianFen: -189_300, highFen: -159_100, source: 'seed', sampleSize: 0 };
// Width 60 400 fen: flagged from -279 900 to -98 700.
const steel: ReferenceBand = { lowFen: 254_000, medianFen: 258_500, highFen: 263_000, source: 'trades', sampleSize: 7 };

describe('price check (DESIGN §6.3)', () => {
  it('without a band every price is ok with source none, no deviation', () => {
    for (const p of [-100_000_000, 0, 100_000_000]) {
      expect(checkPrice(p, null)).to.deep.equal({ status: 'ok', band: null, source: 'none', sampleSize: 0, deviation: null });
    }
  });

  it('is ok exactly at low, median and high, and carries the band and its source', () => {
    for (const p of [flyAsh.lowFen, flyAsh.medianFen, flyAsh.highFen]) {
      const c = checkPrice(p, flyAsh);
      expect(c.status).to.equal('ok');
      expect(c.band).to.deep.equal({ lowFen: -219_500, medianFen: -189_300, highFen: -159_100 });
      expect(c.source).to.equal('seed');
    }
    expect(checkPrice(steel.lowFen, steel)).to.include({ source: 'trades', sampleSize: 7 });
  });

  it('is flagged one fen outside the band and exactly at low − width and high + width', () => {
    const w = flyAsh.highFen - flyAsh.lowFen;
    for (const p of [flyAsh.lowFen - 1, flyAsh.highFen + 1, flyAsh.lowFen - w, flyAsh.highFen + w]) {
      expect(checkPrice(p, flyAsh).status, String(p)).to.equal('flagged');
    }
  });

  it('is rejected one fen beyond the flagged range on either side', () => {
    const w = flyAsh.highFen - flyAsh.lowFen;
    expect(checkPrice(flyAsh.lowFen - w - 1, flyAsh).status).to.equal('rejected');
    expect(checkPrice(flyAsh.highFen + w + 1, flyAsh).status).to.equal('rejected');
  });

  it('a band of zero width accepts only its one price and rejects the rest', () => {
    const point: ReferenceBand = { lowFen: 1000, medianFen: 1000, highFen: 1000, source: 'pinned', sampleSize: 0 };
    expect(checkPrice(1000, point).status).to.equal('ok');
    expect(checkPrice(999, point).status).to.equal('rejected');
    expect(checkPrice(1001, point).status).to.equal('rejected');
  });

  it('deviation is signed: a smaller disposal fee on fly ash (a higher price) deviates upwards', () => {
    expect(checkPrice(-150_000, flyAsh).deviation).to.be.greaterThan(0);
    expect(checkPrice(-250_000, flyAsh).deviation).to.be.lessThan(0);
    expect(checkPrice(300_000, steel).deviation).to.be.greaterThan(0);
    expect(checkPrice(200_000, steel).deviation).to.be.lessThan(0);
    expect(checkPrice(flyAsh.medianFen, flyAsh).deviation).to.equal(0);
  });

  it('deviation is (p − median) / |median| in basis points, rounded half away from zero', () => {
    expect(deviationBp(-150_000, -189_300)).to.equal(2076); // 2076.07…
    expect(deviationBp(110, 100)).to.equal(1000);
    expect(deviationBp(3, 2)).to.equal(5000);
    // 1/20000 of the median is half a basis point: rounds away from zero on both sides.
    expect(deviationBp(20_001, 20_000)).to.equal(1);
    expect(deviationBp(19_999, 20_000)).to.equal(-1);
    expect(deviationBp(-19_999, -20_000)).to.equal(1);
    expect(deviationBp(5, 0)).to.equal(null);
    expect(checkPrice(5, { lowFen: -10, medianFen: 0, highFen: 10, source: 'seed', sampleSize: 0 }).deviation).to.equal(null);
  });

  it('bandLimits gives the ok and flagged edges for drawing the band', () => {
    expect(bandLimits(steel)).to.deep.equal({ flaggedLowFen: 245_000, okLowFen: 254_000, okHighFen: 263_000, flaggedHighFen: 272_000 });
  });

  it('describes each verdict in words', () => {
    expect(describePriceCheck(1, checkPrice(1, null))).to.match(/no reference band/);
    expect(describePriceCheck(-160_000, checkPrice(-160_000, flyAsh))).to.match(/inside the band/);
    expect(describePriceCheck(-100_000, checkPrice(-100_000, flyAsh))).to.match(/justification/);
    expect(describePriceCheck(0, checkPrice(0, flyAsh))).to.match(/refused/);
  });

  it('property: the verdict follows the distance from the band, and deviation has the sign of p − median', () => {
    const band = fc
      .tuple(fc.integer({ min: -1e8, max: 1e8 }), fc.integer({ min: -1e8, max: 1e8 }), fc.integer({ min: -1e8, max: 1e8 }))
      .map(([a, b, c]) => [a, b, c].sort((x, y) => x - y) as [number, number, number])
      .map(([lowFen, medianFen, highFen]): ReferenceBand => ({ lowFen, medianFen, highFen, source: 'seed', sampleSize: 0 }));
    fc.assert(
      fc.property(band, fc.integer({ min: -1e8, max: 1e8 }), (b, p) => {
        const c = checkPrice(p, b);
        const w = b.highFen - b.lowFen;
        const distance = p < b.lowFen ? b.lowFen - p : p > b.highFen ? p - b.highFen : 0;
        const expected = distance === 0 ? 'ok' : distance <= w ? 'flagged' : 'rejected';
        expect(c.status).to.equal(expected);
        if (b.medianFen !== 0) {
          expect(Number.isInteger(c.deviation)).to.equal(true);
          if (c.deviation !== 0) expect(Math.sign(c.deviation!)).to.equal(Math.sign(p - b.medianFen));
          expect(Math.abs(c.deviation! - ((p - b.medianFen) * 10_000) / Math.abs(b.medianFen))).to.be.at.most(0.5);
        }
      }),
    );
  });
});
