// Kept free of zod so the web client can import it without bundling the schema library: the
// schemas in ./schemas build their z.enum()s from these lists and re-export them for the server.

/** The five waste streams, in the order the catalogue shows them. */
export const STREAMS = ['hazardous', 'general_industrial', 'household_recyclable', 'agricultural', 'construction'] as const;

/** The material code that needs a classifiedCode: waste salt and dyeing sludge have no single code. */
export const CLASSIFIED_MATERIAL = 'WS-CLASSIFIED';

/** Hazard characteristics (toxic, corrosive, ignitable, reactive, infectious), physical forms and packagings of a listing. */
export const HAZARD_CHARACTERISTICS = ['T', 'C', 'I', 'R', 'In'] as const;
export const PHYSICAL_FORMS = ['solid', 'semi_solid', 'liquid', 'gas'] as const;
export const PACKAGINGS = ['bulk', 'bag', 'ton_bag', 'drum', 'ibc', 'tank', 'box', 'other'] as const;

/** The lab-analysis kinds (the `kind` of ZAnalysis in ./schemas/listings.ts, checked against it there). */
export const ANALYSIS_KINDS = ['sludge', 'waste_salt', 'fly_ash', 'mineral_oil', 'slag', 'fabric'] as const;
export type AnalysisKind = (typeof ANALYSIS_KINDS)[number];

/**
 * Which lab fields suit a material, for the create-listing form. A suggestion only: the server
 * accepts any kind on any material, because a code does not always tell the stream's chemistry.
 */
export function analysisKindFor(materialCode: string, category: string | null): AnalysisKind | null {
  if (materialCode === CLASSIFIED_MATERIAL) return 'waste_salt';
  if (category === 'HW18') return 'fly_ash';
  if (category === 'HW08' || category === 'HW09') return 'mineral_oil';
  if (category === 'HW17' || category === 'SW07' || materialCode === 'SW15-01') return 'sludge';
  if (['SW01', 'SW02', 'SW03', 'SW04', 'SW05', 'SW06', 'SW09', 'SW10', 'SW11'].includes(category ?? '')) return 'slag';
  if (category === 'SW14' || materialCode === 'HH-01') return 'fabric';
  return null;
}

export const LISTING_SIDES = ['supply', 'demand'] as const;
export const LISTING_MODES = ['fixed', 'auction'] as const;
export const LISTING_STATUSES = ['open', 'matched', 'closed', 'cancelled', 'expired'] as const;

export const BID_STATUSES = ['active', 'won', 'lost', 'withdrawn'] as const;

/** All trade states (DESIGN §7); trading creates awaiting_payment or funded, later issues move them on. */
export const TRADE_STATUSES = [
  'awaiting_payment',
  'funded',
  'in_transit',
  'delivered',
  'disputed',
  'settled',
  'cancelled',
] as const;

export const MANIFEST_STATUSES = [
  'draft',
  'issued',
  'loaded',
  'in_transit',
  'arrived',
  'received',
  'rejected',
  'closed',
  // A draft the shipper withdrew before issuing it (issue 14): a `cancel` event in its chain.
  'cancelled',
] as const;

/** Best to worst, in the colours Zhejiang's environmental credit schemes used (DESIGN §6.7). */
export const CREDIT_LEVELS = ['green', 'blue', 'yellow', 'red', 'black'] as const;

/** States of one webhook delivery to a credit agency. */
export const DELIVERY_STATUSES = ['pending', 'delivered', 'dead', 'cancelled'] as const;

export const LEDGER_ACCOUNT_KINDS = ['escrow', 'payable', 'platform_fee', 'eco_fund', 'clearing'] as const;

/** Regulator alert kinds: DESIGN §7 kinds, plus transit_stuck from the manifests module and origin_misattributed (migration 0009). */
export const ALERT_KIND_VALUES = [
  'price_flagged',
  'price_rejected',
  'receipt_overdue',
  'disposal_overdue',
  'weight_gap',
  'capacity_high',
  'red_party',
  'load_rejected',
  'delivery_dead',
  'transit_stuck',
  // Migration 0009: demand-side trades whose recorded origin is the receiver's district (issue 12).
  'origin_misattributed',
  // Issue 18: a designated disposer of last resort did not answer a fallback request in time.
  'fallback_overdue',
] as const;
