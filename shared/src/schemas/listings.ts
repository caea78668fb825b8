import { z } from 'zod';
import {
  CLASSIFIED_MATERIAL,
  HAZARD_CHARACTERISTICS,
  LISTING_MODES,
  LISTING_SIDES,
  LISTING_STATUSES,
  PACKAGINGS,
  PHYSICAL_FORMS,
  analysisKindFor,
  type AnalysisKind,
} from '../enums.js';
import { zText, zMultilineText } from './text.js';
import { STREAMS } from './catalog.js';
import { MAX_ABS_PRICE_FEN, MAX_KG } from '../money.js';
import { ZDistrict, ZInstant } from './common.js';
import { isHazardousCategory } from './orgs.js';
import { ZPriceCheck } from './prices.js';
import { USUAL_DIRECTIONS } from '../pricecheck.js';
import { ZCreditLevel } from './credit.js';

// ── Units (DESIGN §6.1) ─────────────────────────────────────────────────────────────────────

/** Integer kg, 1 … 10^9. */
export const ZKg = z
  .number({ message: 'a whole number of kilograms' })
  .int('whole kilograms')
  .min(1, 'at least 1 kg')
  .max(MAX_KG, `at most ${MAX_KG} kg`);

/** Integer fen per tonne, |price| ≤ 10^8; negative = the generator pays a disposal fee (DESIGN §6.2). */
export const ZPricePerTonneFen = z
  .number({ message: 'a whole number of fen per tonne' })
  .int('whole fen per tonne')
  .min(-MAX_ABS_PRICE_FEN, `at least -${MAX_ABS_PRICE_FEN} fen per tonne`)
  .max(MAX_ABS_PRICE_FEN, `at most ${MAX_ABS_PRICE_FEN} fen per tonne`);

export { ZInstant, INSTANT_HORIZON_DAYS } from './common.js';

export const ZJustification = zMultilineText().trim().min(1, 'must not be empty').max(1000, 'at most 1000 characters');

// ── Waste codes (DESIGN §6.6) ───────────────────────────────────────────────────────────────

export { CLASSIFIED_MATERIAL };

const HW_CODE = /^\d{3}-\d{3}-(\d{2})$/;
const SW_CLASS = /^SW\d{2}$/;

/** The HW category of a hazardous code (772-002-18 → HW18), or null for anything else. */
export function hwCategoryOf(code: string): string | null {
  const m = HW_CODE.exec(code);
  return m ? `HW${m[1]}` : null;
}

/**
 * The code from the generator's classification or test report: a hazardous code NNN-NNN-NN of an
 * existing category (900-000-NN for waste found hazardous by test), or a general industrial SW class.
 */
export const ZClassifiedCode = zText()
  .trim()
  .toUpperCase()
  .refine((c) => HW_CODE.test(c) || SW_CLASS.test(c), 'a hazardous code NNN-NNN-NN (e.g. 900-000-35) or an SW class (e.g. SW07)')
  .refine((c) => !HW_CODE.test(c) || isHazardousCategory(hwCategoryOf(c)!), 'no such HW category (HW01–HW40, HW45–HW50)');

// ── Declared hazard and lab analysis ────────────────────────────────────────────────────────

/** Toxicity, corrosivity, ignitability, reactivity, infectivity (the national list's characteristics). */
export { HAZARD_CHARACTERISTICS, PHYSICAL_FORMS, PACKAGINGS };

export const ZHazard = z.strictObject({
  characteristics: z
    .array(z.enum(HAZARD_CHARACTERISTICS))
    .max(HAZARD_CHARACTERISTICS.length)
    .refine((c) => new Set(c).size === c.length, 'each characteristic once'),
  form: z.enum(PHYSICAL_FORMS),
  packaging: z.enum(PACKAGINGS),
});
export type THazard = z.infer<typeof ZHazard>;

/**
 * What a hazardous lot must declare (DESIGN §6.3, issue 12): a hazard with at least one
 * characteristic, its form and its packaging. Applies to a hazardous supply listing and to an offer
 * into a hazardous demand listing — the side that ships declares; the manifest copies it from there.
 */
