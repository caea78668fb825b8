import { and, asc, desc, eq, gt, inArray, lt, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { one } from '../../db/tx.js';
import { marketJournal, marketOrders, marketPrints, materials } from '../../db/schema.js';
import type { BookJournalEntry } from '../matching/index.js';

export type OrderRow = typeof marketOrders.$inferSelect;
export type PrintRow = typeof marketPrints.$inferSelect;

/** The codes of every material with a continuous market. */
export async function marketCodes(dbx: DbOrTx): Promise<string[]> {
  const found = await dbx
    .select({ code: materials.code })
    .from(materials)
    .where(
      and(eq(materials.standardisedGrade, true), eq(materials.tradeable, true), sql`${materials.marketMinLotKg} is not null`),
    );
  return found.map((r) => r.code);
}

/** A material with its market terms; null when the code is unknown. */
export async function grade(dbx: DbOrTx, code: string) {
  const [row] = await dbx.select().from(materials).where(eq(materials.code, code));
  return row ?? null;
}

export async function insertOrder(dbx: DbOrTx, row: typeof marketOrders.$inferInsert): Promise<OrderRow> {
  const [inserted] = await dbx.insert(marketOrders).values(row).returning();
  return inserted!;
}

export async function findOrder(dbx: DbOrTx, id: string): Promise<OrderRow | null> {
  const [row] = await dbx.select().from(marketOrders).where(eq(marketOrders.id, id));
  return row ?? null;
}

export async function updateOrder(
  dbx: DbOrTx,
  id: string,
  set: Pick<OrderRow, 'remainingKg' | 'filledKg' | 'cancelledKg' | 'status'>,
): Promise<OrderRow> {
  const [row] = await dbx
    .update(marketOrders)
    .set({ ...set, updatedAt: sql`now()` })
    .where(eq(marketOrders.id, id))
    .returning();
  return row!;
}

/** The market's open orders in time priority: the book's rows. */
export function openOrders(dbx: DbOrTx, code: string): Promise<OrderRow[]> {
  return dbx
    .select()
    .from(marketOrders)
    .where(and(eq(marketOrders.marketCode, code), eq(marketOrders.status, 'open')))
    .orderBy(asc(marketOrders.seq));
}

export async function lastOp(dbx: DbOrTx, code: string): Promise<number> {
  const row = await one<{ op: string | number | null }>(
    dbx,
    sql`select max(op) as op from market_journal where market_code = ${code}`,
  );
  return Number(row?.op ?? 0);
}

export async function journalAfter(dbx: DbOrTx, code: string, op: number): Promise<BookJournalEntry[]> {
  const found = await dbx
    .select({ entry: marketJournal.entry })
    .from(marketJournal)
    .where(and(eq(marketJournal.marketCode, code), gt(marketJournal.op, op)))
    .orderBy(asc(marketJournal.op));
  return found.map((r) => r.entry);
}

export async function appendJournal(dbx: DbOrTx, code: string, entries: readonly BookJournalEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await dbx.insert(marketJournal).values(entries.map((entry) => ({ marketCode: code, op: entry.op, entry })));
}

export async function insertPrint(dbx: DbOrTx, row: typeof marketPrints.$inferInsert): Promise<PrintRow> {
  const [inserted] = await dbx.insert(marketPrints).values(row).returning();
  return inserted!;
}

export function recentPrints(dbx: DbOrTx, code: string, limit: number): Promise<PrintRow[]> {
  return dbx.select().from(marketPrints).where(eq(marketPrints.marketCode, code)).orderBy(desc(marketPrints.seq)).limit(limit);
}

export function ordersOfOrg(
  dbx: DbOrTx,
  orgId: string,
  f: { market?: string; status?: OrderRow['status']; beforeSeq?: number; limit: number },
): Promise<OrderRow[]> {
  const conds = [eq(marketOrders.orgId, orgId)];
  if (f.market) conds.push(eq(marketOrders.marketCode, f.market));
  if (f.status) conds.push(eq(marketOrders.status, f.status));
  if (f.beforeSeq !== undefined) conds.push(lt(marketOrders.seq, f.beforeSeq));
  return dbx
    .select()
    .from(marketOrders)
    .where(and(...conds))
    .orderBy(desc(marketOrders.seq))
    .limit(f.limit);
}

/** The trades each order's fills made (from the prints, which name both orders). */
export async function tradeIdsOfOrders(dbx: DbOrTx, orderIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (orderIds.length === 0) return out;
  const found = await dbx
    .select({ tradeId: marketPrints.tradeId, buy: marketPrints.buyOrderId, sell: marketPrints.sellOrderId })
    .from(marketPrints)
    .where(or(inArray(marketPrints.buyOrderId, orderIds), inArray(marketPrints.sellOrderId, orderIds)))
    .orderBy(asc(marketPrints.seq));
  for (const p of found) for (const o of [p.buy, p.sell]) out.set(o, [...(out.get(o) ?? []), p.tradeId]);
  return out;
}
