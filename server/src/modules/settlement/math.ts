/**
 * How escrow splits at settlement (DESIGN §5.4, §5.7), pure. Everything is integer fen computed with
 * the money helpers (BigInt products, half up).
 *
 *   accepted   = min(acceptedKg, quantityKg)
 *   amount     = |price| × accepted / 1000                 what the payer owes the payee for that weight
 *   platform   = PLATFORM_FEE_BP of amount                 borne by the payee, always
 *   eco        = eco rate × accepted / 1000               borne by the generator, always; only when the
 *                (capped at the trade's eco fee)           trade carries one (leaving its district); the rate
 *                                                          is the trade's own, fixed when it was created
 *   payee gets amount − platform (− eco when the generator is the payee)
 *   the fund gets eco, the platform gets platform
 *   the payer gets back escrow − amount (− eco when the generator is the payer)
 *
 * Escrow holds what the payer paid: the contracted amount, plus the contracted eco fee when the
 * generator paid. Each part is monotone in the weight, so the payer's remainder is never negative.
 * The payee's share is negative only when a generator-payee's eco fee exceeds its proceeds: it then
 * owes the platform the difference (its payable account goes below zero).
 */
import { amountFen, basisPointsOf, perTonneFen } from '../../../../shared/src/money.js';

export interface SettlementTerms {
  pricePerTonneFen: number;
  quantityKg: number;
  /** The trade's eco fee on the contracted weight (0: none due). */
  ecoCompensationFen: number;
  generatorIsPayer: boolean;
}

export interface SettlementRates {
  platformFeeBp: number;
  ecoFeeFenPerTonne: number;
}

export interface SettlementSplit {
  acceptedKg: number;
  amountFen: number;
  platformFeeFen: number;
  ecoFen: number;
  /** To the payee's payable; negative when the payee is the generator and owes more eco fee than it earned. */
  payeeFen: number;
  /** Back to the payer. */
  refundFen: number;
  /** Released from the payer's escrow: everything it held for the trade. */
  escrowFen: number;
}

export class SettlementMathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettlementMathError';
  }
}

export function settlementSplit(
  terms: SettlementTerms,
  rates: SettlementRates,
  acceptedKg: number,
  escrowFen: number,
): SettlementSplit {
  if (!Number.isSafeInteger(acceptedKg) || acceptedKg < 0)
    throw new SettlementMathError(`accepted kg ${acceptedKg} is not a non-negative integer`);
  const accepted = Math.min(acceptedKg, terms.quantityKg);
  const amount = amountFen(terms.pricePerTonneFen, accepted);
  const platform = basisPointsOf(amount, rates.platformFeeBp);
  const eco =
    terms.ecoCompensationFen > 0 ? Math.min(perTonneFen(rates.ecoFeeFenPerTonne, accepted), terms.ecoCompensationFen) : 0;
  const payee = amount - platform - (terms.generatorIsPayer ? 0 : eco);
  const refund = escrowFen - amount - (terms.generatorIsPayer ? eco : 0);
  if (refund < 0)
    throw new SettlementMathError(
      `escrow of ${escrowFen} fen does not cover ${amount} fen${terms.generatorIsPayer ? ` and an eco fee of ${eco} fen` : ''}`,
    );
  return {
    acceptedKg: accepted,
    amountFen: amount,
    platformFeeFen: platform,
    ecoFen: eco,
    payeeFen: payee,
    refundFen: refund,
    escrowFen,
  };
}

/** What the payer pays into escrow at funding: the contracted amount, plus the eco fee when the generator pays. */
export function fundingFen(
  terms: Pick<SettlementTerms, 'pricePerTonneFen' | 'quantityKg' | 'ecoCompensationFen' | 'generatorIsPayer'>,
): number {
  if (terms.pricePerTonneFen === 0) return 0;
  return amountFen(terms.pricePerTonneFen, terms.quantityKg) + (terms.generatorIsPayer ? terms.ecoCompensationFen : 0);
}

export interface SettlementAccounts {
  payerEscrow: string;
  payeePayable: string;
  platformFees: string;
  fund: string;
  /** Where the remainder goes: the provider's clearing account (sent back now) or the payer's payable (owed). */
  refundTo: string;
}

/** The one transfer of a settlement; its entries sum to zero (zero amounts are dropped by the ledger). */
export function settlementEntries(split: SettlementSplit, a: SettlementAccounts): { accountId: string; amountFen: number }[] {
  return [
    { accountId: a.payerEscrow, amountFen: -split.escrowFen },
    { accountId: a.payeePayable, amountFen: split.payeeFen },
    { accountId: a.platformFees, amountFen: split.platformFeeFen },
    { accountId: a.fund, amountFen: split.ecoFen },
    { accountId: a.refundTo, amountFen: split.refundFen },
  ];
}