export function hazardDeclarationProblems(hazard: THazard | null | undefined): { path: string; message: string }[] {
  if (!hazard)
    return [{ path: 'hazard', message: 'a hazardous lot needs its hazard declaration { characteristics[], form, packaging }' }];
  if (hazard.characteristics.length === 0)
    return [
      {
        path: 'hazard.characteristics',
        message: `a hazardous lot declares at least one characteristic (${HAZARD_CHARACTERISTICS.join(', ')})`,
      },
    ];
  return [];
}

const pct = z.number().min(0, 'at least 0 %').max(100, 'at most 100 %');
const nonNeg = z.number().min(0, 'must not be negative').max(1e9);
const shortText = zText().trim().min(1).max(200);

/** Heavy metals in mg/kg dry weight (sludge, waste salt). */
const ZHeavyMetals = z.strictObject({
  cu: nonNeg.optional(),
  zn: nonNeg.optional(),
  ni: nonNeg.optional(),
  cr: nonNeg.optional(),
  cr6: nonNeg.optional(),
  cd: nonNeg.optional(),
  pb: nonNeg.optional(),
  hg: nonNeg.optional(),
  as: nonNeg.optional(),
});
/** Leaching test results in mg/L (fly ash, HJ/T 300 or GB 5085.3). */
const ZLeaching = z.strictObject({
  pb: nonNeg.optional(),
  cd: nonNeg.optional(),
  hg: nonNeg.optional(),
  as: nonNeg.optional(),
  cr: nonNeg.optional(),
  cr6: nonNeg.optional(),
  ni: nonNeg.optional(),
  zn: nonNeg.optional(),
  cu: nonNeg.optional(),
  ba: nonNeg.optional(),
  be: nonNeg.optional(),
  se: nonNeg.optional(),
});
const common = {
  /** The test report's number, when the analysis comes from one. */
  reportRef: shortText.optional(),
  sampledAt: ZInstant.optional(),
};

/**
 * Lab analysis per stream family, told apart by `kind`. Every field is optional (a generator fills
 * in what its report has), but each object is strict so a mistyped field is a 400, not lost data.
 */
export const ZAnalysis = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('sludge'),
    ...common,
    moisturePct: pct.optional(),
    organicPct: pct.optional(),
    ph: z.number().min(0).max(14).optional(),
    heavyMetals: ZHeavyMetals.optional(),
  }),
  z.strictObject({
    kind: z.literal('waste_salt'),
    ...common,
    tocMgPerKg: nonNeg.optional(),
    sourceProcess: shortText.optional(),
    naclPct: pct.optional(),
    moisturePct: pct.optional(),
    heavyMetals: ZHeavyMetals.optional(),
  }),
  z.strictObject({
    kind: z.literal('fly_ash'),
    ...common,
    dioxinNgTeqPerKg: nonNeg.optional(),
    chloridePct: pct.optional(),
    moisturePct: pct.optional(),
    leaching: ZLeaching.optional(),
  }),
  z.strictObject({
    kind: z.literal('mineral_oil'),
    ...common,
    waterPct: pct.optional(),
    sulphurPct: pct.optional(),
    flashPointC: z.number().min(-100).max(1000).optional(),
    densityKgPerM3: nonNeg.optional(),
  }),
  z.strictObject({
    kind: z.literal('slag'),
    ...common,
    /** Mass fractions by component, e.g. { "Fe": 45, "SiO2": 20 } (slag, tailings, ash). */
    composition: z.record(zText().regex(/^[A-Za-z0-9()]{1,20}$/, 'a component such as Fe, SiO2, CaO'), pct).optional(),
    particleSizeMm: nonNeg.optional(),
    moisturePct: pct.optional(),
  }),
  z.strictObject({
    kind: z.literal('fabric'),
    ...common,
    fibre: shortText.optional(),
    contaminationPct: pct.optional(),
    moisturePct: pct.optional(),
    colour: shortText.optional(),
  }),
]);
export type TAnalysis = z.infer<typeof ZAnalysis>;
export type TAnalysisKind = TAnalysis['kind'];
// The zod-free list in ../enums.ts must name exactly the kinds above: this fails to compile otherwise.
true satisfies [TAnalysisKind] extends [AnalysisKind] ? ([AnalysisKind] extends [TAnalysisKind] ? true : false) : false;

