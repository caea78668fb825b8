import { expect } from 'chai';
import fc from 'fast-check';
import {
  allocateAuction,
  EngineError,
  lotFill,
  type AuctionResult,
  type EngineAuctionBid,
  type EngineListing,
} from '../../server/src/modules/matching/engine/index.js';

const side = fc.constantFrom<'supply' | 'demand'>('supply', 'demand');
/** Few distinct prices and seqs, small quantities: ties and min-lot conflicts come up often. */
const listingArb = fc.record({
  side,
  pricePerTonneFen: fc.integer({ min: -3, max: 3 }).map((p) => p * 1_000 - 189_000),
  remainingKg: fc.integer({ min: 0, max: 100 }),
  minLotKg: fc.integer({ min: 1, max: 30 }),
});
const bidsArb = fc
  .array(
    fc.record({
      pricePerTonneFen: fc.integer({ min: -5, max: 5 }).map((p) => p * 1_000 - 189_000),
      quantityKg: fc.integer({ min: 1, max: 60 }),
      seq: fc.integer({ min: 0, max: 6 }),
    }),
    { maxLength: 12 },
  )
  .map((bids) => bids.map((b, i) => ({ id: `bid-${String(i).padStart(2, '0')}`, ...b })));
const wideListing = fc.record({
  side,
  pricePerTonneFen: fc.integer({ min: -100_000_000, max: 100_000_000 }),
  remainingKg: fc.integer({ min: 0, max: 1_000_000_000 }),
  minLotKg: fc.integer({ min: 1, max: 100_000_000 }),
});
const wideBids = fc
  .array(
    fc.record({
      pricePerTonneFen: fc.integer({ min: -100_000_000, max: 100_000_000 }),
      quantityKg: fc.integer({ min: 1, max: 1_000_000_000 }),
      seq: fc.nat(),
    }),
    { maxLength: 20 },
  )
  .map((bids) => bids.map((b, i) => ({ id: `w${i}`, ...b })));
const anyAuction = fc.oneof(fc.tuple(listingArb, bidsArb), fc.tuple(wideListing, wideBids));

const atOrBetter = (l: EngineListing, price: number): boolean =>
  l.side === 'supply' ? price >= l.pricePerTonneFen : price <= l.pricePerTonneFen;
