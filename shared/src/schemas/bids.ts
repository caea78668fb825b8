import { z } from 'zod';
import { zText } from './text.js';
import { ZHazard, ZJustification, ZKg, ZPricePerTonneFen } from './listings.js';
import { refinePickupWindow, ZDistrict, ZInstant } from './common.js';
import { ZPriceCheck } from './prices.js';
import { ZCreditLevel } from './credit.js';

import { BID_STATUSES } from '../enums.js';

export { BID_STATUSES };
export type TBidStatus = (typeof BID_STATUSES)[number];

/**
 * POST /listings/:id/bids: a bid on a supply listing, or an offer on a demand listing. An offer says
 * where the material is — its `district` (default: the offering org's), its pickup window (default:
 * the listing's) — and, for a hazardous code, its `hazard` declaration (DESIGN §6.3): the trade's
 * origin and the manifest's hazard come from it. A bid on a supply listing carries none of these
 * (the listing states them): the service refuses them with a 400 naming the field.
 */
export const ZPlaceBidRequest = z
  .strictObject({
    pricePerTonneFen: ZPricePerTonneFen,
    quantityKg: ZKg,
    justification: ZJustification.optional(),
    district: ZDistrict.optional(),
    pickupFrom: ZInstant.optional(),
    pickupTo: ZInstant.optional(),
    hazard: ZHazard.optional(),
  })
  .superRefine(refinePickupWindow);

/** The fields only an offer into a demand listing carries. */
export const OFFER_LOT_FIELDS = ['district', 'pickupFrom', 'pickupTo', 'hazard'] as const;
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
  /** An offer into a demand listing: where the material is and when it can be picked up; null on a bid on a supply listing (and where the bidder is hidden). */
  district: z.string().nullable().optional(),
  pickupFrom: z.string().nullable().optional(),
  pickupTo: z.string().nullable().optional(),
  /** An offer's hazard declaration (hidden with the bidder). */
  hazard: ZHazard.nullable().optional(),
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
