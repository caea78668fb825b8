import { z } from 'zod';
import { zText } from './text.js';
import { MAX_ABS_PRICE_FEN } from '../money.js';
import { BAND_SOURCES, PRICE_CHECK_STATUSES } from '../pricecheck.js';

const storedBandSource = z.enum(['trades', 'seed', 'pinned']);

/** One reason a price was flagged or rejected (shared/src/pricecheck.ts PriceCheckReason). */
export const ZPriceCheckReason = z.discriminatedUnion('code', [
  z.object({
    code: z.enum(['BELOW_BAND', 'ABOVE_BAND']),
    lowFen: z.number().int(),
    highFen: z.number().int(),
    source: storedBandSource,
  }),
  z.object({
    code: z.enum(['FAR_BELOW_BAND', 'FAR_ABOVE_BAND']),
    lowFen: z.number().int(),
    highFen: z.number().int(),
    limitFen: z.number().int(),
    source: storedBandSource,
  }),
  z.object({ code: z.literal('AGAINST_USUAL_DIRECTION'), usual: z.enum(['fee', 'price']) }),
]);
export type TPriceCheckReason = z.infer<typeof ZPriceCheckReason>;

const fen = z
  .number({ message: 'a whole number of fen per tonne' })
  .int('whole fen per tonne')
  .min(-MAX_ABS_PRICE_FEN, `at least -${MAX_ABS_PRICE_FEN}`)
  .max(MAX_ABS_PRICE_FEN, `at most ${MAX_ABS_PRICE_FEN}`);

/** What every stored listing and bid carries (DESIGN §6.3). */
export const ZPriceCheck = z.object({
  status: z.enum(PRICE_CHECK_STATUSES),
  band: z.object({ lowFen: z.number().int(), medianFen: z.number().int(), highFen: z.number().int() }).nullable(),
  source: z.enum(BAND_SOURCES),
  sampleSize: z.number().int(),
  deviation: z.number().int().nullable(),
  /** Why the status is not ok (band and usual direction); empty when ok. */
  reasons: z.array(ZPriceCheckReason),
  /** Distinct generators and receivers of settled trades in the band's window (absent on checks stored before issue 12). */
  distinctParties: z.object({ generators: z.number().int(), receivers: z.number().int() }).optional(),
});
export type TPriceCheck = z.infer<typeof ZPriceCheck>;

export const ZReferenceBand = z.object({
  materialCode: z.string(),
  lowFen: z.number().int(),
  medianFen: z.number().int(),
  highFen: z.number().int(),
  source: z.enum(['trades', 'seed', 'pinned']),
  /** Pair-week observations the band was computed from (0 for seed and pinned bands). */
  sampleSize: z.number().int(),
  /** Distinct generators and receivers of settled trades in the window: why trades were, or were not, used (each needs ≥ 3). */
  distinctParties: z.object({ generators: z.number().int(), receivers: z.number().int() }),
  note: z.string().nullable(),
  pinnedAt: z.string().nullable(),
});
export type TReferenceBand = z.infer<typeof ZReferenceBand>;

export const ZPriceCodeParams = z.strictObject({ code: zText().trim().min(1).max(40) });

/** PUT /prices/reference/:code: a regulator pins a band, overriding trades and seed. */
export const ZPinBandRequest = z.strictObject({ lowFen: fen, medianFen: fen, highFen: fen }).superRefine((b, ctx) => {
  if (b.medianFen < b.lowFen) ctx.addIssue({ code: 'custom', path: ['medianFen'], message: 'must not be below lowFen' });
  if (b.highFen < b.medianFen) ctx.addIssue({ code: 'custom', path: ['highFen'], message: 'must not be below medianFen' });
});
export type TPinBandRequest = z.infer<typeof ZPinBandRequest>;

/** DELETE /prices/reference/:code/pin: the band in force once the pin is gone (seed or trades), null when none. */
export const ZUnpinBandResult = z.object({ band: ZReferenceBand.nullable() });
export type TUnpinBandResult = z.infer<typeof ZUnpinBandResult>;

export const ZPriceIndexQuery = z.strictObject({
  material: zText().trim().min(1).max(40),
  /** How many finished weeks back (the running week is never published). */
  weeks: z.coerce.number().int().min(1).max(260).default(26),
});
export type TPriceIndexQuery = z.infer<typeof ZPriceIndexQuery>;

/**
 * One period of the public price index: a finished week (from Monday, Asia/Shanghai) with at least 3
 * distinct generators and 3 distinct receivers, or the month its thinner weeks were merged into, or
 * that month marked `suppressed` with no figures. Figures are over pair-week observations.
 */
export const ZPriceIndexItem = z.object({
  period: z.enum(['week', 'month']),
  /** The Monday of the week, or the first day of the month (YYYY-MM-DD, Asia/Shanghai). */
  start: z.string(),
  suppressed: z.boolean(),
  medianFen: z.number().int().nullable(),
  /** p10 and p90 of the observations: never the price of one deal. */
  lowFen: z.number().int().nullable(),
  highFen: z.number().int().nullable(),
  trades: z.number().int().nullable(),
  quantityKg: z.number().int().nullable(),
  /** Generator–receiver pair-weeks the figures are over. */
  observations: z.number().int().nullable(),
});
export type TPriceIndexItem = z.infer<typeof ZPriceIndexItem>;

/** The last `weeks` finished weeks of a material; periods without trades are left out. */
export const ZPriceIndex = z.object({
  materialCode: z.string(),
  /** What a period needs to be published. */
  minDistinctGenerators: z.number().int(),
  minDistinctReceivers: z.number().int(),
  items: z.array(ZPriceIndexItem),
});
export type TPriceIndex = z.infer<typeof ZPriceIndex>;

/**
 * GET /prices/reference/:code/pins: who pinned or unpinned the band when, and to what (regulators,
 * admin). For an unpin the figures are the band it restored (seed or trades); null when none was left.
 */
export const ZBandPin = z.object({
  at: z.string(),
  action: z.enum(['pin', 'unpin']),
  pinnedBy: z.object({ userId: z.uuid().nullable(), name: z.string().nullable(), orgName: z.string().nullable() }),
  lowFen: z.number().int().nullable(),
  medianFen: z.number().int().nullable(),
  highFen: z.number().int().nullable(),
});
export type TBandPin = z.infer<typeof ZBandPin>;
export const ZBandPinsQuery = z.strictObject({
  cursor: zText().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type TBandPinsQuery = z.infer<typeof ZBandPinsQuery>;
