import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

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
  const [codes, categories, prices, plan] = await Promise.all([
    json<WasteCodeEntry[]>('waste-codes.json'),
    json<{ verification: string; categories: { code: string; nameZh: string }[] }>('hazardous-categories.json'),
    json<{ bands: SeedBand[] }>('reference-prices.json'),
    json<Record<string, unknown>>('shaoxing-plan.json'),
  ]);
  return { codes, categories: categories.categories, bands: prices.bands, plan };
}
