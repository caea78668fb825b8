import { expect } from 'chai';
import fc from 'fast-check';
import { EngineError, matchFixed, type EngineListing } from '../../server/src/modules/matching/engine/index.js';

const side = fc.constantFrom<'supply' | 'demand'>('supply', 'demand');
/** Small numbers so that min-lot edges and equal prices come up often. */
const smallListing = fc.record({
  side,
  pricePerTonneFen: fc.integer({ min: -5, max: 5 }).map((p) => p * 10_000),
  remainingKg: fc.integer({ min: 0, max: 60 }),
  minLotKg: fc.integer({ min: 1, max: 25 }),
});
const smallBid = fc.record({
  id: fc.constant('b1'),
  pricePerTonneFen: fc.integer({ min: -5, max: 5 }).map((p) => p * 10_000),
  quantityKg: fc.integer({ min: 1, max: 70 }),
});
/** The full ranges of DESIGN §6.1. */
const wideListing = fc.record({
  side,
  pricePerTonneFen: fc.integer({ min: -100_000_000, max: 100_000_000 }),
  remainingKg: fc.integer({ min: 0, max: 1_000_000_000 }),
  minLotKg: fc.integer({ min: 1, max: 1_000_000_000 }),
});
const wideBid = fc.record({
  id: fc.constant('b1'),
  pricePerTonneFen: fc.integer({ min: -100_000_000, max: 100_000_000 }),
  quantityKg: fc.integer({ min: 1, max: 1_000_000_000 }),
});

const atOrBetter = (l: EngineListing, price: number): boolean =>
  l.side === 'supply' ? price >= l.pricePerTonneFen : price <= l.pricePerTonneFen;

/** The largest fill the documented rule allows, by brute force: a fill takes the whole remainder, or is ≥ minLot and leaves ≥ minLot. */
function bruteForceFill(q: number, remaining: number, minLot: number): number {
  for (let f = Math.min(q, remaining); f >= 1; f--) {
    if (f === remaining || (f >= minLot && remaining - f >= minLot)) return f;
  }
  return 0;
}

