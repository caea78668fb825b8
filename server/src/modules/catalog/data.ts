import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { USUAL_DIRECTIONS } from '../../../../shared/src/pricecheck.js';
import type { DirectionOverride } from './direction.js';

/** The catalogue data copied from the programme's reference data (shared/data), with its verification notes. */
const DATA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/data');

export interface WasteCodeEntry {
  code: string;
  category: string;
  stream: string;
  nameZh: string;
  nameEn: string;
  hazardous: boolean | null;
  listEdition: string | null;
  verification: string;
  tradeable: boolean;
  standardisedGrade?: boolean;
  /** Standardised grades: the continuous market's smallest order (kg) and price step (fen/t). */
  marketMinLotKg?: number;
  marketPriceTickFen?: number;
  /** Where the market terms come from (they are a platform rule). */
  marketTermsNote?: string;
  note?: string;
}

export interface SeedBand {
  materialCode: string;
  lowFen: number;
  medianFen: number;
  highFen: number;
  source: string;
  medianNote?: string;
}

async function json<T>(name: string): Promise<T> {
  return JSON.parse(await readFile(path.join(DATA_DIR, name), 'utf8')) as T;
}

export async function readCatalogueData() {
  const [codes, categories, prices, plan, directions] = await Promise.all([
    json<WasteCodeEntry[]>('waste-codes.json'),
    json<{ verification: string; categories: { code: string; nameZh: string }[] }>('hazardous-categories.json'),
    json<{ bands: SeedBand[] }>('reference-prices.json'),
    json<Record<string, unknown>>('shaoxing-plan.json'),
    json<{ overrides: DirectionOverride[] }>('usual-direction-overrides.json'),
  ]);
  return {
    codes,
    categories: categories.categories,
    bands: prices.bands,
    plan,
    directionOverrides: checkOverrides(directions.overrides, codes),
  };
}

/** An override of a code not in the catalogue, twice, or with a direction that does not exist is a data error: fail the start. */
function checkOverrides(overrides: DirectionOverride[], codes: WasteCodeEntry[]): Map<string, DirectionOverride> {
  const known = new Set(codes.map((c) => c.code));
  const out = new Map<string, DirectionOverride>();
  for (const o of overrides) {
    const problem = !known.has(o.code)
      ? 'is not in waste-codes.json'
      : out.has(o.code)
        ? 'is listed twice'
        : !(USUAL_DIRECTIONS as readonly string[]).includes(o.usualDirection)
          ? `has usualDirection ${JSON.stringify(o.usualDirection)}, not one of ${USUAL_DIRECTIONS.join(', ')}`
          : !o.reason
            ? 'has no reason'
            : null;
    if (problem) throw new Error(`usual-direction-overrides.json: ${o.code} ${problem}`);
    out.set(o.code, o);
  }
  return out;
}

/**
 * The seeded band of one material as the data file gives it today, or null: what a band falls back to
 * when a regulator's pin is lifted (the pin overwrote the stored seed row).
 */
export async function seededBand(code: string): Promise<SeedBand | null> {
  const prices = await json<{ bands: SeedBand[] }>('reference-prices.json');
  return prices.bands.find((b) => b.materialCode === code) ?? null;
}
