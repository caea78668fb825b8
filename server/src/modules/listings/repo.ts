import { and, desc, eq, getTableColumns, ilike, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { bids, listings, materials } from '../../db/schema.js';
import type { UsualDirection } from '../../../../shared/src/pricecheck.js';

export type ListingBase = typeof listings.$inferSelect;
export type NewListingRow = typeof listings.$inferInsert;
/** A listing with its material's names, as every read returns it. */
export type ListingRow = ListingBase & { materialNameZh: string; materialNameEn: string; usualDirection: UsualDirection };
/** A locked listing, with the database clock's view of its deadlines. */
export type LockedListing = ListingRow & { pastClose: boolean; pastPickup: boolean };

const withNames = {
  ...getTableColumns(listings),
  materialNameZh: materials.nameZh,
  materialNameEn: materials.nameEn,
  usualDirection: materials.usualDirection,
};

export async function insertListing(dbx: DbOrTx, row: NewListingRow): Promise<void> {
  await dbx.insert(listings).values(row);
}

export async function findListing(dbx: DbOrTx, id: string): Promise<ListingRow | null> {
  const [row] = await dbx
    .select(withNames)
    .from(listings)
    .innerJoin(materials, eq(materials.code, listings.materialCode))
    .where(eq(listings.id, id));
  return row ?? null;
}

/** The listing row locked for the transaction, with `closes_at <= now()` and `pickup_to <= now()` on the database clock. */
export async function lockListing(dbx: DbOrTx, id: string): Promise<LockedListing | null> {
  const [row] = await dbx
    .select({
      ...withNames,
      pastClose: sql<boolean>`coalesce(${listings.closesAt} <= now(), false)`,
      pastPickup: sql<boolean>`${listings.pickupTo} <= now()`,
    })
    .from(listings)
    .innerJoin(materials, eq(materials.code, listings.materialCode))
    .where(eq(listings.id, id))
    .for('update', { of: listings });
  return row ?? null;
}

/** A listing as a bid's checks see it before any lock: the locked view plus its version (updated_at as text). */
export type PeekedListing = LockedListing & { version: string };

type PeekQuery = { execute(p: { id: string }): Promise<PeekedListing[]> };
/** Prepared once per database (a named statement, parsed and planned once per connection). */
const peekQueries = new WeakMap<object, PeekQuery>();

/**
 * The listing with the database clock's view of its deadlines, read without a lock, through a
 * prepared statement: the first read of a bid's hot path. `version` is what place_resting_bid
 * compares under the lock (migration 0018): updated_at moves with every change of terms or state.
 */
export async function peekListing(db: Db, id: string): Promise<PeekedListing | null> {
  let q = peekQueries.get(db);
  if (!q) {
    q = db
      .select({
        ...withNames,
        pastClose: sql<boolean>`coalesce(${listings.closesAt} <= now(), false)`,
        pastPickup: sql<boolean>`${listings.pickupTo} <= now()`,
        version: sql<string>`${listings.updatedAt}::text`.mapWith(String),
      })
      .from(listings)
      .innerJoin(materials, eq(materials.code, listings.materialCode))
      .where(eq(listings.id, sql.placeholder('id')))
      .prepare('listing_peek') as unknown as PeekQuery;
    peekQueries.set(db, q);
  }
  const [row] = await q.execute({ id });
  return row ?? null;
}

export async function updateListing(dbx: DbOrTx, id: string, set: Partial<NewListingRow>): Promise<void> {
  await dbx
    .update(listings)
    .set({ ...set, updatedAt: sql`now()` })
    .where(eq(listings.id, id));
}

/** Remaining quantity and/or status; leaving `open` stamps closed_at on the database clock. */
export async function setState(
  dbx: DbOrTx,
  id: string,
  s: { remainingKg?: number; status?: ListingBase['status'] },
): Promise<void> {
  await dbx
    .update(listings)
    .set({
      ...(s.remainingKg !== undefined ? { remainingKg: s.remainingKg } : {}),
      ...(s.status ? { status: s.status } : {}),
      ...(s.status && s.status !== 'open' ? { closedAt: sql`coalesce(${listings.closedAt}, now())` } : {}),
      updatedAt: sql`now()`,
    })
    .where(eq(listings.id, id));
}

export async function addBidCount(dbx: DbOrTx, id: string, delta: number): Promise<number> {
  const [row] = await dbx
    .update(listings)
    .set({ bidCount: sql`${listings.bidCount} + ${delta}` })
    .where(eq(listings.id, id))
    .returning({ bidCount: listings.bidCount });
  return row!.bidCount;
}

/**
 * The auction close decision (RELIABILITY J2): open → closed exactly once, on the database clock.
 * The caller sets the final status (matched or closed) in the same transaction.
 */
export async function closeIfDue(dbx: DbOrTx, id: string): Promise<ListingBase | null> {
  const [row] = await dbx
    .update(listings)
    .set({ status: 'closed', closedAt: sql`now()`, updatedAt: sql`now()` })
    .where(
      and(eq(listings.id, id), eq(listings.status, 'open'), eq(listings.mode, 'auction'), sql`${listings.closesAt} <= now()`),
    )
    .returning();
  return row ?? null;
}

/** A fixed-price listing whose pickup window has ended: open → expired, once, on the database clock. */
export async function expireIfDue(dbx: DbOrTx, id: string): Promise<ListingBase | null> {
  const [row] = await dbx
    .update(listings)
    .set({ status: 'expired', closedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(listings.id, id), eq(listings.status, 'open'), eq(listings.mode, 'fixed'), sql`${listings.pickupTo} <= now()`))
    .returning();
  return row ?? null;
}

export interface ListingFilter {
  material?: string;
  /** The material's stream (hazardous, general_industrial, …). */
  stream?: string;
  side?: ListingBase['side'];
  district?: string;
  status?: ListingBase['status'];
  mode?: ListingBase['mode'];
  orgId?: string;
  q?: string;
  beforeSeq?: number;
  limit: number;
}

function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
}

