import { z } from 'zod';
import { zText } from './text.js';

import { TRADE_STATUSES } from '../enums.js';

export { TRADE_STATUSES };
export type TTradeStatus = (typeof TRADE_STATUSES)[number];

export const ZTrade = z.object({
  id: z.uuid(),
  listingId: z.uuid().nullable(),
  bidId: z.uuid().nullable(),
  orderIds: z.array(z.uuid()).nullable(),
  generatorOrgId: z.uuid(),
  receiverOrgId: z.uuid(),
  /** null when the price is 0 (no payment). */
  payerOrgId: z.uuid().nullable(),
  payeeOrgId: z.uuid().nullable(),
  materialCode: z.string(),
  classifiedCode: z.string().nullable(),
  hazardous: z.boolean(),
  quantityKg: z.number().int(),
  pricePerTonneFen: z.number().int(),
  amountFen: z.number().int(),
  platformFeeFen: z.number().int(),
  ecoCompensationFen: z.number().int(),
  /** The eco rate row the trade was created under (GET /eco-rates/:id); null: none applied (same district, or a trade older than the rate table). */
  ecoRateId: z.uuid().nullable(),
  /** That rate in fen per tonne, kept on the trade; settlement charges it on the accepted weight. */
  ecoFenPerTonne: z.number().int(),
  status: z.enum(TRADE_STATUSES),
  manifestIds: z.array(z.uuid()),
  acceptedKg: z.number().int(),
  /** The listing's district (pickup). */
  originDistrict: z.string(),
  /** The receiver's home district. */
  destinationDistrict: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TTrade = z.infer<typeof ZTrade>;

export const ZTradesQuery = z.strictObject({
  status: z.enum(TRADE_STATUSES).optional(),
  material: zText().trim().min(1).max(40).optional(),
  /** Only trades this org is a party to (within what the caller may see): a regulator's org lookup. */
  org: z.uuid().optional(),
  cursor: zText().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type TTradesQuery = z.infer<typeof ZTradesQuery>;
