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
    return Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}
