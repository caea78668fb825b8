/**
 * Types shared by the three matching modes. The engine is pure: every id, `seq` and price comes
 * from the caller, and every result carries the journal entries that describe what changed, so
 * the I/O shell can persist them in the same transaction as the trades they create.
 *
 * Units (DESIGN §6.1): quantities are integer kg, prices integer fen per tonne. A price is what
 * the receiver of the material pays the generator (§6.2), so it may be negative (disposal fee).
 */

/** Which side posted a listing: a generator's `supply` or a recycler's `demand`. */
export type ListingSide = 'supply' | 'demand';

/** A listing as far as matching is concerned. */
export interface EngineListing {
  side: ListingSide;
  /** Fixed mode: the asking price. Auction mode: the reserve. */
  pricePerTonneFen: number;
  /** What is still unsold on the listing, ≥ 0. */
  remainingKg: number;
  /** Smallest lot the listing sells (or buys); omitted means 1 kg. */
  minLotKg?: number;
}

/** A bid on a supply listing, or an offer on a demand listing. */
export interface EngineBid {
  id: string;
  pricePerTonneFen: number;
  quantityKg: number;
}

/** An auction bid also carries its time priority: a caller-chosen sequence number, lower is earlier. */
export interface EngineAuctionBid extends EngineBid {
  seq: number;
}

/** One allocation of listing quantity to a bid, at the price the mode dictates. */
export interface EngineFill {
  bidId: string;
  quantityKg: number;
  pricePerTonneFen: number;
}

/** Why a bid received nothing. */
export type NoFillReason =
  /** The listing has nothing left. */
  | 'listing_empty'
  /** Fixed mode: the bid is worse than the listing's asking price (on either side). */
  | 'worse_than_ask'
  /** Auction mode: the bid is worse than the reserve (the API refuses these with BELOW_RESERVE). */
  | 'below_reserve'
  /** The bid is for less than the minimum lot and does not take the whole remainder. */
  | 'below_min_lot'
  /** Auction mode: when the bid's turn came, serving it would have left a remnant below the minimum lot. */
  | 'min_lot_conflict'
  /** Auction mode: better bids took the whole quantity. */
  | 'outbid';

/** Journal of a fixed match or an auction close, in the order things were decided. */
export type ListingJournalEntry =
  | {
      type: 'fill';
      bidId: string;
      quantityKg: number;
      pricePerTonneFen: number;
      /** Listing quantity left after this fill. */
      remainingKg: number;
    }
  | { type: 'lost'; bidId: string; reason: NoFillReason };

export type EngineErrorCode =
  /** An input is not an integer, or is out of the ranges of DESIGN §6.1. */
  | 'INVALID_INPUT'
  /** An order or bid id is used twice. */
  | 'DUPLICATE_ID'
  /** A book order's `seq` is not greater than every `seq` the book has seen. */
  | 'SEQ_NOT_INCREASING'
  /** A snapshot or journal does not describe a consistent book. */
  | 'CORRUPT_STATE';

/**
 * Thrown for inputs the I/O shell should never pass (validation lives in the zod contracts);
 * not for business outcomes such as "no match", which are ordinary results.
 */
export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}