export { analysisKindFor };

// ── Listings ────────────────────────────────────────────────────────────────────────────────

export { LISTING_SIDES, LISTING_MODES, LISTING_STATUSES };
export type TListingSide = (typeof LISTING_SIDES)[number];
export type TListingMode = (typeof LISTING_MODES)[number];
export type TListingStatus = (typeof LISTING_STATUSES)[number];

const listingFields = {
  side: z.enum(LISTING_SIDES),
  materialCode: zText().trim().min(1, 'required').max(40),
  /** Required for WS-CLASSIFIED, refused for any other material (DESIGN §6.6). */
  classifiedCode: ZClassifiedCode.optional(),
  quantityKg: ZKg,
  /**
   * Smallest lot a single bid may take. Default: the whole quantity — a lot sells in one piece unless
   * its poster opts into splitting it, so nobody is left with an unplanned remnant to ship.
   */
  minLotKg: ZKg.optional(),
  pricePerTonneFen: ZPricePerTonneFen,
  /** Why a price outside the reference band is right; required when the price check flags it. */
  justification: ZJustification.optional(),
  mode: z.enum(LISTING_MODES),
  /** Auction only: when sealed bidding ends, at least AUCTION_MIN_LEAD_SECONDS ahead. */
  closesAt: ZInstant.optional(),
  pickupFrom: ZInstant,
  pickupTo: ZInstant,
  /** The origin district (where the material is picked up). */
  district: ZDistrict,
  address: zMultilineText().trim().min(1).max(300).optional(),
  hazard: ZHazard.optional(),
  analysis: ZAnalysis.optional(),
  description: zMultilineText().trim().max(4000, 'at most 4000 characters').optional(),
};

type ListingShape = {
  quantityKg?: number;
  minLotKg?: number;
  mode?: TListingMode;
  closesAt?: string;
  pickupFrom?: string;
  pickupTo?: string;
};

/** Cross-field rules both create and (on the merged listing) update apply. */
export function listingProblems(l: ListingShape): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  if (l.minLotKg !== undefined && l.quantityKg !== undefined && l.minLotKg > l.quantityKg)
    out.push({ path: 'minLotKg', message: 'must not exceed quantityKg' });
  if (l.pickupFrom && l.pickupTo && Date.parse(l.pickupTo) < Date.parse(l.pickupFrom))
    out.push({ path: 'pickupTo', message: 'must not be before pickupFrom' });
  if (l.mode === 'auction' && !l.closesAt) out.push({ path: 'closesAt', message: 'an auction needs closesAt' });
  if (l.mode === 'fixed' && l.closesAt)
    out.push({ path: 'closesAt', message: 'only auctions close; leave closesAt out for a fixed price' });
  if (l.mode === 'auction' && l.closesAt && l.pickupTo && Date.parse(l.closesAt) > Date.parse(l.pickupTo))
    out.push({ path: 'closesAt', message: 'the auction must close before the pickup window ends' });
  return out;
}

export const ZCreateListingRequest = z.strictObject(listingFields).superRefine((l, ctx) => {
  for (const p of listingProblems(l)) ctx.addIssue({ code: 'custom', path: [p.path], message: p.message });
  if (l.materialCode === CLASSIFIED_MATERIAL && !l.classifiedCode)
    ctx.addIssue({
      code: 'custom',
      path: ['classifiedCode'],
      message: 'WS-CLASSIFIED needs the code from your classification or test report (e.g. 900-000-35 or SW07)',
    });
  if (l.materialCode !== CLASSIFIED_MATERIAL && l.classifiedCode)
    ctx.addIssue({ code: 'custom', path: ['classifiedCode'], message: 'only a WS-CLASSIFIED listing carries classifiedCode' });
});
export type TCreateListingRequest = z.infer<typeof ZCreateListingRequest>;

