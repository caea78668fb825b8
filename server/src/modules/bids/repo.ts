import { and, asc, desc, eq, lt, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { noteOutboxWrite, rows } from '../../db/tx.js';
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

type PlaceQuery = { execute(p: Record<string, string>): Promise<{ r: RestingBidOutcome | string }[]> };
/** The call, prepared once per database: a named statement, parsed once per connection. */
const placeQueries = new WeakMap<object, PlaceQuery>();

/**
 * A resting bid written in one statement, in its own (autocommit) transaction: locks, the
 * unchanged-listing check, the bid, the outbid notice, the count, the room sequences and the outbox
 * rows (migration 0018, ADR 0024). Statements inside a plpgsql function are planned once per connection.
 */
export async function placeRestingBidRow(
  db: Db,
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
  let q = placeQueries.get(db);
  if (!q) {
    const p = (name: string) => sql.placeholder(name);
    q = db
      .select({
        r: sql<RestingBidOutcome | string>`place_resting_bid(${p('listing')}::uuid, ${p('ns')}::text, ${p('expect')}::jsonb,
          ${p('bid')}::jsonb, ${p('rows')}::jsonb, ${p('outbid')}::jsonb)`.mapWith(
          (v: unknown) => v as RestingBidOutcome | string,
        ),
      })
      .from(sql`(select 1) as one`)
      .prepare('bid_place_resting') as unknown as PlaceQuery;
    placeQueries.set(db, q);
  }
  const [row] = await q.execute({
    listing: a.listingId,
    ns: a.lockNamespace,
    expect: JSON.stringify(a.expect),
    bid: JSON.stringify(a.bid),
    rows: JSON.stringify(a.rows),
    outbid: JSON.stringify(a.outbid),
  });
  const r = row!.r;
  const outcome = typeof r === 'string' ? (JSON.parse(r) as RestingBidOutcome) : r;
  // The function wrote outbox rows and has committed (autocommit): wake the relay (ADR 0025).
  if (outcome.outcome === 'placed') noteOutboxWrite(db);
  return outcome;
}

/** One resting bid of a group commit, as place_resting_bids (migration 0018) takes it. */
export type RestingBidArgs = Parameters<typeof placeRestingBidRow>[1];
export type GroupedBidOutcome = RestingBidOutcome | { outcome: 'failed'; sqlstate: string; message: string };

/** Several resting bids in one statement and one commit, each in its own subtransaction (group commit). */
export async function placeRestingBidRows(db: Db, lockNamespace: string, batch: RestingBidArgs[]): Promise<GroupedBidOutcome[]> {
  const payload = batch.map((a) => ({ listingId: a.listingId, expect: a.expect, bid: a.bid, rows: a.rows, outbid: a.outbid }));
  const [row] = await rows<{ r: GroupedBidOutcome[] | string }>(
    db,
    sql`select place_resting_bids(${lockNamespace}::text, ${JSON.stringify(payload)}::jsonb) as r`,
  );
  const r = row!.r;
  const outcomes = typeof r === 'string' ? (JSON.parse(r) as GroupedBidOutcome[]) : r;
  if (outcomes.some((o) => o.outcome === 'placed')) noteOutboxWrite(db);
  return outcomes;
}
