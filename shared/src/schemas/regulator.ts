/**
 * Regulator monitoring (DESIGN §5 step 9, §7 regulator, issue 7): flows between districts, alerts,
 * programme indicators and licence capacity. Every figure is measured over platform trades only and
 * filtered to the caller's scope (trades whose origin or destination is in scope). Quantities are
 * integer kilograms, prices fen per tonne (DESIGN §6.1); days are Asia/Shanghai calendar days.
 */
import { z } from 'zod';
import { zText, zMultilineText } from './text.js';
import { DISTRICT_CODES } from '../districts.js';
import { STREAMS } from './catalog.js';
import { ALERT_KIND_VALUES } from '../enums.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A Shanghai calendar date, YYYY-MM-DD, that exists. */
export const ZCalendarDate = zText()
  .regex(ISO_DATE, 'a date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s && s >= '2000-01-01' && s <= '2099-12-31';
  }, 'no such date (2000-01-01 … 2099-12-31)');

const ZDistrictCode = z.enum(DISTRICT_CODES, { message: 'not a Shaoxing district code (see GET /api/v1/catalog/districts)' });
const ZStream = z.enum(STREAMS, { message: `one of ${STREAMS.join(', ')}` });
const ZMaterialCode = zText()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9-]+$/, 'a material code');

export const FLOW_GROUPINGS = ['district', 'category', 'material'] as const;
export type TFlowGrouping = (typeof FLOW_GROUPINGS)[number];

/** The range is [from, to], both Shanghai dates, by the day each trade was made; default: this year to date. */
const rangeFields = {
  from: ZCalendarDate.optional(),
  to: ZCalendarDate.optional(),
  stream: ZStream.optional(),
};

function checkRange(q: { from?: string; to?: string }, ctx: z.RefinementCtx): void {
  if (q.from && q.to && q.from > q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
}

export const ZFlowsQuery = z
  .strictObject({
    ...rangeFields,
    groupBy: z.enum(FLOW_GROUPINGS, { message: `one of ${FLOW_GROUPINGS.join(', ')}` }).default('district'),
  })
  .superRefine(checkRange);
export type TFlowsQuery = z.infer<typeof ZFlowsQuery>;

export const ZFlowEdge = z.object({
  /** The listing's district (where the material was picked up). */
  fromDistrict: z.string(),
  /** The receiver's home district. */
  toDistrict: z.string(),
  /** groupBy=category: the HW or SW category of the waste code. */
  category: z.string().optional(),
  /** groupBy=material: the catalogue code. */
  materialCode: z.string().optional(),
  /** Kg contracted in trades made in the range (cancelled trades excluded). */
  contractedKg: z.number().int(),
  /** Kg of those trades the receivers accepted on receipt (manifests), so far. */
  receivedKg: z.number().int(),
  trades: z.number().int(),
});
export type TFlowEdge = z.infer<typeof ZFlowEdge>;

export const ZFlows = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: z.enum(FLOW_GROUPINGS),
  stream: ZStream.nullable(),
  /** 'city' or the districts the figures are filtered to. */
  scope: z.union([z.literal('city'), z.array(z.string())]),
  edges: z.array(ZFlowEdge),
  totals: z.object({ contractedKg: z.number().int(), receivedKg: z.number().int(), trades: z.number().int() }),
});
export type TFlows = z.infer<typeof ZFlows>;