/**
 * PATCH /listings/:id. Description, address, hazard and analysis may change while the listing is
 * open; the commercial terms (material, quantity, lot, price, pickup window, district, closesAt)
 * only while it has no active or won bid. Side and mode never change: post a new listing.
 * `null` clears an optional field.
 */
export const ZUpdateListingRequest = z
  .strictObject({
    materialCode: listingFields.materialCode.optional(),
    classifiedCode: ZClassifiedCode.nullable().optional(),
    quantityKg: ZKg.optional(),
    minLotKg: ZKg.optional(),
    pricePerTonneFen: ZPricePerTonneFen.optional(),
    justification: ZJustification.optional(),
    closesAt: ZInstant.optional(),
    pickupFrom: ZInstant.optional(),
    pickupTo: ZInstant.optional(),
    district: ZDistrict.optional(),
    address: listingFields.address.nullable(),
    hazard: ZHazard.nullable().optional(),
    analysis: ZAnalysis.nullable().optional(),
    description: zMultilineText().trim().max(4000, 'at most 4000 characters').nullable().optional(),
  })
  .refine((u) => Object.keys(u).length > 0, 'nothing to change');
export type TUpdateListingRequest = z.infer<typeof ZUpdateListingRequest>;

/** The fields PATCH may change only while the listing has no active or won bid. */
export const TERMS_FIELDS = [
  'materialCode',
  'classifiedCode',
  'quantityKg',
  'minLotKg',
  'pricePerTonneFen',
  'justification',
  'closesAt',
  'pickupFrom',
  'pickupTo',
  'district',
] as const;

export const ZListingsQuery = z.strictObject({
  material: zText().trim().min(1).max(40).optional(),
  /** The catalogue stream of the listing's material. */
  stream: z.enum(STREAMS).optional(),
  side: z.enum(LISTING_SIDES).optional(),
  district: ZDistrict.optional(),
  status: z.enum(LISTING_STATUSES).optional(),
  mode: z.enum(LISTING_MODES).optional(),
  /** Listings of one org (the client's "my listings"). */
  orgId: z.uuid().optional(),
  /** Free text over the description and the material's names; Chinese works (substring match). */
  q: zText().trim().min(1).max(100).optional(),
  cursor: zText().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type TListingsQuery = z.infer<typeof ZListingsQuery>;

export const ZListing = z.object({
  id: z.uuid(),
  orgId: z.uuid(),
  side: z.enum(LISTING_SIDES),
  materialCode: z.string(),
  materialNameZh: z.string(),
  materialNameEn: z.string(),
  /** The material's usual direction (catalogue, DESIGN §6.3), for the price check a bid form runs live. */
  usualDirection: z.enum(USUAL_DIRECTIONS),
  classifiedCode: z.string().nullable(),
  /** The code that decides licences and hazard: classifiedCode for WS-CLASSIFIED, else materialCode. */
  wasteCode: z.string(),
  /** HWxx or SWxx (the catalogue category, or the classified code's). */
  category: z.string(),
  hazardous: z.boolean(),
  quantityKg: z.number().int(),
  remainingKg: z.number().int(),
  minLotKg: z.number().int(),
  pricePerTonneFen: z.number().int(),
  justification: z.string().nullable(),
  mode: z.enum(LISTING_MODES),
  closesAt: z.string().nullable(),
  pickupFrom: z.string(),
  pickupTo: z.string(),
  district: z.string(),
  address: z.string().nullable(),
  hazard: ZHazard.nullable(),
  analysis: ZAnalysis.nullable(),
  description: z.string().nullable(),
  priceCheck: ZPriceCheck,
  status: z.enum(LISTING_STATUSES),
  /** Bids placed and not withdrawn (public, also on a sealed auction). */
  bidCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  closedAt: z.string().nullable(),
  /** The owner’s credit level (DESIGN §6.7); on every listing the API returns and the live feed carries. */
  ownerCreditLevel: ZCreditLevel.optional(),
});
export type TListing = z.infer<typeof ZListing>;
