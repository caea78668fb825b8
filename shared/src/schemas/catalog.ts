import { z } from 'zod';
import { zText } from './text.js';

import { STREAMS } from '../enums.js';
import { USUAL_DIRECTIONS } from '../pricecheck.js';

export { STREAMS };
export type TStream = (typeof STREAMS)[number];

export const ZMaterialsQuery = z.strictObject({
  stream: z.enum(STREAMS).optional(),
  hazardous: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  tradeable: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  q: zText().trim().min(1).max(100).optional(),
  cursor: zText().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type TMaterialsQuery = z.infer<typeof ZMaterialsQuery>;

export const ZBand = z.object({
  materialCode: z.string(),
  lowFen: z.number().int(),
  medianFen: z.number().int(),
  highFen: z.number().int(),
  source: z.enum(['trades', 'seed', 'pinned', 'none']),
  sampleSize: z.number().int(),
  note: z.string().nullable().optional(),
});
export type TBand = z.infer<typeof ZBand>;

export const ZMaterial = z.object({
  code: z.string(),
  edition: z.string().nullable(),
  stream: z.enum(STREAMS),
  category: z.string(),
  categoryNameZh: z.string().nullable(),
  nameZh: z.string(),
  nameEn: z.string(),
  hazardous: z.boolean().nullable(),
  tradeable: z.boolean(),
  standardisedGrade: z.boolean(),
  /** A standardised grade's continuous market terms (issue 16): whole lots of minLotKg, prices in steps of priceTickFen; null without a market. */
  market: z.object({ minLotKg: z.number().int(), priceTickFen: z.number().int() }).nullable().optional(),
  verification: z.string(),
  note: z.string().nullable(),
  /** Which way money usually flows (DESIGN §6.3): a price of the other sign is flagged unless a pinned band contains it. */
  usualDirection: z.enum(USUAL_DIRECTIONS),
  band: ZBand.nullable(),
});
export type TMaterial = z.infer<typeof ZMaterial>;

export const ZMaterialParams = z.strictObject({ code: zText().min(1).max(40) });
