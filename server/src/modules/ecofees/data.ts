import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { z } from 'zod';
import { STREAMS } from '../../../../shared/src/enums.js';
import { DISTRICT_CODES } from '../../../../shared/src/districts.js';
import { MAX_ECO_FEN_PER_TONNE } from '../../../../shared/src/schemas/ecorates.js';

/** The documented default rate table (placeholders until the city sets its rates; see its `verification`). */
export const DEFAULT_RATES_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../shared/data/eco-rates.default.json',
);

const ZDefaultRates = z.object({
  unit: z.string(),
  source: z.string(),
  verification: z.string().min(1),
  rates: z
    .array(
      z
        .strictObject({
          stream: z.enum(STREAMS),
          fromDistrict: z.enum(DISTRICT_CODES).optional(),
          toDistrict: z.enum(DISTRICT_CODES).optional(),
          fenPerTonne: z.number().int().min(0).max(MAX_ECO_FEN_PER_TONNE),
          effectiveFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
          note: z.string().optional(),
        })
        .refine(
          (r) =>
            (r.fromDistrict === undefined) === (r.toDistrict === undefined) &&
            (r.fromDistrict === undefined || r.fromDistrict !== r.toDistrict),
          {
            message: 'a pair needs two different districts',
          },
        ),
    )
    .min(1),
});
export type DefaultRates = z.infer<typeof ZDefaultRates>;

/** Reads and checks the default file; a malformed file stops the boot (it decides fees). */
export async function readDefaultRates(file = DEFAULT_RATES_FILE): Promise<DefaultRates> {
  const parsed = ZDefaultRates.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success)
    throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
