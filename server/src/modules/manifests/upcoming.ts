import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { rows } from '../../db/tx.js';

export interface UpcomingDeadline {
  manifestId: string;
  tradeId: string;
  number: string;
  receiverOrgId: string;
  which: 'receipt' | 'disposal';
  dueAt: Date;
}

/**
 * Open steps whose deadline falls in (from, until]: receipt of an arrived trip, disposal of a received
 * one (the receiver's duties). For the notifications module's reminders; the overdue sweep is deadlines.ts.
 */
export async function upcomingDeadlines(dbx: DbOrTx, from: Date, until: Date, limit = 500): Promise<UpcomingDeadline[]> {
  const r = await rows<{
    id: string;
    trade_id: string;
    number: string;
    receiver_org_id: string;
    which: 'receipt' | 'disposal';
    due_at: Date | string;
  }>(
    dbx,
    sql`select id, trade_id, number, receiver_org_id, 'receipt' as which, receipt_due_at as due_at from manifests
          where status = 'arrived' and receipt_due_at > ${from.toISOString()}::timestamptz and receipt_due_at <= ${until.toISOString()}::timestamptz
        union all
        select id, trade_id, number, receiver_org_id, 'disposal' as which, disposal_due_at as due_at from manifests
          where status = 'received' and disposal_due_at > ${from.toISOString()}::timestamptz and disposal_due_at <= ${until.toISOString()}::timestamptz
        order by due_at limit ${limit}`,
  );
  return r.map((x) => ({
    manifestId: x.id,
    tradeId: x.trade_id,
    number: x.number,
    receiverOrgId: x.receiver_org_id,
    which: x.which,
    dueAt: new Date(x.due_at),
  }));
}
