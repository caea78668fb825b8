/**
 * Fixed-price mode (DESIGN §5.3): a bid at or better than the listing price matches at once, at
 * the LISTING price, for as much as the minimum-lot rule allows (see `lotFill`).
 */
import { checkId, checkKg, checkListing, checkPrice, lotFill, merit } from './rules.js';
import type { EngineBid, EngineFill, EngineListing, ListingJournalEntry, NoFillReason } from './types.js';

export type FixedNoMatchReason = Extract<NoFillReason, 'listing_empty' | 'worse_than_ask' | 'below_min_lot'>;

export type FixedMatchResult =
  | {
      matched: true;
      /** Exactly one fill, at the listing's price. */
      fills: [EngineFill];
      /** Listing quantity left: 0 or ≥ minLotKg (given it started so). */
      remainingKg: number;
      /** What the bid asked for and did not get (the min-lot rule or a small remainder can cut it). */
      bidUnfilledKg: number;
      journal: ListingJournalEntry[];
    }
  | {
      matched: false;
      reason: FixedNoMatchReason;
      fills: [];
      remainingKg: number;
      bidUnfilledKg: number;
      journal: ListingJournalEntry[];
    };

export function matchFixed(listing: EngineListing, bid: EngineBid): FixedMatchResult {
  const minLot = checkListing(listing);
  checkId(bid.id, 'bid id');
  checkPrice(bid.pricePerTonneFen, 'bid pricePerTonneFen');
  checkKg(bid.quantityKg, 'bid quantityKg');

  const remaining = listing.remainingKg;
  const noMatch = (reason: FixedNoMatchReason): FixedMatchResult => ({
    matched: false,
    reason,
    fills: [],
    remainingKg: remaining,
    bidUnfilledKg: bid.quantityKg,
    journal: [{ type: 'lost', bidId: bid.id, reason }],
  });

  if (remaining === 0) return noMatch('listing_empty');
  if (merit(listing.side, bid.pricePerTonneFen) < merit(listing.side, listing.pricePerTonneFen)) {
    return noMatch('worse_than_ask');
  }
  const quantityKg = lotFill(bid.quantityKg, remaining, minLot);
  if (quantityKg === 0) return noMatch('below_min_lot');

  const fill: EngineFill = { bidId: bid.id, quantityKg, pricePerTonneFen: listing.pricePerTonneFen };
  const remainingKg = remaining - quantityKg;
  return {
    matched: true,
    fills: [fill],
    remainingKg,
    bidUnfilledKg: bid.quantityKg - quantityKg,
    journal: [{ type: 'fill', ...fill, remainingKg }],
  };
}
