import { expect } from 'chai';
import fc from 'fast-check';
import { amountFen, basisPointsOf, perTonneFen, MAX_ABS_PRICE_FEN, MAX_KG } from '../../shared/src/money.js';

/** The reference: |price × kg| / 1000 half up, in BigInt. */
const exact = (price: number, kg: number): bigint => {
  const n = BigInt(Math.abs(price)) * BigInt(kg);
  return (n * 2n + 1000n) / 2000n;
};

describe('money (DESIGN §6.1)', () => {
  it('amountFen at 1 kg rounds half up: 500 fen/t → 1 fen (0.5), 499 → 0, 1500 → 2 (1.5)', () => {
    expect(amountFen(500, 1)).to.equal(1);
    expect(amountFen(499, 1)).to.equal(0);
    expect(amountFen(1500, 1)).to.equal(2);
    expect(amountFen(2500, 1)).to.equal(3);
  });

  it('amountFen takes the magnitude: a disposal fee rounds the same way as a price', () => {
    expect(amountFen(-500, 1)).to.equal(1);
    expect(amountFen(-499, 1)).to.equal(0);
    expect(amountFen(-189_300, 20_000)).to.equal(3_786_000);
  });

  it('amountFen of price 0 is 0 for any quantity', () => {
    expect(amountFen(0, 1)).to.equal(0);
    expect(amountFen(0, MAX_KG)).to.equal(0);
  });

  it('amountFen at the extremes (10^9 kg × 10^8 fen/t = 10^14 fen) is exact', () => {
    expect(amountFen(MAX_ABS_PRICE_FEN, MAX_KG)).to.equal(100_000_000_000_000);
    expect(amountFen(-MAX_ABS_PRICE_FEN, MAX_KG)).to.equal(100_000_000_000_000);
    expect(amountFen(MAX_ABS_PRICE_FEN - 1, MAX_KG - 1)).to.equal(Number(exact(MAX_ABS_PRICE_FEN - 1, MAX_KG - 1)));
    expect(amountFen(MAX_ABS_PRICE_FEN, 1)).to.equal(100_000);
    expect(amountFen(1, MAX_KG)).to.equal(1_000_000);
  });

  it('basisPointsOf rounds half up: 1 % of 50 fen is 0.5 → 1; of 49 → 0; 100 % is the amount', () => {
    expect(basisPointsOf(50, 100)).to.equal(1);
    expect(basisPointsOf(49, 100)).to.equal(0);
    expect(basisPointsOf(3_786_000, 100)).to.equal(37_860);
    expect(basisPointsOf(12_345, 10_000)).to.equal(12_345);
    expect(basisPointsOf(12_345, 0)).to.equal(0);
  });

  it('perTonneFen: the eco fee of 3000 fen/t on 1 kg is 3 fen, on 0.5 of a fen rounds up', () => {
    expect(perTonneFen(3000, 1)).to.equal(3);
    expect(perTonneFen(3000, 20_000)).to.equal(60_000);
    expect(perTonneFen(500, 1)).to.equal(1);
    expect(perTonneFen(499, 1)).to.equal(0);
  });

  it('property: amountFen equals the BigInt reference over the whole range and is symmetric in the sign', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -MAX_ABS_PRICE_FEN, max: MAX_ABS_PRICE_FEN }),
        fc.integer({ min: 1, max: MAX_KG }),
        (p, kg) => {
          const a = amountFen(p, kg);
          expect(Number.isSafeInteger(a)).to.equal(true);
          expect(BigInt(a)).to.equal(exact(p, kg));
          expect(amountFen(-p, kg)).to.equal(a);
        },
      ),
    );
  });

  it('property: amountFen is within half a fen of the true value and monotone in kg', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_ABS_PRICE_FEN }), fc.integer({ min: 1, max: MAX_KG - 1 }), (p, kg) => {
        const err = BigInt(amountFen(p, kg)) * 1000n - BigInt(p) * BigInt(kg);
        expect(err <= 500n && err > -500n).to.equal(true);
        expect(amountFen(p, kg + 1)).to.be.at.least(amountFen(p, kg));
      }),
    );
  });

  it('property: basisPointsOf never exceeds the amount and is within half a fen', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000_000_000 }), fc.integer({ min: 0, max: 10_000 }), (amount, bp) => {
        const fee = basisPointsOf(amount, bp);
        expect(fee).to.be.at.most(amount);
        const err = BigInt(fee) * 10_000n - BigInt(amount) * BigInt(bp);
        expect(err <= 5_000n && err > -5_000n).to.equal(true);
      }),
    );
  });
});
