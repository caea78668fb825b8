import { and, asc, desc, eq, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { rows } from '../../db/tx.js';
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

/** What place_resting_bid (migration 0018) answers. */
export type RestingBidOutcome = { outcome: 'placed'; seq: number; createdAt: string; bidCount: number } | { outcome: 'stale' };

/**
 * A resting bid written in one statement, in its own (autocommit) transaction: locks, the
 * unchanged-listing check, the bid, the outbid notice, the count, the room sequences and the outbox
 * rows (migration 0018, ADR 0024). Statements inside a plpgsql function are planned once per connection.
 */
export async function placeRestingBidRow(
  db: DbOrTx,
  a: {
    listingId: string;
    lockNamespace: string;
    expect: { version: string; status: string; remainingKg: number };
    bid: {
      id: string;
      orgId: string;
      userId: string;
      priceFen: number;
      quantityKg: number;
      justification: string | null;
      priceCheck: unknown;
    };
    rows: unknown[];
    outbid: Record<string, unknown>;
  },
): Promise<RestingBidOutcome> {
  const [row] = await rows<{ r: RestingBidOutcome | string }>(
    db,
    sql`select place_resting_bid(${a.listingId}::uuid, ${a.lockNamespace}, ${JSON.stringify(a.expect)}::jsonb,
          ${JSON.stringify(a.bid)}::jsonb, ${JSON.stringify(a.rows)}::jsonb, ${JSON.stringify(a.outbid)}::jsonb) as r`,
  );
  const r = row!.r;
  return typeof r === 'string' ? (JSON.parse(r) as RestingBidOutcome) : r;
}
