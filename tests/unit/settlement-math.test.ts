import { expect } from 'chai';
import fc from 'fast-check';
import {
  fundingFen,
  settlementEntries,
  settlementSplit,
  SettlementMathError,
  type SettlementTerms,
} from '../../server/src/modules/settlement/math.js';
import { amountFen, perTonneFen } from '../../shared/src/money.js';

const RATES = { platformFeeBp: 100, ecoFeeFenPerTonne: 3000 };
const ACCOUNTS = {
  payerEscrow: 'escrow:payer',
  payeePayable: 'payable:payee',
  platformFees: 'platform:fees',
  fund: 'fund:330604',
  refundTo: 'clearing:stripe',
};

/** Terms as a trade carries them: eco fee on the contracted weight when it applies. */
function terms(price: number, quantityKg: number, eco: boolean): SettlementTerms {
  return {
    pricePerTonneFen: price,
    quantityKg,
    ecoCompensationFen: eco ? perTonneFen(RATES.ecoFeeFenPerTonne, quantityKg) : 0,
    generatorIsPayer: price < 0,
  };
}

function settle(price: number, quantityKg: number, acceptedKg: number, eco = false) {
  const t = terms(price, quantityKg, eco);
  return settlementSplit(t, RATES, acceptedKg, fundingFen(t));
}

const sum = (entries: { amountFen: number }[]) => entries.reduce((s, e) => s + e.amountFen, 0);

