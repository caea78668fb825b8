/**
 * Our manifest number (DESIGN §6.8, DOMAIN): 14 digits = year (4) + province 33 (Zhejiang) + city 06
 * (Shaoxing) + a serial within the city and year (6), e.g. 20263306000042. Unique and gap-free per
 * year: the serial comes from one counter row per year, incremented in the transaction that
 * creates the manifest. The row lock serialises concurrent openings, and if the transaction rolls
 * back so does the increment, so no number is skipped or given twice.
 */
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { one } from '../../db/tx.js';

const PROVINCE_CODE = '33';
export const CITY_CODE = '06';
export const MAX_SERIAL = 999_999;
export const MANIFEST_NUMBER_PATTERN = /^(\d{4})3306(\d{6})$/;

export function formatManifestNumber(year: number, serial: number): string {
  if (!Number.isSafeInteger(year) || year < 1000 || year > 9999) throw new RangeError(`year out of range: ${year}`);
  if (!Number.isSafeInteger(serial) || serial < 1 || serial > MAX_SERIAL) throw new RangeError(`serial out of range: ${serial}`);
  return `${year}${PROVINCE_CODE}${CITY_CODE}${String(serial).padStart(6, '0')}`;
}

export function parseManifestNumber(n: string): { year: number; serial: number } | null {
  const m = MANIFEST_NUMBER_PATTERN.exec(n);
  if (!m) return null;
  const serial = Number(m[2]);
  return serial >= 1 ? { year: Number(m[1]), serial } : null;
}

/** Thrown when a year's serials are used up (a million trips in one city and year). */
class ManifestSerialsExhausted extends Error {
  constructor(readonly year: number) {
    super(`manifest serials for ${year} are used up`);
    this.name = 'ManifestSerialsExhausted';
  }
}

/** The next number of `year`, in the caller's transaction (see above). */
export async function allocateManifestNumber(tx: DbOrTx, year: number): Promise<string> {
  const row = await one<{ last_serial: number | string }>(
    tx,
    sql`insert into manifest_counters (year, last_serial) values (${year}, 1)
        on conflict (year) do update set last_serial = manifest_counters.last_serial + 1
        returning last_serial`,
  );
  const serial = Number(row!.last_serial);
  if (serial > MAX_SERIAL) throw new ManifestSerialsExhausted(year);
  return formatManifestNumber(year, serial);
}
