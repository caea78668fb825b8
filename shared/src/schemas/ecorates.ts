/**
 * Ecological compensation rates (DESIGN §5.4, docs/eco-compensation.md): a table by waste stream and,
 * optionally, by (origin, destination) district pair, set by a city-scope regulator from a date.
 */
import { z } from 'zod';
import { zMultilineText, zText } from './text.js';
import { STREAMS } from '../enums.js';
import { ZDistrict } from './common.js';

export const ECO_RATE_SOURCES = ['default', 'regulator'] as const;
/** The highest rate the table accepts (fen per tonne): ¥1,000,000/t, far above any fee. */
export const MAX_ECO_FEN_PER_TONNE = 100_000_000;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A calendar date YYYY-MM-DD that exists (a Shanghai calendar day). */
const ZDay = zText()
  .regex(ISO_DATE, 'a date YYYY-MM-DD')
  .refine(
    (s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s,
    'no such date',
  );

export const ZEcoRate = z.object({
  id: z.uuid(),
  stream: z.enum(STREAMS),
  /** Both null: the stream's rate for every cross-district trade; both set: this ordered pair only. */
  fromDistrict: z.string().nullable(),
  toDistrict: z.string().nullable(),
  fenPerTonne: z.number().int(),
  /** From 00:00 Asia/Shanghai of this day, for trades created on or after it. */
  effectiveFrom: z.string(),
  /** 'default': the documented default file (shared/data/eco-rates.default.json); 'regulator': set through the API. */
  source: z.enum(ECO_RATE_SOURCES),
  /** The regulator org that set it (null for the default table). */
  setByOrgId: z.uuid().nullable(),
  setByOrgName: z.string().nullable(),
  note: z.string().nullable(),
  createdAt: z.string(),
  /** Whether this row is the one in force today for its stream (and pair). */
  inForce: z.boolean(),
});
export type TEcoRate = z.infer<typeof ZEcoRate>;

/** POST /eco-rates: a new row; it never edits an older one, it supersedes it from effectiveFrom. */
export const ZSetEcoRateRequest = z
  .strictObject({
    stream: z.enum(STREAMS, { message: `one of ${STREAMS.join(', ')}` }),
    fromDistrict: ZDistrict.optional(),
    toDistrict: ZDistrict.optional(),
    fenPerTonne: z
      .number({ message: 'a whole number of fen per tonne' })
      .int('whole fen per tonne')
      .min(0, 'not negative (0 exempts the stream or pair)')
      .max(MAX_ECO_FEN_PER_TONNE, `at most ${MAX_ECO_FEN_PER_TONNE}`),
    effectiveFrom: ZDay,
    /** Why: the decision or notice it implements. */
    note: zMultilineText().trim().max(500, 'at most 500 characters').optional(),
  })
  .superRefine((b, ctx) => {
    if ((b.fromDistrict === undefined) !== (b.toDistrict === undefined)) {
      const missing = b.fromDistrict === undefined ? 'fromDistrict' : 'toDistrict';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'a district pair needs both fromDistrict and toDistrict' });
    }
    if (b.fromDistrict !== undefined && b.fromDistrict === b.toDistrict)
      ctx.addIssue({
        code: 'custom',
        path: ['toDistrict'],
        message: 'must differ from fromDistrict: a trade within one district pays no eco fee',
      });
  });
export type TSetEcoRateRequest = z.infer<typeof ZSetEcoRateRequest>;

export const ZEcoRatesQuery = z.strictObject({
  stream: z.enum(STREAMS).optional(),
  /** true: only the rows in force today (one per stream and pair). */
  inForce: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  cursor: zText().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(100),
});
export type TEcoRatesQuery = z.infer<typeof ZEcoRatesQuery>;
