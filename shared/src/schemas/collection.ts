/**
 * Issue 18: collection services for small producers (小箱进大箱), consolidated lots, the regulator's
 * trace, and fallback disposal (兜底处置). Weights in kg, money in fen (DESIGN §6.1).
 */
import { z } from 'zod';
import { zMultilineText, zText } from './text.js';
import { ZDistrict, ZInstant } from './common.js';
import { ZDate, ZLicenceWasteCode } from './orgs.js';
import { ZHazard, ZJustification, ZKg, ZPricePerTonneFen } from './listings.js';
import { LISTING_MODES } from '../enums.js';

const ZFeePerTonne = z
  .number({ message: 'a whole number of fen per tonne' })
  .int('whole fen per tonne')
  .min(0, 'a fee is not negative')
  .max(100_000_000, 'at most 100000000 fen per tonne');

// ── Collection points ───────────────────────────────────────────────────────────────────────

export const ZCreatePointRequest = z.strictObject({
  name: zText().trim().min(1, 'required').max(100),
  address: zMultilineText().trim().min(1, 'required').max(300),
  district: ZDistrict,
  /** What a producer pays the collector per tonne taken in (the collection fee). */
  feePerTonneFen: ZFeePerTonne,
});
export type TCreatePointRequest = z.infer<typeof ZCreatePointRequest>;

export const ZPoint = z.object({
  id: z.uuid(),
  orgId: z.uuid(),
  orgName: z.string(),
  name: z.string(),
  address: z.string(),
  district: z.string(),
  feePerTonneFen: z.number().int(),
  /** The codes and HW categories the collector's approved collection licences cover. */
  wasteCodes: z.array(z.string()),
  createdAt: z.string(),
});
export type TPoint = z.infer<typeof ZPoint>;
export const ZPointsQuery = z.strictObject({ district: ZDistrict.optional(), code: zText().trim().max(40).optional() });
export type TPointsQuery = z.infer<typeof ZPointsQuery>;

// ── Intakes ─────────────────────────────────────────────────────────────────────────────────

export const INTAKE_STATUSES = ['declared', 'accepted', 'refused', 'withdrawn'] as const;

export const ZDeclareIntakeRequest = z.strictObject({
  pointId: z.uuid('not a valid id'),
  materialCode: zText().trim().min(1, 'required').max(40),
  quantityKg: ZKg,
});
export type TDeclareIntakeRequest = z.infer<typeof ZDeclareIntakeRequest>;

export const ZRefuseIntakeRequest = z.strictObject({ reason: zMultilineText().trim().min(1, 'required').max(1000) });

export const ZIntake = z.object({
  id: z.uuid(),
  pointId: z.uuid(),
  collectorOrgId: z.uuid(),
  producerOrgId: z.uuid(),
  materialCode: z.string(),
  wasteCode: z.string(),
  category: z.string(),
  hazardous: z.boolean(),
  quantityKg: z.number().int(),
  feePerTonneFen: z.number().int(),
  status: z.enum(INTAKE_STATUSES),
  refusalCode: z.string().nullable(),
  refusalReason: z.string().nullable(),
  /** The intake's trade (the producer pays the collection fee into escrow); its trips are `collection` manifests. */
  tradeId: z.uuid().nullable(),
  lotId: z.uuid().nullable(),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
});
export type TIntake = z.infer<typeof ZIntake>;
export const ZIntakesQuery = z.strictObject({
  status: z.enum(INTAKE_STATUSES).optional(),
  code: zText().trim().max(40).optional(),
});
export type TIntakesQuery = z.infer<typeof ZIntakesQuery>;

// ── Stock and consolidated lots ─────────────────────────────────────────────────────────────

export const ZStock = z.object({
  items: z.array(
    z.object({
      wasteCode: z.string(),
      /** Received at a collection point and not yet in a lot. */
      inStockKg: z.number().int(),
      /** Accepted intakes this calendar year, against the licence capacity. */
      yearIntakeKg: z.number().int(),
      capacityKg: z.number().int().nullable(),
    }),
  ),
});
export type TStock = z.infer<typeof ZStock>;

export const ZCreateLotRequest = z.strictObject({
  intakeIds: z
    .array(z.uuid('not a valid id'))
    .min(1, 'at least one intake')
    .max(1000)
    .refine((a) => new Set(a).size === a.length, 'each intake once'),
  /** The ordinary listing the lot is sold through (DESIGN §5.1); quantity is the lot's received weight. */
  listing: z.strictObject({
    mode: z.enum(LISTING_MODES),
    pricePerTonneFen: ZPricePerTonneFen,
    closesAt: ZInstant.optional(),
    pickupFrom: ZInstant,
    pickupTo: ZInstant,
    justification: ZJustification.optional(),
    hazard: ZHazard.optional(),
    description: zMultilineText().trim().max(4000).optional(),
  }),
});
export type TCreateLotRequest = z.infer<typeof ZCreateLotRequest>;

export const ZLot = z.object({
  id: z.uuid(),
  collectorOrgId: z.uuid(),
  materialCode: z.string(),
  wasteCode: z.string(),
  quantityKg: z.number().int(),
  listingId: z.uuid().nullable(),
  sources: z.array(z.object({ intakeId: z.uuid(), producerOrgId: z.uuid(), kg: z.number().int() })),
  createdAt: z.string(),
});
export type TLot = z.infer<typeof ZLot>;

