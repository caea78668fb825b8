import { and, asc, desc, eq, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { bids } from '../../db/schema.js';

export type BidRow = typeof bids.$inferSelect;
export type NewBidRow = typeof bids.$inferInsert;

export async function insertBid(dbx: DbOrTx, row: NewBidRow): Promise<BidRow> {
  const [inserted] = await dbx.insert(bids).values(row).returning();
  return inserted!;
}

export async function findBid(dbx: DbOrTx, id: string, forUpdate = false): Promise<BidRow | null> {
  const q = dbx.select().from(bids).where(eq(bids.id, id));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row ?? null;
}

export async function bidsOfListing(
  dbx: DbOrTx,
  listingId: string,
  opts: { orgId?: string; status?: BidRow['status']; forUpdate?: boolean } = {},
): Promise<BidRow[]> {
  const conds = [eq(bids.listingId, listingId)];
  if (opts.orgId) conds.push(eq(bids.orgId, opts.orgId));
  if (opts.status) conds.push(eq(bids.status, opts.status));
  const q = dbx
    .select()
    .from(bids)
    .where(and(...conds))
    .orderBy(asc(bids.seq));
  return opts.forUpdate ? q.for('update') : q;
}

export async function decideBid(dbx: DbOrTx, id: string, status: BidRow['status'], filledKg = 0): Promise<BidRow> {
  const [row] = await dbx.update(bids).set({ status, filledKg, decidedAt: sql`now()` }).where(eq(bids.id, id)).returning();
  return row!;
}

export async function bidsOfOrg(
  dbx: DbOrTx,
  orgId: string,
  f: { status?: BidRow['status']; beforeSeq?: number; limit: number },
): Promise<BidRow[]> {
  const conds = [eq(bids.orgId, orgId)];
  if (f.status) conds.push(eq(bids.status, f.status));
  if (f.beforeSeq !== undefined) conds.push(lt(bids.seq, f.beforeSeq));
  return dbx
    .select()
    .from(bids)
    .where(and(...conds))
    .orderBy(desc(bids.seq))
    .limit(f.limit);
}
