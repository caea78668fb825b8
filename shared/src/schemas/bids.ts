import { z } from 'zod';
import { zText } from './text.js';
import { ZJustification, ZKg, ZPricePerTonneFen } from './listings.js';
import { ZPriceCheck } from './prices.js';
import { ZCreditLevel } from './credit.js';

export const BID_STATUSES = ['active', 'won', 'lost', 'withdrawn'] as const;
export type TBidStatus = (typeof BID_STATUSES)[number];

/** POST /listings/:id/bids: a bid on a supply listing, or an offer on a demand listing. */
export const ZPlaceBidRequest = z.strictObject({
  pricePerTonneFen: ZPricePerTonneFen,
  quantityKg: ZKg,
  justification: ZJustification.optional(),
});
export type TPlaceBidRequest = z.infer<typeof ZPlaceBidRequest>;

export const ZBid = z.object({
  id: z.uuid(),
  listingId: z.uuid(),
  /** Shown to the bidder itself and to the listing's owner; null for other bidders. */
  orgId: z.uuid().nullable(),
  pricePerTonneFen: z.number().int(),
  quantityKg: z.number().int(),
  /** What the bid received (a fixed-price fill or an auction allocation). */
  filledKg: z.number().int(),
  justification: z.string().nullable(),
  priceCheck: ZPriceCheck,
  status: z.enum(BID_STATUSES),
  /** Trades this bid produced. */
  tradeIds: z.array(z.uuid()),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
  /** Whether this bid is the caller's own. */
  mine: z.boolean(),
  /** The bidder's credit level, shown with the bidder (orgId); null when the bidder is hidden. */
  bidderCreditLevel: ZCreditLevel.nullable().optional(),
});
export type TBid = z.infer<typeof ZBid>;

/**
 * GET /listings/:id/bids. On an open auction the bids are sealed: `items` holds only the caller's own
 * bids (none for the owner) and `count` how many there are in all.
 */
export const ZListingBids = z.object({ count: z.number().int(), sealed: z.boolean(), items: z.array(ZBid) });
export type TListingBids = z.infer<typeof ZListingBids>;

/** GET /bids: the caller's own bids ("my bids"). */
export const ZMyBidsQuery = z.strictObject({
  status: z.enum(BID_STATUSES).optional(),
  cursor: zText().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type TMyBidsQuery = z.infer<typeof ZMyBidsQuery>;