// ── Trace (regulator) ───────────────────────────────────────────────────────────────────────

export const ZTraceQuery = z
  .strictObject({ intakeId: z.uuid('not a valid id').optional(), producerOrgId: z.uuid('not a valid id').optional() })
  .refine((q) => Boolean(q.intakeId) !== Boolean(q.producerOrgId), {
    message: 'give exactly one of intakeId or producerOrgId',
    path: ['intakeId'],
  });
export type TTraceQuery = z.infer<typeof ZTraceQuery>;

const ZTraceTrip = z.object({
  manifestId: z.uuid(),
  number: z.string(),
  kind: z.string(),
  status: z.string(),
  receiverOrgId: z.uuid(),
  acceptedKg: z.number().int().nullable(),
  disposalMethod: z.string().nullable(),
  disposalDate: z.string().nullable(),
});
export const ZTraceItem = z.object({
  intake: ZIntake,
  /** The intake's own transfer records (producer → collection point). */
  collection: z.array(ZTraceTrip),
  receivedKg: z.number().int(),
  lot: z.object({ id: z.uuid(), quantityKg: z.number().int(), listingId: z.uuid().nullable() }).nullable(),
  /** The consolidated lot's trips; attributedKg is this intake's share (receivedKg / lot kg) of each trip's accepted kg. */
  downstream: z.array(ZTraceTrip.extend({ tradeId: z.uuid(), attributedKg: z.number().nullable() })),
  /** This intake's kilograms on trips whose disposal is reported. */
  disposedKg: z.number(),
});
export const ZTrace = z.object({ items: z.array(ZTraceItem) });
export type TTraceItem = z.infer<typeof ZTraceItem>;
export type TTrace = z.infer<typeof ZTrace>;

// ── Fallback disposal ───────────────────────────────────────────────────────────────────────

export const ZCreateDesignationRequest = z.strictObject({
  wasteCode: ZLicenceWasteCode,
  disposerOrgId: z.uuid('not a valid id'),
  feePerTonneFen: ZFeePerTonne,
  effectiveFrom: ZDate,
  /** Where the regulated price comes from (the pricing document), shown with the price. */
  source: zText().trim().min(1, 'required').max(300),
});
export type TCreateDesignationRequest = z.infer<typeof ZCreateDesignationRequest>;

export const ZDesignation = z.object({
  id: z.uuid(),
  wasteCode: z.string(),
  disposerOrgId: z.uuid(),
  disposerName: z.string(),
  feePerTonneFen: z.number().int(),
  effectiveFrom: z.string(),
  source: z.string(),
  createdAt: z.string(),
});
export type TDesignation = z.infer<typeof ZDesignation>;
export const ZDesignationsQuery = z.strictObject({ code: zText().trim().max(40).optional() });

/** GET /fallback/tariff?listingId=: the tariff in force for the listing's code, what the producer accepts. */
export const ZTariffQuery = z.strictObject({ listingId: z.uuid('not a valid id') });
export const ZTariff = z.object({
  listingId: z.uuid(),
  quantityKg: z.number().int(),
  designation: ZDesignation,
  /** What the producer would pay: fee × remaining kg, in fen. */
  estimatedFen: z.number().int(),
});
export type TTariff = z.infer<typeof ZTariff>;

export const ZRequestFallbackRequest = z.strictObject({
  /** The designation and fee the producer saw; must be the one in force. */
  designationId: z.uuid('not a valid id'),
  feePerTonneFen: ZFeePerTonne,
  acceptTariff: z.boolean(),
});
export type TRequestFallbackRequest = z.infer<typeof ZRequestFallbackRequest>;
export const ZDeclineFallbackRequest = z.strictObject({ reason: zMultilineText().trim().min(1, 'required').max(1000) });

export const FALLBACK_STATUSES = ['pending', 'accepted', 'declined'] as const;
export const ZFallbackRequest = z.object({
  id: z.uuid(),
  listingId: z.uuid(),
  producerOrgId: z.uuid(),
  disposerOrgId: z.uuid(),
  designationId: z.uuid(),
  materialCode: z.string(),
  wasteCode: z.string(),
  quantityKg: z.number().int(),
  feePerTonneFen: z.number().int(),
  /** The regulated price's source (the designation's pricing document). */
  priceSource: z.string(),
  tariffAcceptedAt: z.string(),
  status: z.enum(FALLBACK_STATUSES),
  respondBy: z.string(),
  overdue: z.boolean(),
  reason: z.string().nullable(),
  tradeId: z.uuid().nullable(),
  createdAt: z.string(),
});
export type TFallbackRequest = z.infer<typeof ZFallbackRequest>;
export const ZFallbackRequestsQuery = z.strictObject({ status: z.enum(FALLBACK_STATUSES).optional() });

export const ZFallbackIndicator = z.object({
  year: z.number().int(),
  items: z.array(
    z.object({ wasteCode: z.string(), requests: z.number().int(), accepted: z.number().int(), kg: z.number().int() }),
  ),
});
export const ZFallbackIndicatorQuery = z.strictObject({ year: z.coerce.number().int().min(2000).max(2100).optional() });
