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
      expect(checkPrice(p, null)).to.deep.equal({
        status: 'ok',
        band: null,
        source: 'none',
        sampleSize: 0,
        deviation: null,
        reasons: [],
      });
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
    expect(bandLimits(steel)).to.deep.equal({
      flaggedLowFen: 245_000,
      okLowFen: 254_000,
      okHighFen: 263_000,
      flaggedHighFen: 272_000,
    });
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

describe('price check: the usual direction and reasons[] (DESIGN §6.3, issue 12 item 4)', () => {
  const anyBand = fc
    .tuple(
      fc.integer({ min: -1e8, max: 1e8 }),
      fc.integer({ min: -1e8, max: 1e8 }),
      fc.integer({ min: -1e8, max: 1e8 }),
      fc.constantFrom(...(['trades', 'seed', 'pinned'] as const)),
    )
    .map(([a, b, c, source]): ReferenceBand => {
      const [lowFen, medianFen, highFen] = [a, b, c].sort((x, y) => x - y) as [number, number, number];
      return { lowFen, medianFen, highFen, source, sampleSize: 0 };
    });
  const price = fc.integer({ min: -1e8, max: 1e8 });

  it('a purchase price for a fee material without any band is flagged AGAINST_USUAL_DIRECTION (dyeing sludge at +120 yuan/t)', () => {
    expect(checkPrice(12_000, null, { usualDirection: 'fee' })).to.deep.equal({
      status: 'flagged',
      band: null,
      source: 'none',
      sampleSize: 0,
      deviation: null,
      reasons: [{ code: 'AGAINST_USUAL_DIRECTION', usual: 'fee' }],
    });
  });

  it('a disposal fee for a price material is flagged AGAINST_USUAL_DIRECTION with usual price', () => {
    expect(checkPrice(-5_000, null, { usualDirection: 'price' })).to.include({ status: 'flagged' });
    expect(checkPrice(-5_000, null, { usualDirection: 'price' }).reasons).to.deep.equal([
      { code: 'AGAINST_USUAL_DIRECTION', usual: 'price' },
    ]);
  });

  it('the usual sign, zero, and any sign of an either material are ok without a band', () => {
    expect(checkPrice(-12_000, null, { usualDirection: 'fee' })).to.include({ status: 'ok' });
    expect(checkPrice(80_000, null, { usualDirection: 'price' })).to.include({ status: 'ok' });
    expect(checkPrice(0, null, { usualDirection: 'fee' }).reasons).to.deep.equal([]);
    expect(checkPrice(0, null, { usualDirection: 'price' }).reasons).to.deep.equal([]);
    for (const p of [-1e8, -1, 1, 1e8]) expect(checkPrice(p, null, { usualDirection: 'either' })).to.include({ status: 'ok' });
  });

  it('each band verdict names its reason: BELOW_BAND / ABOVE_BAND flagged, FAR_BELOW_BAND / FAR_ABOVE_BAND rejected with the limit passed', () => {
    const where = { lowFen: 254_000, highFen: 263_000, source: 'trades' };
    expect(checkPrice(253_999, steel).reasons).to.deep.equal([{ code: 'BELOW_BAND', ...where }]);
    expect(checkPrice(263_001, steel).reasons).to.deep.equal([{ code: 'ABOVE_BAND', ...where }]);
    expect(checkPrice(244_999, steel).reasons).to.deep.equal([{ code: 'FAR_BELOW_BAND', ...where, limitFen: 245_000 }]);
    expect(checkPrice(272_001, steel).reasons).to.deep.equal([{ code: 'FAR_ABOVE_BAND', ...where, limitFen: 272_000 }]);
    expect(checkPrice(258_500, steel).reasons).to.deep.equal([]);
  });

  it('a reversed sign beyond the band is still rejected, with both reasons', () => {
    const c = checkPrice(50_000, flyAsh, { usualDirection: 'fee' });
    expect(c.status).to.equal('rejected');
    expect(c.reasons.map((r) => r.code)).to.deep.equal(['FAR_ABOVE_BAND', 'AGAINST_USUAL_DIRECTION']);
  });

  it('a seeded or trades band containing a reversed price does not lift the direction flag; a pinned one does', () => {
    const straddle = { lowFen: -10_000, medianFen: 0, highFen: 10_000, sampleSize: 0 };
    expect(checkPrice(5_000, { ...straddle, source: 'seed' }, { usualDirection: 'fee' }).status).to.equal('flagged');
    expect(checkPrice(5_000, { ...straddle, source: 'trades' }, { usualDirection: 'fee' }).status).to.equal('flagged');
    expect(checkPrice(5_000, { ...straddle, source: 'pinned' }, { usualDirection: 'fee' })).to.deep.include({
      status: 'ok',
      reasons: [],
    });
    // A pin held apart from the band (the caller passes it) counts the same.
    expect(checkPrice(5_000, null, { usualDirection: 'fee', pinned: { lowFen: 0, highFen: 6_000 } })).to.deep.include({
      status: 'ok',
      reasons: [],
    });
    expect(checkPrice(7_000, null, { usualDirection: 'fee', pinned: { lowFen: 0, highFen: 6_000 } }).status).to.equal('flagged');
  });

  it('describes a direction flag in words', () => {
    expect(describePriceCheck(12_000, checkPrice(12_000, null, { usualDirection: 'fee' }))).to.match(
      /usual direction.*disposal fee.*justification/,
    );
  });

  it('property: a sign against the usual direction always yields AGAINST_USUAL_DIRECTION, unless a pinned band contains the price', () => {
    fc.assert(
      fc.property(
        fc.option(anyBand, { nil: null }),
        price,
        fc.constantFrom(...(['fee', 'price', 'either'] as const)),
        (band, p, usual) => {
          const c = checkPrice(p, band, { usualDirection: usual });
          const against = (usual === 'fee' && p > 0) || (usual === 'price' && p < 0);
          const pinContains = band?.source === 'pinned' && p >= band.lowFen && p <= band.highFen;
          const has = c.reasons.some((r) => r.code === 'AGAINST_USUAL_DIRECTION');
          expect(has).to.equal(against && !pinContains);
          if (has) expect(c.status).to.not.equal('ok');
        },
      ),
    );
  });

  it('property: the status is ok exactly when reasons is empty, and the direction never changes the band verdict it adds to', () => {
    fc.assert(
      fc.property(
        fc.option(anyBand, { nil: null }),
        price,
        fc.constantFrom(...(['fee', 'price', 'either'] as const)),
        (band, p, usual) => {
          const c = checkPrice(p, band, { usualDirection: usual });
          const bandOnly = checkPrice(p, band);
          expect(c.status === 'ok').to.equal(c.reasons.length === 0);
          expect(c.reasons.filter((r) => r.code !== 'AGAINST_USUAL_DIRECTION')).to.deep.equal(bandOnly.reasons);
          if (bandOnly.status === 'rejected') expect(c.status).to.equal('rejected');
          expect(c.deviation).to.equal(bandOnly.deviation);
        },
      ),
    );
  });
});