/** The rank order written out independently of the engine: better price, then earlier seq, then id. */
function compareAuctionBids(side: EngineListing['side'], a: EngineAuctionBid, b: EngineAuctionBid): number {
  const better = (x: number, y: number): boolean => (side === 'supply' ? x > y : x < y);
  if (better(a.pricePerTonneFen, b.pricePerTonneFen)) return -1;
  if (better(b.pricePerTonneFen, a.pricePerTonneFen)) return 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
const filledKg = (r: AuctionResult): number => r.fills.reduce((s, f) => s + f.quantityKg, 0);
const lostReason = (r: AuctionResult, id: string): string | undefined => {
  const entry = r.journal.find((e) => e.bidId === id);
  return entry?.type === 'lost' ? entry.reason : undefined;
};

describe('engine: sealed-bid auction allocation', () => {
  it('a negative-price auction (fly ash, disposal fee) awards the lowest fee', () => {
    // The generator pays; the listing's -1,893 yuan/t is the most it will pay. Recyclers bid fees.
    const listing: EngineListing = { side: 'supply', pricePerTonneFen: -189_300, remainingKg: 30_000, minLotKg: 10_000 };
    const result = allocateAuction(listing, [
      { id: 'fee-1500', pricePerTonneFen: -150_000, quantityKg: 30_000, seq: 1 },
      { id: 'fee-1200', pricePerTonneFen: -120_000, quantityKg: 30_000, seq: 2 },
      { id: 'fee-1800', pricePerTonneFen: -180_000, quantityKg: 30_000, seq: 3 },
    ]);
    expect(result.won).to.deep.equal(['fee-1200']);
    expect(result.fills).to.deep.equal([{ bidId: 'fee-1200', quantityKg: 30_000, pricePerTonneFen: -120_000 }]);
    expect(result.lost).to.deep.equal(['fee-1500', 'fee-1800']);
    expect(result.remainingKg).to.equal(0);
  });

  it('splits the quantity down the ranking, each bid at its own price, the last one partially', () => {
    const listing: EngineListing = { side: 'supply', pricePerTonneFen: -189_300, remainingKg: 50_000, minLotKg: 10_000 };
    const result = allocateAuction(listing, [
      { id: 'a', pricePerTonneFen: -150_000, quantityKg: 20_000, seq: 1 },
      { id: 'b', pricePerTonneFen: -120_000, quantityKg: 20_000, seq: 2 },
      { id: 'c', pricePerTonneFen: -170_000, quantityKg: 20_000, seq: 3 },
      { id: 'd', pricePerTonneFen: -180_000, quantityKg: 20_000, seq: 4 },
    ]);
    expect(result.fills).to.deep.equal([
      { bidId: 'b', quantityKg: 20_000, pricePerTonneFen: -120_000 },
      { bidId: 'a', quantityKg: 20_000, pricePerTonneFen: -150_000 },
      { bidId: 'c', quantityKg: 10_000, pricePerTonneFen: -170_000 },
    ]);
    expect(result.lost).to.deep.equal(['d']);
    expect(lostReason(result, 'd')).to.equal('outbid');
  });

  it('never fills a bid worse than the reserve, even when the API let it through', () => {
    const result = allocateAuction({ side: 'supply', pricePerTonneFen: -189_300, remainingKg: 10_000 }, [
      { id: 'too-dear', pricePerTonneFen: -200_000, quantityKg: 10_000, seq: 1 },
    ]);
    expect(result.fills).to.deep.equal([]);
    expect(lostReason(result, 'too-dear')).to.equal('below_reserve');
    expect(result.remainingKg).to.equal(10_000);
  });

  it('on equal prices the earlier seq wins, whatever the input order', () => {
    const listing: EngineListing = { side: 'demand', pricePerTonneFen: 50_000, remainingKg: 1_000 };
    const late = { id: 'late', pricePerTonneFen: 40_000, quantityKg: 1_000, seq: 9 };
    const early = { id: 'early', pricePerTonneFen: 40_000, quantityKg: 1_000, seq: 3 };
    expect(allocateAuction(listing, [late, early]).won).to.deep.equal(['early']);
    expect(allocateAuction(listing, [early, late]).won).to.deep.equal(['early']);
  });

  it('passes over a bid whose share would leave a remnant below the lot, and gives the lot to the next bid that takes it whole', () => {
    // 15 t, lot 10 t. The best bid wants 12 t: that would leave 3 t, cutting back to 5 t is below the lot.
    const result = allocateAuction({ side: 'supply', pricePerTonneFen: 100, remainingKg: 15_000, minLotKg: 10_000 }, [
      { id: 'best', pricePerTonneFen: 300, quantityKg: 12_000, seq: 1 },
      { id: 'next', pricePerTonneFen: 200, quantityKg: 15_000, seq: 2 },
    ]);
    expect(result.won).to.deep.equal(['next']);
    expect(lostReason(result, 'best')).to.equal('min_lot_conflict');
  });

  it('never serves a bid for less than the minimum lot (below_min_lot)', () => {
    const result = allocateAuction({ side: 'supply', pricePerTonneFen: 100, remainingKg: 50_000, minLotKg: 10_000 }, [
      { id: 'small', pricePerTonneFen: 900, quantityKg: 5_000, seq: 1 },
    ]);
    expect(result.fills).to.deep.equal([]);
    expect(lostReason(result, 'small')).to.equal('below_min_lot');
  });

  it('rejects duplicate bid ids with EngineError DUPLICATE_ID', () => {
    const bid = { id: 'x', pricePerTonneFen: 1, quantityKg: 1, seq: 1 };
    expect(() => allocateAuction({ side: 'supply', pricePerTonneFen: 0, remainingKg: 5 }, [bid, { ...bid, seq: 2 }]))
      .to.throw(EngineError)
      .with.property('code', 'DUPLICATE_ID');
  });

  describe('properties', () => {
    it('conserves quantity: sum of fills + remaining = the listing quantity', () => {
      fc.assert(
        fc.property(anyAuction, ([listing, bids]) => {
          const r = allocateAuction(listing, bids);
          expect(filledKg(r) + r.remainingKg).to.equal(listing.remainingKg);
          for (const f of r.fills) {
            const bid = bids.find((b) => b.id === f.bidId)!;
            expect(f.quantityKg).to.be.within(1, bid.quantityKg);
          }
        }),
      );
    });

    it('every bid is either won or lost, exactly once, with one journal entry', () => {
      fc.assert(
        fc.property(anyAuction, ([listing, bids]) => {
          const r = allocateAuction(listing, bids);
          expect([...r.won, ...r.lost].sort()).to.deep.equal(bids.map((b) => b.id).sort());
          expect(r.fills.map((f) => f.bidId)).to.deep.equal(r.won);
          expect(r.journal).to.have.length(bids.length);
        }),
      );
    });

    it('never fills below the reserve, and each fill is at the bid’s own price', () => {
      fc.assert(
        fc.property(anyAuction, ([listing, bids]) => {
          const r = allocateAuction(listing, bids);
          for (const f of r.fills) {
            expect(
              atOrBetter(listing, f.pricePerTonneFen),
              `fill at ${f.pricePerTonneFen} vs reserve ${listing.pricePerTonneFen}`,
            ).to.equal(true);
            expect(f.pricePerTonneFen).to.equal(bids.find((b) => b.id === f.bidId)!.pricePerTonneFen);
          }
        }),
      );
    });

    it('price-time priority: fills run best price first, earlier seq first on equal prices; a better bid loses to a worse one only by the min-lot rule', () => {
      fc.assert(
        fc.property(anyAuction, ([listing, bids]) => {
          const r = allocateAuction(listing, bids);
          const byId = new Map(bids.map((b) => [b.id, b]));
          const winners = r.won.map((id) => byId.get(id)!);
          for (let i = 1; i < winners.length; i++) {
            expect(compareAuctionBids(listing.side, winners[i - 1]!, winners[i]!)).to.be.lessThan(0);
          }
          const ranked = [...bids].sort((a, b) => compareAuctionBids(listing.side, a, b));
          const wonSet = new Set(r.won);
          const minLot = listing.minLotKg;
          let remainingBefore = listing.remainingKg;
          for (const bid of ranked) {
            const laterWinner = ranked.slice(ranked.indexOf(bid) + 1).some((w) => wonSet.has(w.id));
            if (wonSet.has(bid.id)) {
              remainingBefore -= r.fills.find((f) => f.bidId === bid.id)!.quantityKg;
            } else if (laterWinner) {
              // A lost bid ranked above a winner: only because serving it at its turn broke the lot rule.
              expect(lostReason(r, bid.id)).to.be.oneOf(['min_lot_conflict', 'below_min_lot']);
              expect(
                bid.quantityKg < Math.min(minLot, listing.remainingKg) || lotFill(bid.quantityKg, remainingBefore, minLot) === 0,
              ).to.equal(true);
            }
          }
          // Strictly better than a winner means by price: such a loser must be a lot-rule casualty.
          for (const loser of r.lost) {
            const l = byId.get(loser)!;
            const reason = lostReason(r, loser);
            if (
              winners.some((w) =>
                listing.side === 'supply' ? l.pricePerTonneFen > w.pricePerTonneFen : l.pricePerTonneFen < w.pricePerTonneFen,
              )
            ) {
              expect(reason).to.be.oneOf(['min_lot_conflict', 'below_min_lot']);
            }
          }
        }),
      );
    });

    it('without a minimum lot, no lost bid is better than a filled one', () => {
      fc.assert(
        fc.property(listingArb, bidsArb, (listing, bids) => {
          const l = { ...listing, minLotKg: 1 };
          const r = allocateAuction(l, bids);
          const byId = new Map(bids.map((b) => [b.id, b]));
          for (const loser of r.lost) {
            for (const winner of r.won) {
              expect(compareAuctionBids(l.side, byId.get(loser)!, byId.get(winner)!)).to.be.greaterThan(0);
            }
          }
        }),
      );
    });

    it('partial fills respect the minimum lot: each fill ≥ lot unless it takes the whole remainder; the remainder is 0 or ≥ lot', () => {
      fc.assert(
        fc.property(anyAuction, ([listing, bids]) => {
          const r = allocateAuction(listing, bids);
          const lot = listing.minLotKg;
          let left = listing.remainingKg;
          for (const f of r.fills) {
            expect(f.quantityKg >= lot || f.quantityKg === left, `fill ${f.quantityKg} with ${left} left, lot ${lot}`).to.equal(
              true,
            );
            left -= f.quantityKg;
            if (listing.remainingKg >= lot) expect(left === 0 || left >= lot, `left ${left}, lot ${lot}`).to.equal(true);
          }
          expect(left).to.equal(r.remainingKg);
        }),
      );
    });

    it('is deterministic for any permutation of the input, equal prices included', () => {
      fc.assert(
        fc.property(
          anyAuction.chain(([listing, bids]) =>
            fc.tuple(
              fc.constant(listing),
              fc.constant(bids),
              fc.shuffledSubarray(bids, { minLength: bids.length, maxLength: bids.length }),
            ),
          ),
          ([listing, bids, shuffled]) => {
            expect(allocateAuction(listing, shuffled)).to.deep.equal(allocateAuction(listing, bids));
          },
        ),
      );
    });

    it('a demand listing mirrors a supply listing (negate the prices, swap the side)', () => {
      const negate = (p: number): number => (p === 0 ? 0 : -p);
      fc.assert(
        fc.property(anyAuction, ([listing, bids]) => {
          const r = allocateAuction(listing, bids);
          const m = allocateAuction(
            {
              ...listing,
              side: listing.side === 'supply' ? 'demand' : 'supply',
              pricePerTonneFen: negate(listing.pricePerTonneFen),
            },
            bids.map((b): EngineAuctionBid => ({ ...b, pricePerTonneFen: negate(b.pricePerTonneFen) })),
          );
          expect(m.won).to.deep.equal(r.won);
          expect(m.lost).to.deep.equal(r.lost);
          expect(m.remainingKg).to.equal(r.remainingKg);
          expect(m.fills.map((f) => ({ ...f, pricePerTonneFen: negate(f.pricePerTonneFen) }))).to.deep.equal(r.fills);
        }),
      );
    });
  });
});