describe('engine: fixed-price matching', () => {
  it('when a fly-ash recycler asks a lower disposal fee than the listing offers, it matches at once at the listing price', () => {
    const listing: EngineListing = { side: 'supply', pricePerTonneFen: -189_300, remainingKg: 50_000, minLotKg: 10_000 };
    const result = matchFixed(listing, { id: 'bid-1', pricePerTonneFen: -150_000, quantityKg: 20_000 });
    expect(result.matched).to.equal(true);
    expect(result.fills).to.deep.equal([{ bidId: 'bid-1', quantityKg: 20_000, pricePerTonneFen: -189_300 }]);
    expect(result.remainingKg).to.equal(30_000);
    expect(result.journal).to.deep.equal([
      { type: 'fill', bidId: 'bid-1', quantityKg: 20_000, pricePerTonneFen: -189_300, remainingKg: 30_000 },
    ]);
  });

  it('when a fly-ash recycler asks a higher disposal fee than the listing offers, there is no match (worse_than_ask)', () => {
    const listing: EngineListing = { side: 'supply', pricePerTonneFen: -189_300, remainingKg: 50_000, minLotKg: 10_000 };
    const result = matchFixed(listing, { id: 'bid-1', pricePerTonneFen: -200_000, quantityKg: 20_000 });
    expect(result).to.include({ matched: false, reason: 'worse_than_ask', remainingKg: 50_000 });
    expect(result.fills).to.deep.equal([]);
  });

  it('on a demand listing, an offer at a lower price than the listing is better and matches at the listing price', () => {
    const listing: EngineListing = { side: 'demand', pricePerTonneFen: 80_000, remainingKg: 10_000, minLotKg: 1_000 };
    expect(matchFixed(listing, { id: 'o1', pricePerTonneFen: 70_000, quantityKg: 4_000 }).fills).to.deep.equal([
      { bidId: 'o1', quantityKg: 4_000, pricePerTonneFen: 80_000 },
    ]);
    expect(matchFixed(listing, { id: 'o2', pricePerTonneFen: 90_000, quantityKg: 4_000 })).to.include({
      reason: 'worse_than_ask',
    });
  });

  it('a bid larger than the remainder takes the whole remainder, even below the minimum lot', () => {
    const result = matchFixed(
      { side: 'supply', pricePerTonneFen: 100, remainingKg: 300, minLotKg: 1_000 },
      { id: 'b', pricePerTonneFen: 100, quantityKg: 5_000 },
    );
    expect(result.fills[0]?.quantityKg).to.equal(300);
    expect(result.remainingKg).to.equal(0);
    expect(result.bidUnfilledKg).to.equal(4_700);
  });

  it('a fill that would leave less than one lot is cut back to leave exactly one lot', () => {
    // 25 t left, lot 10 t, bid 20 t: filling 20 would leave 5 t, so the bid gets 15 t and 10 t stay listed.
    const result = matchFixed(
      { side: 'supply', pricePerTonneFen: 0, remainingKg: 25_000, minLotKg: 10_000 },
      { id: 'b', pricePerTonneFen: 0, quantityKg: 20_000 },
    );
    expect(result.fills[0]?.quantityKg).to.equal(15_000);
    expect(result.remainingKg).to.equal(10_000);
  });

  it('when cutting back would make the fill smaller than one lot, there is no match (below_min_lot)', () => {
    const listing: EngineListing = { side: 'supply', pricePerTonneFen: 0, remainingKg: 15_000, minLotKg: 10_000 };
    expect(matchFixed(listing, { id: 'b', pricePerTonneFen: 0, quantityKg: 12_000 })).to.include({
      matched: false,
      reason: 'below_min_lot',
    });
    expect(matchFixed(listing, { id: 'b', pricePerTonneFen: 0, quantityKg: 5_000 })).to.include({
      matched: false,
      reason: 'below_min_lot',
    });
  });

  it('a listing with nothing left matches nothing (listing_empty)', () => {
    expect(
      matchFixed({ side: 'supply', pricePerTonneFen: 0, remainingKg: 0 }, { id: 'b', pricePerTonneFen: 10, quantityKg: 1 }),
    ).to.include({ reason: 'listing_empty' });
  });

  it('rejects non-integer prices and quantities with EngineError INVALID_INPUT', () => {
    const listing: EngineListing = { side: 'supply', pricePerTonneFen: 0, remainingKg: 10 };
    expect(() => matchFixed(listing, { id: 'b', pricePerTonneFen: 1.5, quantityKg: 1 })).to.throw(
      EngineError,
      /pricePerTonneFen/,
    );
    expect(() => matchFixed(listing, { id: 'b', pricePerTonneFen: 1, quantityKg: 0 })).to.throw(EngineError, /quantityKg/);
    expect(() =>
      matchFixed({ ...listing, pricePerTonneFen: 100_000_001 }, { id: 'b', pricePerTonneFen: 1, quantityKg: 1 }),
    ).to.throw(EngineError);
  });

  describe('properties', () => {
    it('conserves quantity: fill + remaining = the listing quantity before the match', () => {
      fc.assert(
        fc.property(fc.oneof(fc.tuple(smallListing, smallBid), fc.tuple(wideListing, wideBid)), ([listing, bid]) => {
          const r = matchFixed(listing, bid);
          const filled = r.fills.reduce((s, f) => s + f.quantityKg, 0);
          expect(filled + r.remainingKg).to.equal(listing.remainingKg);
          expect(filled + r.bidUnfilledKg).to.equal(bid.quantityKg);
        }),
      );
    });

    it('fills only bids at or better than the listing price, and always at the listing price', () => {
      fc.assert(
        fc.property(fc.oneof(fc.tuple(smallListing, smallBid), fc.tuple(wideListing, wideBid)), ([listing, bid]) => {
          const r = matchFixed(listing, bid);
          if (!atOrBetter(listing, bid.pricePerTonneFen)) {
            expect(r.matched).to.equal(false);
            return;
          }
          for (const f of r.fills) expect(f.pricePerTonneFen).to.equal(listing.pricePerTonneFen);
        }),
      );
    });

    it('respects the minimum lot and fills the largest quantity the rule allows', () => {
      fc.assert(
        fc.property(smallListing, smallBid, (listing, bid) => {
          const r = matchFixed(listing, bid);
          if (!atOrBetter(listing, bid.pricePerTonneFen)) return;
          const expected = bruteForceFill(bid.quantityKg, listing.remainingKg, listing.minLotKg);
          expect(r.fills.length === 0 ? 0 : r.fills[0]!.quantityKg).to.equal(expected);
          if (r.matched) {
            const f = r.fills[0].quantityKg;
            expect(f === listing.remainingKg || f >= listing.minLotKg, 'fill ≥ lot unless it empties the listing').to.equal(true);
            expect(r.remainingKg === 0 || r.remainingKg >= listing.minLotKg, 'remainder is 0 or ≥ one lot').to.equal(true);
          } else if (listing.remainingKg > 0) {
            expect(r.reason).to.equal('below_min_lot');
          }
        }),
      );
    });

    it('a demand listing mirrors a supply listing (negate the prices, swap the side)', () => {
      fc.assert(
        fc.property(fc.oneof(fc.tuple(smallListing, smallBid), fc.tuple(wideListing, wideBid)), ([listing, bid]) => {
          const mirrored = matchFixed(
            { ...listing, side: listing.side === 'supply' ? 'demand' : 'supply', pricePerTonneFen: -listing.pricePerTonneFen },
            { ...bid, pricePerTonneFen: -bid.pricePerTonneFen },
          );
          const r = matchFixed(listing, bid);
          expect(mirrored.matched).to.equal(r.matched);
          expect(mirrored.remainingKg).to.equal(r.remainingKg);
          expect(mirrored.fills.map((f) => ({ ...f, pricePerTonneFen: -f.pricePerTonneFen + 0 }))).to.deep.equal(
            r.fills.map((f) => ({ ...f, pricePerTonneFen: f.pricePerTonneFen + 0 })),
          );
        }),
      );
    });
  });
});
