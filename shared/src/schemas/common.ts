import { z } from 'zod';
import { DISTRICT_CODES } from '../districts.js';

/** Cursor pages: ?cursor=&limit= (limit ≤ 100, default 20) → { items, nextCursor }. */
export const ZPageQuery = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type TPageQuery = z.infer<typeof ZPageQuery>;

export const ZPage = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
export interface TPage<T> {
  items: T[];
  nextCursor: string | null;
}

export const ZUuid = z.uuid();
export const ZIdParams = z.strictObject({ id: z.uuid('not a valid id') });

export const ZDistrict = z.enum(DISTRICT_CODES, { message: 'not a Shaoxing district code (see GET /api/v1/catalog/districts)' });

/** Cursors are opaque to clients: base64url of a JSON tuple. */
export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}
export function decodeCursor(cursor: string | undefined): unknown[] | null {
  if (!cursor) return null;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // A crafted cursor's strings go into SQL: PostgreSQL text cannot hold NUL.
    return Array.isArray(v) && !v.some((x) => typeof x === 'string' && x.includes('\u0000')) ? v : null;
  } catch {
    return null;
  }
}

/** A cursor's instant as an ISO string, or null: only years 1–9999 (JS parses year 0 and 2024-02-30; PostgreSQL refuses them). */
export function cursorInstant(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const t = Date.parse(v);
  if (Number.isNaN(t)) return null;
  const year = new Date(t).getUTCFullYear();
  return year >= 1 && year <= 9999 ? new Date(t).toISOString() : null;
}

/** A cursor's id, or null unless PostgreSQL's uuid type reads it. */
export function cursorUuid(v: unknown): string | null {
  return typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v) ? v : null;
}
