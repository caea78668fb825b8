import { and, asc, desc, eq, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { one } from '../../db/tx.js';
import { manifests, trades } from '../../db/schema.js';

export type TradeRow = typeof trades.$inferSelect;
export type NewTradeRow = typeof trades.$inferInsert;

export async function insertTrade(dbx: DbOrTx, row: NewTradeRow): Promise<TradeRow> {
  const [inserted] = await dbx.insert(trades).values(row).returning();
  return inserted!;
}

export async function findTrade(dbx: DbOrTx, id: string, forUpdate = false): Promise<TradeRow | null> {
  const q = dbx.select().from(trades).where(eq(trades.id, id));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row ?? null;
}

export async function tradesOfBids(dbx: DbOrTx, bidIds: string[]): Promise<{ id: string; bidId: string }[]> {
  if (bidIds.length === 0) return [];
  const found = await dbx.select({ id: trades.id, bidId: trades.bidId }).from(trades).where(inArray(trades.bidId, bidIds));
  return found.map((r) => ({ id: r.id, bidId: r.bidId! }));
}

/** Kg of the org's hazardous trades as receiver, not cancelled, created in [from, to). */
export async function hazardousIntakeKg(dbx: DbOrTx, orgId: string, from: Date, to: Date): Promise<number> {
  const r = await one<{ kg: string | number | null }>(
    dbx,
    sql`select coalesce(sum(quantity_kg), 0) as kg from trades
        where receiver_org_id = ${orgId} and hazardous and status <> 'cancelled'
          and created_at >= ${from.toISOString()}::timestamptz and created_at < ${to.toISOString()}::timestamptz`,
  );
  return Number(r?.kg ?? 0);
}

export interface TradeFilter {
  /** Trades where this org is a party. */
  partyOrgId: string | null;
  /** Trades whose origin or destination is one of these districts; null: every district. undefined: none. */
  districts?: string[] | null;
  status?: string;
  material?: string;
  /** Only trades this org is a party to. */
  withOrgId?: string;
  beforeSeq?: number;
  limit: number;
}

export async function listTrades(dbx: DbOrTx, f: TradeFilter): Promise<TradeRow[]> {
  const visible: SQL[] = [];
  if (f.partyOrgId) visible.push(or(eq(trades.generatorOrgId, f.partyOrgId), eq(trades.receiverOrgId, f.partyOrgId))!);
  if (f.districts === null) visible.push(sql`true`);
  else if (f.districts && f.districts.length > 0)
    visible.push(or(inArray(trades.originDistrict, f.districts), inArray(trades.destinationDistrict, f.districts))!);
  if (visible.length === 0) return [];
  const conds: SQL[] = [or(...visible)!];
  if (f.status) conds.push(eq(trades.status, f.status as TradeRow['status']));
  if (f.material) conds.push(eq(trades.materialCode, f.material));
  if (f.withOrgId) conds.push(or(eq(trades.generatorOrgId, f.withOrgId), eq(trades.receiverOrgId, f.withOrgId))!);
  if (f.beforeSeq !== undefined) conds.push(lt(trades.seq, f.beforeSeq));
  return dbx
    .select()
    .from(trades)
    .where(and(...conds))
    .orderBy(desc(trades.seq))
    .limit(f.limit);
}

/** Moves a trade from one of `from` to `to`; null when it was in another state. */
export async function transitionTrade(
  dbx: DbOrTx,
  id: string,
  from: readonly TradeRow['status'][],
  to: TradeRow['status'],
  extra: Partial<Pick<NewTradeRow, 'acceptedKg' | 'settledAt'>> = {},
): Promise<TradeRow | null> {
  const [row] = await dbx
    .update(trades)
    .set({ status: to, updatedAt: sql`now()`, ...extra })
    .where(and(eq(trades.id, id), inArray(trades.status, [...from])))
    .returning();
  return row ?? null;
}

/** Whether two orgs are the two parties of at least one trade (either way round). */
export async function haveTraded(dbx: DbOrTx, a: string, b: string): Promise<boolean> {
  const [row] = await dbx
    .select({ id: trades.id })
    .from(trades)
    .where(
      or(
        and(eq(trades.generatorOrgId, a), eq(trades.receiverOrgId, b)),
        and(eq(trades.generatorOrgId, b), eq(trades.receiverOrgId, a)),
      ),
    )
    .limit(1);
  return !!row;
}

/**
 * The ids of each trade's manifests, in opening order (a trade's `manifestIds`). Read here, over the
 * manifests table's trade_id, so that trades never imports the manifests module (which sits above it).
 */
export async function manifestIdsOfTrades(dbx: DbOrTx, tradeIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(tradeIds.map((id) => [id, []]));
  if (tradeIds.length === 0) return out;
  const found = await dbx
    .select({ id: manifests.id, tradeId: manifests.tradeId })
    .from(manifests)
    .where(inArray(manifests.tradeId, tradeIds))
    .orderBy(asc(manifests.seq));
  for (const r of found) out.get(r.tradeId)?.push(r.id);
  return out;
}
