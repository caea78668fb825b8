/**
 * The rules every mode shares: input ranges, which price is better for a listing side, and the
 * minimum-lot rule. Kept in one place so fixed, auction and their tests agree by construction.
 */
import { MAX_ABS_PRICE_FEN, MAX_KG } from '../../../../../shared/src/money.js';
import { EngineError, type EngineListing, type ListingSide } from './types.js';

// Local copies: these checks run on every book operation, and reading an imported binding in a
// hot path showed up as a getter in profiles.
const MAX_PRICE = MAX_ABS_PRICE_FEN;
const MAX_QUANTITY = MAX_KG;

export function checkPrice(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || Math.abs(value) > MAX_PRICE) {
    throw new EngineError('INVALID_INPUT', `${what} must be an integer fen per tonne with |price| ≤ ${MAX_PRICE}, got ${value}`);
  }
}

/** Quantities are 1 ≤ kg ≤ 10^9; `allowZero` for what is left on a listing. */
export function checkKg(value: number, what: string, allowZero = false): void {
  if (!Number.isSafeInteger(value) || value > MAX_QUANTITY || value < (allowZero ? 0 : 1)) {
    throw new EngineError(
      'INVALID_INPUT',
      `${what} must be an integer kg in [${allowZero ? 0 : 1}, ${MAX_QUANTITY}], got ${value}`,
    );
  }
}

export function checkId(value: unknown, what: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new EngineError('INVALID_INPUT', `${what} must be a non-empty string`);
  }
}

export function checkListing(listing: EngineListing): number {
  if (listing.side !== 'supply' && listing.side !== 'demand') {
    throw new EngineError('INVALID_INPUT', `listing side must be supply or demand, got ${String(listing.side)}`);
  }
  checkPrice(listing.pricePerTonneFen, 'listing pricePerTonneFen');
  checkKg(listing.remainingKg, 'listing remainingKg', true);
  const minLot = listing.minLotKg ?? 1;
  checkKg(minLot, 'listing minLotKg');
  return minLot;
}

/**
 * A price turned into "higher is better for the listing owner": on a supply listing the generator
 * wants the receiver to pay more; on a demand listing the recycler wants to pay less (DESIGN §6.2).
 */
export function merit(side: ListingSide, pricePerTonneFen: number): number {
  return side === 'supply' ? pricePerTonneFen : -pricePerTonneFen;
}

/**
 * The minimum-lot rule, the same for fixed and auction:
 *
 *   fill = min(requested, remaining)
 *   if 0 < remaining − fill < minLot:  fill = remaining − minLot   (leave exactly one lot behind)
 *   if fill < minLot and fill < remaining:  no fill                (too small, and not the last piece)
 *
 * So after every fill the listing holds 0 or ≥ minLot, and every fill is ≥ minLot unless it
 * takes the whole remainder. Returns 0 for "no fill".
 */
export function lotFill(requestedKg: number, remainingKg: number, minLotKg: number): number {
  let fill = Math.min(requestedKg, remainingKg);
  if (fill < remainingKg && remainingKg - fill < minLotKg) fill = remainingKg - minLotKg;
  if (fill < minLotKg && fill < remainingKg) return 0;
  return fill > 0 ? fill : 0;
}
