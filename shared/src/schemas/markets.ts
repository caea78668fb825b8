import { z } from 'zod';
import { zText } from './text.js';
import { ZJustification, ZKg, ZPricePerTonneFen } from './listings.js';
import { refinePickupWindow, ZDistrict, ZInstant } from './common.js';
import { ZPriceCheck } from './prices.js';

/**
 * Continuous markets for standardised grades (DESIGN §5.3, §7 markets; issue 16, ADR 0026). A `buy`
 * is a receiver wanting material and paying `pricePerTonneFen` (DESIGN §6.2); a `sell` is a
 * generator offering it. Quantities are whole lots of the grade's minimum lot and prices whole ticks
 * (the catalogue's `market` terms); the service answers 400 naming the field otherwise.
 */
export const ORDER_SIDES = ['buy', 'sell'] as const;
export const ORDER_STATUSES = ['open', 'filled', 'cancelled'] as const;
export type TOrderSide = (typeof ORDER_SIDES)[number];
export type TOrderStatus = (typeof ORDER_STATUSES)[number];

export const ZMarketParams = z.strictObject({ code: zText().min(1).max(40) });
export const ZMarketOrderParams = z.strictObject({ code: zText().min(1).max(40), id: z.uuid() });

export const ZPlaceOrderRequest = z
  .strictObject({
    side: z.enum(ORDER_SIDES),
    pricePerTonneFen: ZPricePerTonneFen,
    quantityKg: ZKg,
    /** Where the material is (a sell) or is delivered (a buy); a sell's district is the trade's origin. */
    district: ZDistrict,
    pickupFrom: ZInstant.optional(),
    pickupTo: ZInstant.optional(),
    justification: ZJustification.optional(),
  })
  .superRefine(refinePickupWindow);
export type TPlaceOrderRequest = z.infer<typeof ZPlaceOrderRequest>;

export const ZOrder = z.object({
  id: z.uuid(),
  marketCode: z.string(),
  side: z.enum(ORDER_SIDES),
  pricePerTonneFen: z.number().int(),
  quantityKg: z.number().int(),
  remainingKg: z.number().int(),
  filledKg: z.number().int(),
  /** Dropped by self-trade prevention or a cancel. */
  cancelledKg: z.number().int(),
  district: z.string(),
  pickupFrom: z.string(),
  pickupTo: z.string(),
  justification: z.string().nullable(),
  priceCheck: ZPriceCheck,
  status: z.enum(ORDER_STATUSES),
  /** The trades this order's fills made (when placing: the fills of this request). */
  tradeIds: z.array(z.uuid()),
  createdAt: z.string(),
});
export type TOrder = z.infer<typeof ZOrder>;

export const ZDepthLevel = z.object({
  pricePerTonneFen: z.number().int(),
  quantityKg: z.number().int(),
  orders: z.number().int(),
});
export type TDepthLevel = z.infer<typeof ZDepthLevel>;

/** Anonymous aggregated depth, best first on each side. */
export const ZMarketBook = z.object({
  marketCode: z.string(),
  minLotKg: z.number().int(),
  priceTickFen: z.number().int(),
  bids: z.array(ZDepthLevel),
  asks: z.array(ZDepthLevel),
});
export type TMarketBook = z.infer<typeof ZMarketBook>;

export const ZMarketBookQuery = z.strictObject({ levels: z.coerce.number().int().min(1).max(100).default(20) });

/** A print: one fill, without its parties. */
export const ZPrint = z.object({
  id: z.uuid(),
  marketCode: z.string(),
  pricePerTonneFen: z.number().int(),
  quantityKg: z.number().int(),
  takerSide: z.enum(ORDER_SIDES),
  at: z.string(),
});
export type TPrint = z.infer<typeof ZPrint>;

export const ZPrintsQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) });
export const ZPrints = z.object({ items: z.array(ZPrint) });

export const ZMyOrdersQuery = z.strictObject({
  market: zText().max(40).optional(),
  status: z.enum(ORDER_STATUSES).optional(),
  cursor: zText().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type TMyOrdersQuery = z.infer<typeof ZMyOrdersQuery>;

/** Watchlists and price alerts (issue 16 item 5). */
export const ZCreateWatchRequest = z
  .strictObject({
    materialCode: zText().min(1).max(40),
    district: ZDistrict.optional(),
    minPricePerTonneFen: ZPricePerTonneFen.optional(),
    maxPricePerTonneFen: ZPricePerTonneFen.optional(),
  })
  .superRefine((b, ctx) => {
    if (
      b.minPricePerTonneFen !== undefined &&
      b.maxPricePerTonneFen !== undefined &&
      b.minPricePerTonneFen > b.maxPricePerTonneFen
    )
      ctx.addIssue({ code: 'custom', path: ['maxPricePerTonneFen'], message: 'must not be below minPricePerTonneFen' });
  });
export type TCreateWatchRequest = z.infer<typeof ZCreateWatchRequest>;

export const ZWatch = z.object({
  id: z.uuid(),
  materialCode: z.string(),
  district: z.string().nullable(),
  minPricePerTonneFen: z.number().int().nullable(),
  maxPricePerTonneFen: z.number().int().nullable(),
  createdAt: z.string(),
});
export type TWatch = z.infer<typeof ZWatch>;
export const ZWatches = z.object({ items: z.array(ZWatch) });
