import { expect } from 'chai';
import fc from 'fast-check';
import {
  Accounts,
  accountSpec,
  allowedBalance,
  applyEntries,
  normaliseEntries,
  LedgerRuleError,
} from '../../server/src/modules/ledger/model.js';

const ORG_A = '11111111-1111-4111-8111-111111111111';
const ORG_B = '22222222-2222-4222-8222-222222222222';

describe('ledger model', () => {
  describe('account ids', () => {
    it('name each account kind and parse back to it', () => {
      expect(accountSpec(Accounts.escrow(ORG_A))).to.deep.include({ kind: 'escrow', orgId: ORG_A });
      expect(accountSpec(Accounts.payable(ORG_B))).to.deep.include({ kind: 'payable', orgId: ORG_B });
      expect(accountSpec(Accounts.platformFees)).to.deep.include({ kind: 'platform_fee', orgId: null });
      expect(accountSpec(Accounts.fund('330604'))).to.deep.include({ kind: 'eco_fund', district: '330604' });
      expect(accountSpec(Accounts.clearing('stripe'))).to.deep.include({ kind: 'clearing', provider: 'stripe' });
    });

    it('refuse an id of no known kind', () => {
      for (const bad of ['wallet:x', 'platform:bonus', 'escrow:', 'nocolon']) expect(() => accountSpec(bad), bad).to.throw();
    });
  });

  describe('what a kind allows', () => {
    it('escrow, fee income and funds never go below zero; clearing never above; payables either way', () => {
      expect(allowedBalance('escrow', -1n)).to.equal(false);
      expect(allowedBalance('platform_fee', -1n)).to.equal(false);
      expect(allowedBalance('eco_fund', -1n)).to.equal(false);
      expect(allowedBalance('clearing', 1n)).to.equal(false);
      expect(allowedBalance('clearing', -10n)).to.equal(true);
      expect(allowedBalance('payable', -10n)).to.equal(true);
      expect(allowedBalance('payable', 10n)).to.equal(true);
    });
  });

  describe('a transfer', () => {
    it('that does not sum to zero is refused', () => {
      expect(() =>
        normaliseEntries([
          { accountId: Accounts.clearing('simulated'), amountFen: -100 },
          { accountId: Accounts.escrow(ORG_A), amountFen: 99 },
        ]),
      ).to.throw(LedgerRuleError, /does not balance/);
    });

    it('whose amounts cancel out per account moves nothing (an empty list, posted as no transfer)', () => {
      expect(
        normaliseEntries([
          { accountId: Accounts.escrow(ORG_A), amountFen: 100 },
          { accountId: Accounts.escrow(ORG_A), amountFen: -100 },
          { accountId: Accounts.platformFees, amountFen: 0 },
        ]),
      ).to.deep.equal([]);
    });

    it('with a fractional or unsafe amount is refused', () => {
      expect(() =>
        normaliseEntries([
          { accountId: Accounts.clearing('simulated'), amountFen: -1.5 },
          { accountId: Accounts.escrow(ORG_A), amountFen: 1.5 },
        ]),
      ).to.throw(LedgerRuleError, /integer/);
      expect(() =>
        normaliseEntries([
          { accountId: Accounts.clearing('simulated'), amountFen: -(2 ** 60) },
          { accountId: Accounts.escrow(ORG_A), amountFen: 2 ** 60 },
        ]),
      ).to.throw(LedgerRuleError);
    });

    it('merges amounts per account, drops zeros and sorts by account id (the lock order)', () => {
      const out = normaliseEntries([
        { accountId: Accounts.platformFees, amountFen: 10 },
        { accountId: Accounts.escrow(ORG_A), amountFen: -30 },
        { accountId: Accounts.fund('330604'), amountFen: 0 },
        { accountId: Accounts.platformFees, amountFen: 20 },
      ]);
      expect(out).to.deep.equal([
        { accountId: Accounts.escrow(ORG_A), amountFen: -30 },
        { accountId: Accounts.platformFees, amountFen: 30 },
      ]);
    });

    it('that would overdraw escrow is refused by the model, leaving balances as they were', () => {
      const start = new Map([[Accounts.escrow(ORG_A), 50n]]);
      expect(() =>
        applyEntries(start, [
          { accountId: Accounts.escrow(ORG_A), amountFen: -60 },
          { accountId: Accounts.payable(ORG_B), amountFen: 60 },
        ]),
      ).to.throw(LedgerRuleError, /would go to -10/);
      expect(start.get(Accounts.escrow(ORG_A))).to.equal(50n);
    });
  });

  describe('property: any sequence of accepted transfers', () => {
    const ACCOUNTS = [
      Accounts.clearing('simulated'),
      Accounts.clearing('stripe'),
      Accounts.escrow(ORG_A),
      Accounts.escrow(ORG_B),
      Accounts.payable(ORG_A),
      Accounts.payable(ORG_B),
      Accounts.platformFees,
      Accounts.fund('330602'),
    ];
    const transfer = fc
      .array(fc.record({ account: fc.constantFrom(...ACCOUNTS), amount: fc.integer({ min: -1_000_000, max: 1_000_000 }) }), {
        minLength: 1,
        maxLength: 5,
      })
      .chain((parts) =>
        fc.constantFrom(...ACCOUNTS).map((balancing) => {
          const entries = parts.map((p) => ({ accountId: p.account, amountFen: p.amount }));
          entries.push({ accountId: balancing, amountFen: -parts.reduce((s, p) => s + p.amount, 0) });
          return entries;
        }),
      );

    it('keeps the sum of all balances at zero and every balance within what its kind allows', () => {
      fc.assert(
        fc.property(fc.array(transfer, { maxLength: 60 }), (transfers) => {
          let balances = new Map<string, bigint>();
          let accepted = 0;
          for (const t of transfers) {
            try {
              balances = applyEntries(balances, t);
              accepted++;
            } catch (err) {
              if (!(err instanceof LedgerRuleError)) throw err;
            }
          }
          const sum = [...balances.values()].reduce((s, b) => s + b, 0n);
          expect(sum).to.equal(0n);
          for (const [id, b] of balances) expect(allowedBalance(accountSpec(id).kind, b), `${id} = ${b}`).to.equal(true);
          return accepted >= 0;
        }),
        { numRuns: 300 },
      );
    });

    it('normalising is idempotent and never changes what each account receives', () => {
      fc.assert(
        fc.property(transfer, (t) => {
          let once: ReturnType<typeof normaliseEntries>;
          try {
            once = normaliseEntries(t);
          } catch (err) {
            expect(err).to.be.instanceOf(LedgerRuleError);
            return;
          }
          expect(normaliseEntries(once)).to.deep.equal(once);
          for (const id of ACCOUNTS) {
            const raw = t.filter((e) => e.accountId === id).reduce((s, e) => s + e.amountFen, 0);
            expect(once.find((e) => e.accountId === id)?.amountFen ?? 0).to.equal(raw);
          }
        }),
        { numRuns: 300 },
      );
    });
  });
});
