/**
 * Money and quantity arithmetic. Money is integer fen, quantities integer kg, prices fen per tonne.
 * price × kg can reach 10^17, beyond Number's exact range, so products are computed with BigInt and
 * rounded half up (away from zero on the magnitude) in one place.
 */

export const MAX_KG = 1_000_000_000;
export const MAX_ABS_PRICE_FEN = 100_000_000;

/** |a| / b rounded half up, for non-negative b > 0. */
function divHalfUp(numerator: bigint, denominator: bigint): bigint {
  const n = numerator < 0n ? -numerator : numerator;
  return (n * 2n + denominator) / (denominator * 2n);
}

/** What the payer pays the payee for `kg` at `pricePerTonneFen`: |price × kg| / 1000, half up. */
export function amountFen(pricePerTonneFen: number, kg: number): number {
  return toSafeNumber(divHalfUp(BigInt(pricePerTonneFen) * BigInt(kg), 1000n));
}

/** `basisPoints` of `amount` (both non-negative), half up. */
export function basisPointsOf(amount: number, basisPoints: number): number {
  return toSafeNumber(divHalfUp(BigInt(amount) * BigInt(basisPoints), 10_000n));
}

/** A per-tonne fee on `kg`, half up. */
export function perTonneFen(feeFenPerTonne: number, kg: number): number {
  return toSafeNumber(divHalfUp(BigInt(feeFenPerTonne) * BigInt(kg), 1000n));
}

export function toSafeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`amount ${value} is beyond the exact integer range`);
  }
  return Number(value);
}

/** Formats fen as yuan with two decimals and thousands separators, e.g. 270000 → "2,700.00". */
export function formatYuan(fen: number): string {
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100).toLocaleString('en-US');
  const cents = String(abs % 100).padStart(2, '0');
  return `${fen < 0 ? '-' : ''}${yuan}.${cents}`;
}
