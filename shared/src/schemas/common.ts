import { z } from 'zod';
import { DISTRICT_CODES } from '../districts.js';
import { textProblem, zText } from './text.js';

/** Cursor pages: ?cursor=&limit= (limit ≤ 100, default 20) → { items, nextCursor }. */
export const ZPageQuery = z.object({
  cursor: zText().max(200).optional(),
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

/** Instants a client sends lie between 2000 and this far ahead; 9999-12-31 is a typo or a probe, not a plan. */
export const INSTANT_HORIZON_DAYS = 731;
const EARLIEST_INSTANT = Date.parse('2000-01-01T00:00:00Z');

export const ZInstant = z.iso
  .datetime({ offset: true, message: 'an ISO 8601 date-time with a zone, e.g. 2026-05-01T08:00:00Z' })
  .refine((s) => {
    const t = Date.parse(s);
    return t >= EARLIEST_INSTANT && t <= Date.now() + INSTANT_HORIZON_DAYS * 86_400_000;
  }, `must lie between 2000-01-01 and ${INSTANT_HORIZON_DAYS} days (2 years) from now`);

export const ZDistrict = z.enum(DISTRICT_CODES, { message: 'not a Shaoxing district code (see GET /api/v1/catalog/districts)' });

/** Cursors are opaque to clients: base64url of a JSON tuple. */
export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}
export function decodeCursor(cursor: string | undefined): unknown[] | null {
  if (!cursor) return null;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // A forged cursor's strings reach SQL as parameters: the same text rules as any input (a NUL was a 500).
    if (!Array.isArray(v) || v.some((x) => typeof x === 'string' && textProblem(x, false) !== null)) return null;
    return v;
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

/**
 * The pickup window of a bid or an order: both ends or neither, and the end not before the start
 * (a superRefine step, so each problem names its field).
 */
export function refinePickupWindow(b: { pickupFrom?: string; pickupTo?: string }, ctx: z.RefinementCtx): void {
  if ((b.pickupFrom === undefined) !== (b.pickupTo === undefined))
    ctx.addIssue({
      code: 'custom',
      path: [b.pickupFrom === undefined ? 'pickupFrom' : 'pickupTo'],
      message: 'give both ends of the pickup window, or neither',
    });
  if (b.pickupFrom && b.pickupTo && Date.parse(b.pickupTo) < Date.parse(b.pickupFrom))
    ctx.addIssue({ code: 'custom', path: ['pickupTo'], message: 'must not be before pickupFrom' });
}
