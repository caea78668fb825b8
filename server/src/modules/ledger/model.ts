/**
 * The ledger's rules, pure: account ids, what may go negative, and what makes a transfer valid.
 * The database enforces the same rules (migration 0003: balanced at commit, append-only, balance
 * checks); this module states them once for the service and for the model tests.
 */
import type { TLedgerAccountKind } from '../../../../shared/src/schemas/ledger.js';

export type AccountKind = TLedgerAccountKind;

export interface AccountSpec {
  id: string;
  kind: AccountKind;
  orgId: string | null;
  district: string | null;
  provider: string | null;
}

/** Deterministic account ids: a use case names its accounts without a lookup. */
export const Accounts = {
  escrow: (orgId: string) => `escrow:${orgId}`,
  payable: (orgId: string) => `payable:${orgId}`,
  platformFees: 'platform:fees',
  fund: (district: string) => `fund:${district}`,
  clearing: (provider: string) => `clearing:${provider}`,
} as const;

export function accountSpec(id: string): AccountSpec {
  const [prefix, rest] = [id.slice(0, id.indexOf(':')), id.slice(id.indexOf(':') + 1)];
  if (!rest) throw new Error(`not a ledger account id: ${id}`);
  switch (prefix) {
    case 'escrow':
      return { id, kind: 'escrow', orgId: rest, district: null, provider: null };
    case 'payable':
      return { id, kind: 'payable', orgId: rest, district: null, provider: null };
    case 'platform':
      if (rest !== 'fees') break;
      return { id, kind: 'platform_fee', orgId: null, district: null, provider: null };
    case 'fund':
      return { id, kind: 'eco_fund', orgId: null, district: rest, provider: null };
    case 'clearing':
      return { id, kind: 'clearing', orgId: null, district: null, provider: rest };
  }
  throw new Error(`not a ledger account id: ${id}`);
}

/**
 * Which balances a kind allows. Escrow, fee income and funds hold real money and never go below
 * zero. A clearing account mirrors the outside world (money in is a debit), so it never goes above
 * zero: the platform never sends out more through a provider than came in through it. A payable
 * may go below zero: the org then owes the platform (a generator whose eco fee exceeds its proceeds).
 */
export function allowedBalance(kind: AccountKind, balanceFen: bigint): boolean {
  switch (kind) {
    case 'escrow':
    case 'platform_fee':
    case 'eco_fund':
      return balanceFen >= 0n;
    case 'clearing':
      return balanceFen <= 0n;
    case 'payable':
      return true;
  }
}

export interface EntryInput {
  accountId: string;
  amountFen: number;
}

export class LedgerRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerRuleError';
  }
}

/**
 * The entries of one transfer as stored: one per account (same-account amounts merged), no zero
 * amounts, sorted by account id (the order the balance rows are locked in, so two transfers never
 * wait on each other in opposite orders). Throws unless they are integers that sum to zero; an
 * empty list means "nothing moves".
 */
export function normaliseEntries(entries: readonly EntryInput[]): EntryInput[] {
  const byAccount = new Map<string, bigint>();
  for (const e of entries) {
    if (!Number.isSafeInteger(e.amountFen))
      throw new LedgerRuleError(`amount ${e.amountFen} for ${e.accountId} is not an integer number of fen`);
    accountSpec(e.accountId);
    byAccount.set(e.accountId, (byAccount.get(e.accountId) ?? 0n) + BigInt(e.amountFen));
  }
  for (const [accountId, amount] of byAccount)
    if (amount > BigInt(Number.MAX_SAFE_INTEGER) || amount < -BigInt(Number.MAX_SAFE_INTEGER))
      throw new LedgerRuleError(`amount for ${accountId} is beyond the exact integer range`);
  const out = [...byAccount]
    .filter(([, amount]) => amount !== 0n)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([accountId, amount]) => ({ accountId, amountFen: Number(amount) }));
  const sum = out.reduce((s, e) => s + BigInt(e.amountFen), 0n);
  // A balanced transfer with any amount touches at least two accounts (the database checks that too).
  if (sum !== 0n) throw new LedgerRuleError(`transfer does not balance: entries sum to ${sum} fen`);
  return out;
}

/** Applies a transfer to balances held in memory (the model the property tests compare with). */
export function applyEntries(balances: Map<string, bigint>, entries: readonly EntryInput[]): Map<string, bigint> {
  const next = new Map(balances);
  for (const e of normaliseEntries(entries)) {
    const after = (next.get(e.accountId) ?? 0n) + BigInt(e.amountFen);
    if (!allowedBalance(accountSpec(e.accountId).kind, after))
      throw new LedgerRuleError(`${e.accountId} would go to ${after} fen`);
    next.set(e.accountId, after);
  }
  return next;
}