/** Drill-down from one edge to its trades and their manifests. */
export const ZFlowTradesQuery = z
  .strictObject({
    ...rangeFields,
    fromDistrict: ZDistrictCode,
    toDistrict: ZDistrictCode,
    category: zText().trim().min(1).max(40).optional(),
    material: ZMaterialCode.optional(),
    cursor: zText().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .superRefine(checkRange);
export type TFlowTradesQuery = z.infer<typeof ZFlowTradesQuery>;

export const ZFlowManifest = z.object({
  id: z.uuid(),
  number: z.string(),
  status: z.string(),
  declaredKg: z.number().int(),
  loadedKg: z.number().int().nullable(),
  receivedKg: z.number().int().nullable(),
  acceptedKg: z.number().int().nullable(),
  decision: z.string().nullable(),
  disposalMethod: z.string().nullable(),
  receiptDueAt: z.string().nullable(),
  receivedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
});
export type TFlowManifest = z.infer<typeof ZFlowManifest>;

export const ZFlowTrade = z.object({
  id: z.uuid(),
  createdAt: z.string(),
  status: z.string(),
  materialCode: z.string(),
  category: z.string(),
  hazardous: z.boolean(),
  quantityKg: z.number().int(),
  pricePerTonneFen: z.number().int(),
  originDistrict: z.string(),
  destinationDistrict: z.string(),
  generator: z.object({ id: z.uuid(), name: z.string() }),
  receiver: z.object({ id: z.uuid(), name: z.string() }),
  /** Accepted kg over the trade's manifests. */
  receivedKg: z.number().int(),
  manifests: z.array(ZFlowManifest),
});
export type TFlowTrade = z.infer<typeof ZFlowTrade>;

// ── Alerts ──────────────────────────────────────────────────────────────────────────────────────

export { ALERT_KIND_VALUES };
export type TAlertKind = (typeof ALERT_KIND_VALUES)[number];

export const ZAlertsQuery = z.strictObject({
  status: z.enum(['open', 'resolved']).optional(),
  kind: z.enum(ALERT_KIND_VALUES, { message: `one of ${ALERT_KIND_VALUES.join(', ')}` }).optional(),
  /** Only alerts of this district (within scope). */
  district: ZDistrictCode.optional(),
  cursor: zText().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type TAlertsQuery = z.infer<typeof ZAlertsQuery>;

export const ZAlert = z.object({
  id: z.uuid(),
  kind: z.string(),
  /** The district whose regulators see it; null: city regulators only. */
  district: z.string().nullable(),
  subjectType: z.string().nullable(),
  subjectId: z.string().nullable(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
  status: z.enum(['open', 'resolved']),
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
  resolutionNote: z.string().nullable(),
  resolvedBy: z
    .object({ userId: z.uuid(), name: z.string(), orgId: z.uuid().nullable(), orgName: z.string().nullable() })
    .nullable(),
});
export type TAlert = z.infer<typeof ZAlert>;

export const ZResolveAlertRequest = z.strictObject({
  /** Why the alert is closed: what was checked or done. */
  note: zMultilineText().trim().min(2, 'at least 2 characters').max(2000, 'at most 2000 characters'),
});
export type TResolveAlertRequest = z.infer<typeof ZResolveAlertRequest>;

// ── Indicators ──────────────────────────────────────────────────────────────────────────────────

export const ZYearQuery = z.strictObject({
  year: z.coerce.number().int().min(2000, 'from 2000').max(2099, 'until 2099').optional(),
});
export type TYearQuery = z.infer<typeof ZYearQuery>;

export const INDICATOR_IDS = [
  'tonnes_traded',
  'utilisation_share',
  'hazardous_safely_received_share',
  'manifest_on_time_rate',
  'mean_days_listing_to_trade',
  'cross_district_share',
  'capacity_utilisation',
  'median_price_by_month',
] as const;
export type TIndicatorId = (typeof INDICATOR_IDS)[number];

/** kg; ratio (0…1, shown as a percentage); days; fen per tonne. */
export const INDICATOR_UNITS = ['kg', 'ratio', 'days', 'fen_per_tonne'] as const;

export const ZMonthValue = z.object({ month: z.string(), value: z.number().nullable() });
export type TMonthValue = z.infer<typeof ZMonthValue>;

export const ZIndicatorSeries = z.object({
  key: z.string(),
  value: z.number().nullable(),
  numerator: z.number().optional(),
  denominator: z.number().optional(),
  monthly: z.array(ZMonthValue).optional(),
  /** capacity_utilisation: the disposer. */
  label: z.string().optional(),
});
export type TIndicatorSeries = z.infer<typeof ZIndicatorSeries>;

export const ZIndicator = z.object({
  id: z.enum(INDICATOR_IDS),
  unit: z.enum(INDICATOR_UNITS),
  nameZh: z.string(),
  nameEn: z.string(),
  definitionZh: z.string(),
  definitionEn: z.string(),
  /** The headline figure for the year; null when nothing was measured (or the indicator is a breakdown). */
  value: z.number().nullable(),
  numerator: z.number().optional(),
  denominator: z.number().optional(),
  /** The headline month by month (a trend line). */
  monthly: z.array(ZMonthValue),
  /** Per stream, per disposer or per material. */
  series: z.array(ZIndicatorSeries),
});
export type TIndicator = z.infer<typeof ZIndicator>;

export const ZPlanTarget = z.object({
  id: z.string(),
  nameZh: z.string(),
  /** Null when the plan's data has no English name (the client says so). */
  nameEn: z.string().nullable(),
  target: z.string(),
  by: z.string(),
  section: z.string(),
  stream: z.string().nullable(),
  materials: z.array(z.string()),
  /** What the platform measured toward it, or null when trades cannot measure it. */
  measured: z
    .object({ value: z.number().nullable(), unit: z.enum(INDICATOR_UNITS), basisZh: z.string(), basisEn: z.string() })
    .nullable(),
  noteZh: z.string().nullable(),
  noteEn: z.string().nullable(),
});
export type TPlanTarget = z.infer<typeof ZPlanTarget>;

export const ZIndicators = z.object({
  year: z.number().int(),
  scope: z.union([z.literal('city'), z.array(z.string())]),
  /** Always true: the figures cover trades on this platform only, not the city's whole waste. */
  platformTradesOnly: z.literal(true),
  noteZh: z.string(),
  noteEn: z.string(),
  indicators: z.array(ZIndicator),
  planTargets: z.array(ZPlanTarget),
  planSource: z.string(),
});
export type TIndicators = z.infer<typeof ZIndicators>;

// ── Capacity ────────────────────────────────────────────────────────────────────────────────────

export const ZCapacityLicence = z.object({
  id: z.uuid(),
  number: z.string(),
  status: z.string(),
  wasteCodes: z.array(z.string()),
  annualCapacityKg: z.number().int(),
  validFrom: z.string(),
  validTo: z.string(),
});

export const ZDisposerCapacity = z.object({
  orgId: z.uuid(),
  name: z.string(),
  district: z.string(),
  /** The largest approved disposal licence valid in the year (the one eligibility checks against). */
  permittedKg: z.number().int(),
  /** Hazardous kg contracted as receiver in trades made in the year (not cancelled): what eligibility counts. */
  usedKg: z.number().int(),
  /** Of that, kg accepted on receipt so far. */
  receivedKg: z.number().int(),
  /** usedKg ÷ permittedKg; null without an approved licence. */
  share: z.number().nullable(),
  /** Above 90 %: a capacity_high alert is raised. */
  high: z.boolean(),
  /** The codes and HW categories the licences cover. */
  wasteCodes: z.array(z.string()),
  licences: z.array(ZCapacityLicence),
});
export type TDisposerCapacity = z.infer<typeof ZDisposerCapacity>;

export const ZCapacity = z.object({
  year: z.number().int(),
  scope: z.union([z.literal('city'), z.array(z.string())]),
  thresholdShare: z.number(),
  disposers: z.array(ZDisposerCapacity),
});
export type TCapacity = z.infer<typeof ZCapacity>;
