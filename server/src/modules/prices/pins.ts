/** Use case: a band's pin history (issue 13 item 2), read from the audit rows `price_band.pin` and `price_band.unpin` write. */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { rows } from '../../db/tx.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import { decodeCursor, encodeCursor, type TPage } from '../../../../shared/src/schemas/common.js';
import type { TBandPin, TBandPinsQuery } from '../../../../shared/src/schemas/prices.js';

interface PinRow {
  id: string | number;
  at: Date | string;
  action: string;
  actor_user_id: string | null;
  name: string | null;
  org_name: string | null;
  details: { after?: { lowFen?: number; medianFen?: number; highFen?: number } | null };
}

/** Newest first, keyset on the audit row id. */
export async function bandPins(db: Db, code: string, q: TBandPinsQuery): Promise<TPage<TBandPin>> {
  let before: number | undefined;
  if (q.cursor) {
    const v = decodeCursor(q.cursor)?.[0];
    if (typeof v !== 'number' || !Number.isSafeInteger(v))
      throw new AppError(ErrorCodes.VALIDATION_FAILED, 'invalid cursor', {
        fields: [{ path: 'cursor', message: 'invalid cursor' }],
      });
    before = v;
  }
  const found = await rows<PinRow>(
    db,
    sql`select a.id, a.at, a.action, a.actor_user_id, u.name, o.name as org_name, a.details
          from audit_log a left join users u on u.id = a.actor_user_id left join orgs o on o.id = a.actor_org_id
         where a.action in ('price_band.pin', 'price_band.unpin') and a.subject_type = 'price_band' and a.subject_id = ${code}
           ${before !== undefined ? sql`and a.id < ${before}` : sql``}
         order by a.id desc limit ${q.limit + 1}`,
  );
  const items = found.slice(0, q.limit);
  return {
    items: items.map((r) => ({
      at: new Date(r.at).toISOString(),
      action: r.action === 'price_band.unpin' ? ('unpin' as const) : ('pin' as const),
      pinnedBy: { userId: r.actor_user_id, name: r.name, orgName: r.org_name },
      // An unpin that left no band (no seed, too few trades) has no figures.
      lowFen: fenOrNull(r.details.after?.lowFen),
      medianFen: fenOrNull(r.details.after?.medianFen),
      highFen: fenOrNull(r.details.after?.highFen),
    })),
    nextCursor: found.length > q.limit ? encodeCursor([Number(items.at(-1)!.id)]) : null,
  };
}

const fenOrNull = (v: number | undefined) => (v === undefined || v === null ? null : Number(v));