describe('settlement math', () => {
  describe('who bears which fee', () => {
    it('at a positive price the receiver pays; the generator (payee) bears the platform fee and the eco fee', () => {
      // 10 t of hazardous material at ¥1,000/t leaving its district: amount ¥10,000, fee 1 %, eco ¥30/t.
      const s = settle(100_000, 10_000, 10_000, true);
      expect(s).to.deep.include({
        amountFen: 1_000_000,
        platformFeeFen: 10_000,
        ecoFen: 30_000,
        refundFen: 0,
        escrowFen: 1_000_000,
      });
      expect(s.payeeFen, 'the generator is paid the amount less both fees').to.equal(1_000_000 - 10_000 - 30_000);
    });

    it('at a negative price the generator pays the amount and the eco fee into escrow; the receiver (payee) bears only the platform fee', () => {
      // 20 t of fly ash at a disposal fee of ¥1,893/t.
      const t = terms(-189_300, 20_000, true);
      expect(fundingFen(t), 'the generator funds amount + eco').to.equal(3_786_000 + 60_000);
      const s = settlementSplit(t, RATES, 20_000, fundingFen(t));
      expect(s).to.deep.include({ amountFen: 3_786_000, platformFeeFen: 37_860, ecoFen: 60_000, refundFen: 0 });
      expect(s.payeeFen, 'the receiver keeps the fee less the platform fee').to.equal(3_786_000 - 37_860);
    });

    it('without an eco fee due (general waste, or within the district) the fund gets nothing on either sign', () => {
      expect(settle(100_000, 10_000, 10_000).ecoFen).to.equal(0);
      expect(settle(-100_000, 10_000, 10_000).ecoFen).to.equal(0);
    });

    it('the platform fee is the payee’s and the eco fee the generator’s, on every sign and weight', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: -100_000_000, max: 100_000_000 }).filter((p) => p !== 0),
          fc.integer({ min: 1, max: 1_000_000_000 }),
          fc.double({ min: 0, max: 1.2, noNaN: true }),
          fc.boolean(),
          (price, qty, share, eco) => {
            const accepted = Math.floor(qty * share);
            const t = terms(price, qty, eco);
            const s = settlementSplit(t, RATES, accepted, fundingFen(t));
            const payerPaysIn = s.escrowFen - s.refundFen;
            if (price > 0) {
              // Receiver pays: exactly the amount; the generator-payee receives amount − platform − eco.
              expect(payerPaysIn).to.equal(s.amountFen);
              expect(s.payeeFen).to.equal(s.amountFen - s.platformFeeFen - s.ecoFen);
            } else {
              // Generator pays: the amount and the eco fee; the receiver-payee receives amount − platform.
              expect(payerPaysIn).to.equal(s.amountFen + s.ecoFen);
              expect(s.payeeFen).to.equal(s.amountFen - s.platformFeeFen);
            }
          },
        ),
        { numRuns: 500 },
      );
    });
  });

  describe('accepted weight', () => {
    it('a partial acceptance pays for the accepted kg and returns the rest to the payer', () => {
      const s = settle(-189_300, 20_000, 15_000, true);
      expect(s.amountFen).to.equal(2_839_500);
      expect(s.ecoFen).to.equal(45_000);
      expect(s.refundFen).to.equal(3_846_000 - 2_839_500 - 45_000);
    });

    it('more accepted than contracted is capped at the trade’s quantity', () => {
      const s = settle(258_500, 10_000, 12_000);
      expect(s.acceptedKg).to.equal(10_000);
      expect(s.refundFen).to.equal(0);
    });

    it('nothing accepted returns the whole escrow to the payer', () => {
      const t = terms(-189_300, 20_000, true);
      const s = settlementSplit(t, RATES, 0, fundingFen(t));
      expect(s).to.deep.include({ amountFen: 0, platformFeeFen: 0, ecoFen: 0, payeeFen: 0, refundFen: fundingFen(t) });
    });

    it('a negative or fractional weight is refused', () => {
      expect(() => settle(100, 10, -1)).to.throw(SettlementMathError);
      expect(() => settle(100, 10, 1.5)).to.throw(SettlementMathError);
    });

    it('escrow short of what is owed is refused rather than overdrawn', () => {
      expect(() => settlementSplit(terms(100_000, 1000, false), RATES, 1000, 99_999)).to.throw(
        SettlementMathError,
        /does not cover/,
      );
    });
  });

  describe('rounding at its edges (half up, in fen)', () => {
    it('1 kg at ¥1,000/t is 100 fen; its 1 % fee is 1 fen', () => {
      const s = settle(100_000, 1, 1);
      expect(s.amountFen).to.equal(100);
      expect(s.platformFeeFen).to.equal(1);
    });

    it('1 kg at 500 fen/t rounds 0.5 fen up to 1; at 499 fen/t down to 0', () => {
      expect(settle(500, 1, 1).amountFen).to.equal(1);
      expect(settle(499, 1, 1).amountFen).to.equal(0);
      expect(settle(-500, 1, 1).amountFen, 'the magnitude rounds, whatever the sign').to.equal(1);
    });

    it('a fee of exactly half a fen rounds up: 50 fen at 1 % is 0.5 → 1', () => {
      expect(settle(50_000, 1, 1).platformFeeFen).to.equal(1);
      expect(settle(49_000, 1, 1).platformFeeFen, '49 fen → 0.49 → 0').to.equal(0);
    });

    it('10^9 kg at |price| 10^8 fen/t is 10^14 fen exactly, beyond float-safe products', () => {
      const s = settle(100_000_000, 1_000_000_000, 1_000_000_000);
      expect(s.amountFen).to.equal(100_000_000_000_000);
      expect(s.platformFeeFen).to.equal(1_000_000_000_000);
      const n = settle(-100_000_000, 1_000_000_000, 999_999_999, true);
      expect(n.amountFen).to.equal(99_999_999_900_000);
      expect(n.ecoFen).to.equal(2_999_999_997);
      expect(n.refundFen).to.equal(100_000 + 3);
    });

    it('price 0 moves no money; only an eco fee can be due', () => {
      const t = terms(0, 5_000, true);
      expect(fundingFen(t)).to.equal(0);
      const s = settlementSplit(t, RATES, 5_000, 0);
      expect(s).to.deep.include({ amountFen: 0, platformFeeFen: 0, refundFen: 0 });
      expect(s.ecoFen).to.equal(15_000);
    });

    it('eco fee on 1 kg at ¥30/t is 3 fen; on 1 kg at 1,500 fen/t 1.5 → 2', () => {
      expect(settle(-100_000, 1, 1, true).ecoFen).to.equal(3);
      expect(
        settlementSplit({ ...terms(-100_000, 1, true), ecoCompensationFen: 2 }, { ...RATES, ecoFeeFenPerTonne: 1500 }, 1, 102)
          .ecoFen,
      ).to.equal(2);
    });
  });

  describe('property: the settlement transfer', () => {
    it('always sums to zero, releases all of escrow, and never refunds a negative amount', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: -100_000_000, max: 100_000_000 }),
          fc.integer({ min: 1, max: 1_000_000_000 }),
          fc.integer({ min: 0, max: 1_100_000_000 }),
          fc.boolean(),
          fc.integer({ min: 0, max: 10_000 }),
          fc.integer({ min: 0, max: 100_000 }),
          (price, qty, accepted, eco, bp, ecoRate) => {
            const rates = { platformFeeBp: bp, ecoFeeFenPerTonne: ecoRate };
            const t: SettlementTerms = {
              pricePerTonneFen: price,
              quantityKg: qty,
              ecoCompensationFen: eco ? perTonneFen(ecoRate, qty) : 0,
              generatorIsPayer: price < 0,
            };
            const escrow = fundingFen(t);
            const s = settlementSplit(t, rates, accepted, escrow);
            expect(s.refundFen).to.be.at.least(0);
            expect(s.platformFeeFen).to.be.at.most(s.amountFen);
            expect(s.amountFen).to.equal(amountFen(price, Math.min(accepted, qty)));
            const entries = settlementEntries(s, ACCOUNTS);
            expect(sum(entries)).to.equal(0);
            expect(entries.find((e) => e.accountId === ACCOUNTS.payerEscrow)!.amountFen).to.equal(-escrow);
            if (accepted >= qty) expect(s.refundFen).to.equal(0);
          },
        ),
        { numRuns: 1000 },
      );
    });
  });
});