export async function searchListings(dbx: DbOrTx, f: ListingFilter): Promise<ListingRow[]> {
  const conds: SQL[] = [];
  if (f.material) conds.push(or(eq(listings.materialCode, f.material), eq(listings.wasteCode, f.material))!);
  if (f.stream) conds.push(eq(materials.stream, f.stream));
  if (f.side) conds.push(eq(listings.side, f.side));
  if (f.district) conds.push(eq(listings.district, f.district));
  if (f.status) conds.push(eq(listings.status, f.status));
  if (f.mode) conds.push(eq(listings.mode, f.mode));
  if (f.orgId) conds.push(eq(listings.orgId, f.orgId));
  if (f.q) {
    // Substring match: Chinese has no spaces, so trigram similarity of whole "words" finds little;
    // ILIKE on the trigram GIN indexes matches any run of characters and stays indexed.
    const like = likePattern(f.q);
    conds.push(
      or(
        ilike(listings.description, like),
        ilike(materials.nameZh, like),
        ilike(materials.nameEn, like),
        ilike(listings.materialCode, like),
        ilike(listings.wasteCode, like),
      )!,
    );
  }
  if (f.beforeSeq !== undefined) conds.push(lt(listings.seq, f.beforeSeq));
  return dbx
    .select(withNames)
    .from(listings)
    .innerJoin(materials, eq(materials.code, listings.materialCode))
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(listings.seq))
    .limit(f.limit);
}

// ── The listing's bids as a whole ──────────────────────────────────────────────────────────────
// A bid is a child row of its listing; the two things a listing's own lifecycle does to its bids
// (refuse term edits while any is live, lose the active ones when it ends) live here so that the
// listings module never reaches up into bids (bids → listings is the only direction).

export async function countLiveBids(dbx: DbOrTx, listingId: string): Promise<number> {
  const [row] = await dbx
    .select({ n: sql<number>`count(*)::int` })
    .from(bids)
    .where(and(eq(bids.listingId, listingId), inArray(bids.status, ['active', 'won'])));
  return Number(row?.n ?? 0);
}

/** Every still-active bid of the listing becomes lost (when the listing ends). */
export async function loseActiveBids(dbx: DbOrTx, listingId: string): Promise<number> {
  const rows = await dbx
    .update(bids)
    .set({ status: 'lost', decidedAt: sql`now()` })
    .where(and(eq(bids.listingId, listingId), eq(bids.status, 'active')))
    .returning({ id: bids.id });
  return rows.length;
}
