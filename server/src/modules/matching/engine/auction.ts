/**
 * Sealed-bid auction close (DESIGN §5.3). The listing price is the reserve: a bid worse than it
 * never fills, whatever the API let through. Quantity goes to bids in price-time order — merit
 * first (higher price on a supply listing, lower on a demand listing), then the caller's `seq`,
 * then the bid id, so the allocation is the same for any input order — each at ITS OWN price.
 *
 * Minimum lot: a bid for less than min(minLot, quantity) is never served ('below_min_lot'). Each
 * bid in turn gets `lotFill(its quantity, what is left)`; the last one may be partial. If serving
 * a bid would leave a remnant below the minimum lot and its own share would then be below the
 * minimum lot too, that bid is passed over ('min_lot_conflict') and allocation goes on to the
 * next bid, which may take the remnant whole. This is the one case where a better bid loses to a
 * worse one: the alternative (stopping) would leave the lot unsold although a bidder wanted it.
 */
import { checkId, checkKg, checkListing, checkPrice, lotFill, merit } from './rules.js';
import { EngineError, type EngineAuctionBid, type EngineFill, type EngineListing, type ListingJournalEntry } from './types.js';

export interface AuctionResult {
  /** In allocation order (best bid first); each at the bid's own price. */
  fills: EngineFill[];
  /** Ids of bids that received quantity, best first. */
  won: string[];
  /** Ids of bids that received nothing, in rank order; the journal says why. */
  lost: string[];
  /** Listing quantity nobody took. */
  remainingKg: number;
  /** One entry per bid, in rank order: a `fill` or a `lost` with its reason. */
  journal: ListingJournalEntry[];
}

/** Rank order: better price, then earlier seq, then id (code-unit order) — a total order on distinct ids. */
export function compareAuctionBids(side: EngineListing['side'], a: EngineAuctionBid, b: EngineAuctionBid): number {
  const byPrice = merit(side, b.pricePerTonneFen) - merit(side, a.pricePerTonneFen);
  if (byPrice !== 0) return byPrice;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function allocateAuction(listing: EngineListing, bids: readonly EngineAuctionBid[]): AuctionResult {
  const minLot = checkListing(listing);
  const seen = new Set<string>();
  for (const bid of bids) {
    checkId(bid.id, 'bid id');
    checkPrice(bid.pricePerTonneFen, `bid ${bid.id} pricePerTonneFen`);
    checkKg(bid.quantityKg, `bid ${bid.id} quantityKg`);
    if (!Number.isSafeInteger(bid.seq)) throw new EngineError('INVALID_INPUT', `bid ${bid.id} seq must be an integer`);
    if (seen.has(bid.id)) throw new EngineError('DUPLICATE_ID', `bid id ${bid.id} appears twice`);
    seen.add(bid.id);
  }

  const reserve = merit(listing.side, listing.pricePerTonneFen);
  const smallestServable = Math.min(minLot, listing.remainingKg);
  const ranked = [...bids].sort((a, b) => compareAuctionBids(listing.side, a, b));

  const result: AuctionResult = { fills: [], won: [], lost: [], remainingKg: listing.remainingKg, journal: [] };
  const lose = (bidId: string, reason: Extract<ListingJournalEntry, { type: 'lost' }>['reason']): void => {
    result.lost.push(bidId);
    result.journal.push({ type: 'lost', bidId, reason });
  };

  for (const bid of ranked) {
    if (merit(listing.side, bid.pricePerTonneFen) < reserve) {
      lose(bid.id, 'below_reserve');
    } else if (listing.remainingKg === 0) {
      lose(bid.id, 'listing_empty');
    } else if (bid.quantityKg < smallestServable) {
      lose(bid.id, 'below_min_lot');
    } else if (result.remainingKg === 0) {
      lose(bid.id, 'outbid');
    } else {
      const quantityKg = lotFill(bid.quantityKg, result.remainingKg, minLot);
      if (quantityKg === 0) {
        lose(bid.id, 'min_lot_conflict');
        continue;
      }
      result.remainingKg -= quantityKg;
      const fill: EngineFill = { bidId: bid.id, quantityKg, pricePerTonneFen: bid.pricePerTonneFen };
      result.fills.push(fill);
      result.won.push(bid.id);
      result.journal.push({ type: 'fill', ...fill, remainingKg: result.remainingKg });
    }
  }
  return result;
}
