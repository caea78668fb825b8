/**
 * Public disclosure (公示, issue 14 item 6; DESIGN §7 `GET /public/…`): what anyone may read without
 * signing in. No personal data anywhere (no person's name, e-mail, phone or user id); the flows name
 * no party, and both the flows and the price index publish a cell only when at least 3 distinct
 * generators and 3 distinct receivers stand behind it (DESIGN §6.3). Organisations appear by name
 * only where the disclosure is about them: red and black credit, suspended and revoked licences.
 */
import { z } from 'zod';
import { ZIndicator, ZPlanTarget } from './regulator.js';

/** GET /public/flows: the last `months` finished months (1–36, default 12). */
export const ZPublicFlowsQuery = z.strictObject({
  months: z.coerce.number().int().min(1, 'at least 1').max(36, 'at most 36').default(12),
});
export type TPublicFlowsQuery = z.infer<typeof ZPublicFlowsQuery>;

/** One stream in one month: figures only when published, else `suppressed` with none. */
export const ZPublicFlowCell = z.object({
  /** YYYY-MM (Asia/Shanghai), by the day each trade was made. */
  month: z.string(),
  stream: z.string(),
  suppressed: z.boolean(),
  trades: z.number().int().nullable(),
  /** kg contracted by the month's trades. */
  contractedKg: z.number().int().nullable(),
  /** kg accepted by receivers on those of them delivered or settled. */
  deliveredKg: z.number().int().nullable(),
  /** kg of those moved between two districts. */
  crossDistrictKg: z.number().int().nullable(),
});
export type TPublicFlowCell = z.infer<typeof ZPublicFlowCell>;

export const ZPublicFlows = z.object({
  /** First and last month listed (finished months only: a running month would give each new deal away). */
  from: z.string(),
  to: z.string(),
  minDistinctGenerators: z.number().int(),
  minDistinctReceivers: z.number().int(),
  cells: z.array(ZPublicFlowCell),
});
export type TPublicFlows = z.infer<typeof ZPublicFlows>;

/**
 * A city-wide indicator as published: the year's headline only, no months and no per-organisation
 * breakdown. Only ratios and days are published, and only when the year's trades involve ≥ 3
 * generators and ≥ 3 receivers (else `value` is null): a kg total beside the flows' published cells
 * would give away a suppressed cell by subtraction.
 */
export const ZPublicIndicator = ZIndicator.pick({
  id: true,
  unit: true,
  nameZh: true,
  nameEn: true,
  definitionZh: true,
  definitionEn: true,
  value: true,
});
export const ZPublicIndicators = z.object({
  year: z.number().int(),
  /** Whether the year's trades met the 3 + 3 rule; when false every value is null. */
  published: z.boolean(),
  noteZh: z.string(),
  noteEn: z.string(),
  indicators: z.array(ZPublicIndicator),
  planTargets: z.array(ZPlanTarget),
  planSource: z.string(),
});
export type TPublicIndicators = z.infer<typeof ZPublicIndicators>;

/** A reason in force for a red or black level: a factor that lowers the score, or a sanction. */
export const ZPublicCreditReason = z.object({
  kind: z.enum(['factor', 'sanction']),
  /** factor: the input kind (receipt_overdue, sanction_serious …); sanction: its kind (fine, suspension …). */
  code: z.string(),
  /** factor: events counted; sanction: 1. */
  events: z.number().int(),
  /** sanction: minor, major or serious; null for a factor. */
  severity: z.string().nullable(),
  /** sanction: the regulator's stated reason; null for a factor. */
  text: z.string().nullable(),
  /** sanction: when decided (ISO); null for a factor. */
  decidedAt: z.string().nullable(),
});
export const ZPublicCreditEntry = z.object({
  orgName: z.string(),
  uscc: z.string(),
  district: z.string(),
  level: z.enum(['red', 'black']),
  levelReason: z.enum(['score', 'serious_sanction']),
  score: z.number().int().nullable(),
  /** When the evaluation that set this level was made (ISO); null when a sanction set it before any score. */
  asOf: z.string().nullable(),
  reasons: z.array(ZPublicCreditReason),
});
export type TPublicCreditEntry = z.infer<typeof ZPublicCreditEntry>;
export const ZPublicCreditList = z.object({ items: z.array(ZPublicCreditEntry) });
export type TPublicCreditList = z.infer<typeof ZPublicCreditList>;

export const ZPublicLicenceEntry = z.object({
  orgName: z.string(),
  uscc: z.string(),
  district: z.string(),
  licenceNumber: z.string(),
  kind: z.enum(['disposal', 'transport']),
  status: z.enum(['suspended', 'revoked']),
  /** When the regulator decided it (ISO), if recorded. */
  decidedAt: z.string().nullable(),
  /** The regulator's stated reason, if any. */
  reason: z.string().nullable(),
});
export type TPublicLicenceEntry = z.infer<typeof ZPublicLicenceEntry>;
export const ZPublicLicences = z.object({ items: z.array(ZPublicLicenceEntry) });
export type TPublicLicences = z.infer<typeof ZPublicLicences>;
