/**
 * Bids (DESIGN §5.2): placing, reading and withdrawing them. A bid is checked in the order of
 * DESIGN §5.2 under the listing's advisory and row locks and persisted; the matching module then
 * fills it (fixed price) in the same transaction or allocates it at the auction's close — this
 * module hands the matcher its bid rows (BidBook) and is the entry point of the `auction.close` job.
 */
import type { Db, DbOrTx } from '../../db/client.js';
import type { Config } from '../../config.js';
import { inTransaction } from '../../db/tx.js';
import { notifyOrg, outboxRowsOfEvent, publishEvent } from '../../realtime/publish.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import { Rooms } from '../../../../shared/src/realtime.js';
import { decodeCursor, encodeCursor, type TPage } from '../../../../shared/src/schemas/common.js';
import {
  OFFER_LOT_FIELDS,
  type TBid,
  type TListingBids,
  type TMyBidsQuery,
  type TPlaceBidRequest,
} from '../../../../shared/src/schemas/bids.js';
import { hazardDeclarationProblems, type THazard } from '../../../../shared/src/schemas/listings.js';
import type { UserActor } from '../../http/actor.js';
import { createMatcher, merit, type BidBook, type MatchingDeps } from '../matching/index.js';
import { alertFlaggedPrice, gatePrice, referenceBandOfListing, withRejectionAlert, type PriceGate } from '../prices/index.js';
import { tradeIdsOfBids } from '../trades/index.js';
import { assertEligible } from '../eligibility/index.js';
import {
  addListingBids,
  announceListing,
  getListingRow,
  lockListingForMatch,
  LISTING_LOCK,
  peekListingForBid,
  invalidField,
  invalidFields,
  listingNotFound,
  listingNotOpen,
  type LockedListing,
} from '../listings/index.js';
import { readCreditLevels } from '../credit/index.js';
import { getOrgRow } from '../orgs/index.js';
import * as repo from './repo.js';

export type BidRow = repo.BidRow;
export type BidsService = ReturnType<typeof createBidsService>;

/** Bids need what the matcher needs (they hand their bid rows to it), and the group-commit window. */
export type BidsDeps = MatchingDeps & { config: Partial<Pick<Config, 'BID_GROUP_COMMIT_MS'>> };

/** Bids per group commit at most: one statement's worth, a few hundred kB of JSON. */
const MAX_GROUP = 64;

/**
 * Group commit (ADR 0024): resting bids that arrive within `windowMs` go to the database as one
 * statement and one transaction (place_resting_bids, migration 0018), so N bids cost one round trip
 * and one commit instead of N. Each bid is still atomic on its own (a subtransaction): one that fails
 * answers 'failed' and the others commit. windowMs 0 sends each bid alone.
 */
function createBidGroups(db: Db, windowMs: number) {
  let pending: { args: repo.RestingBidArgs; done: (r: repo.GroupedBidOutcome | Error) => void }[] = [];
  let timer: NodeJS.Timeout | null = null;

  async function flush(): Promise<void> {
    const batch = pending;
    pending = [];
    if (timer) clearTimeout(timer);
    timer = null;
    try {
      const outcomes =
        batch.length === 1
          ? [await repo.placeRestingBidRow(db, batch[0]!.args)]
          : await repo.placeRestingBidRows(
              db,
              LISTING_LOCK,
              batch.map((b) => b.args),
            );
      batch.forEach((b, i) => b.done(outcomes[i]!));
    } catch (err) {
      for (const b of batch) b.done(err as Error);
    }
  }

  return function place(args: repo.RestingBidArgs): Promise<repo.GroupedBidOutcome> {
    if (windowMs <= 0) return repo.placeRestingBidRow(db, args);
    return new Promise((resolve, reject) => {
      pending.push({ args, done: (r) => (r instanceof Error ? reject(r) : resolve(r)) });
      if (pending.length >= MAX_GROUP) void flush();
      else timer ??= setTimeout(() => void flush(), windowMs);
    });
  };
}

function toBid(row: BidRow, o: { tradeIds: string[]; mine: boolean; showOrg: boolean }): TBid {
  return {
    id: row.id,
    listingId: row.listingId,
    orgId: o.showOrg || o.mine ? row.orgId : null,
    pricePerTonneFen: row.pricePerTonneFen,
    quantityKg: row.quantityKg,
    filledKg: row.filledKg,
    justification: o.showOrg || o.mine ? row.justification : null,
    district: o.showOrg || o.mine ? row.district : null,
    pickupFrom: o.showOrg || o.mine ? (row.pickupFrom?.toISOString() ?? null) : null,
    pickupTo: o.showOrg || o.mine ? (row.pickupTo?.toISOString() ?? null) : null,
    hazard: o.showOrg || o.mine ? row.hazard : null,
    priceCheck: row.priceCheck,
    status: row.status,
    tradeIds: o.tradeIds,
    createdAt: row.createdAt.toISOString(),
    decidedAt: row.decidedAt?.toISOString() ?? null,
    mine: o.mine,
  };
}

/** The bid rows as the matcher reads and decides them. */
const bidBook: BidBook<BidRow> = {
  decide: (tx, bidId, status, filledKg) => repo.decideBid(tx, bidId, status, filledKg),
  activeForUpdate: (tx, listingId) => repo.bidsOfListing(tx, listingId, { status: 'active', forUpdate: true }),
};

/** Where and when the material of a bid is: what the offer states (DESIGN §6.3), stored on the bid. */
interface Lot {
  district: string | null;
  pickupFrom: Date | null;
  pickupTo: Date | null;
  hazard: THazard | null;
}

/**
 * The lot a bid ships. On a supply listing the listing states it, so a bid that states it too is a
 * 400 naming the field. An offer into a demand listing states its own: district (default the
 * offering org's), pickup window (default the listing's) and, for a hazardous code, the hazard
 * declaration it must carry.
 */
async function lotOfBid(tx: DbOrTx, l: LockedListing, orgId: string, body: TPlaceBidRequest, now: Date): Promise<Lot> {
  if (l.side === 'supply') {
    const stated = OFFER_LOT_FIELDS.find((f) => body[f] !== undefined);
    if (stated)
      throw invalidField(
        stated,
        'only an offer into a demand listing states where the material is; on a supply listing the listing states it',
      );
    return { district: null, pickupFrom: null, pickupTo: null, hazard: null };
  }
  if (l.hazardous) {
    const problems = hazardDeclarationProblems(body.hazard);
    if (problems.length) throw invalidFields(problems);
  }
  const pickupTo = body.pickupTo ? new Date(body.pickupTo) : l.pickupTo;
  if (body.pickupTo && pickupTo.getTime() <= now.getTime()) throw invalidField('pickupTo', 'the pickup window has already ended');
  const district = body.district ?? (await getOrgRow(tx, orgId))!.district;
  return {
    district,
    pickupFrom: body.pickupFrom ? new Date(body.pickupFrom) : l.pickupFrom,
    pickupTo,
    hazard: body.hazard ?? null,
  };
}

/**
 * For manifests: what the bid that made a trade stated about its lot — an offer's pickup window and
 * hazard declaration (null fields on a bid on a supply listing, whose listing states them).
 */
export async function bidLot(dbx: DbOrTx, bidId: string): Promise<Lot | null> {
  const row = await repo.findBid(dbx, bidId);
  return row ? { district: row.district, pickupFrom: row.pickupFrom, pickupTo: row.pickupTo, hazard: row.hazard } : null;
}

/** Role → self-dealing → listing open, in that order (DESIGN §5.2), on the listing as read. */
function assertMayBid(actor: UserActor, orgId: string, l: LockedListing): void {
  const needed = l.side === 'supply' ? 'recycler' : 'generator';
  if (!actor.roles.includes(needed))
    throw new AppError(
      ErrorCodes.FORBIDDEN_ROLE,
      l.side === 'supply'
        ? 'only recycler organisations bid on supply listings'
        : 'only generator organisations offer on demand listings',
    );
  if (l.orgId === orgId) throw new AppError(ErrorCodes.SELF_DEALING, 'you cannot bid on your own organisation’s listing');

  if (l.status !== 'open') throw listingNotOpen(l.status);
  if (l.mode === 'auction' && l.pastClose)
    throw listingNotOpen(l.status, `the auction closed at ${l.closesAt!.toISOString()} and takes no more bids`);
  if (l.mode === 'fixed' && l.pastPickup) throw listingNotOpen(l.status, 'the pickup window of this listing has ended');
  if (l.remainingKg === 0) throw listingNotOpen(l.status, 'nothing is left on this listing');
}

/** The auction's reserve, then the listing's minimum lot. */
function assertBidTerms(l: LockedListing, body: TPlaceBidRequest): void {
  if (l.mode === 'auction' && merit(l.side, body.pricePerTonneFen) < merit(l.side, l.pricePerTonneFen)) {
    throw new AppError(
      ErrorCodes.BELOW_RESERVE,
      l.side === 'supply'
        ? `the reserve is ${l.pricePerTonneFen} fen/t; bid that or more`
        : `the reserve is ${l.pricePerTonneFen} fen/t; offer that or less`,
      { reservePerTonneFen: l.pricePerTonneFen },
    );
  }
  const smallest = Math.min(l.minLotKg, l.remainingKg);
  if (body.quantityKg < smallest)
    throw invalidField('quantityKg', `below the listing's minimum lot: bid at least ${smallest} kg`);
}

/** What a bid's price is checked as: the listing's material and origin, the bidder, the price. */
function bidGate(
  l: { id: string; materialCode: string; wasteCode: string; district: string },
  orgId: string,
  body: TPlaceBidRequest,
): PriceGate {
  return {
    subject: 'bid',
    materialCode: l.materialCode,
    wasteCode: l.wasteCode,
    priceFen: body.pricePerTonneFen,
    justification: body.justification,
    district: l.district,
    orgId,
    listingId: l.id,
  };
}

function beforeSeqFromCursor(cursor: string | undefined): number | undefined {
  if (!cursor) return undefined;
  const v = decodeCursor(cursor)?.[0];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw invalidField('cursor', 'invalid cursor');
  return v;
}

export function createBidsService(deps: BidsDeps) {
  const { db, ids, clock } = deps;
  const matcher = createMatcher(deps, bidBook);
  const placeResting = createBidGroups(db, deps.config.BID_GROUP_COMMIT_MS ?? 0);

  async function withTrades(dbx: DbOrTx, rows: BidRow[], viewer: { orgId: string | null; isOwner: boolean }): Promise<TBid[]> {
    const trades = await tradeIdsOfBids(
      dbx,
      rows.filter((b) => b.status === 'won').map((b) => b.id),
    );
    const levels = await readCreditLevels(
      dbx,
      rows.map((b) => b.orgId),
    );
    return rows.map((b) => {
      const bid = toBid(b, {
        tradeIds: trades.filter((t) => t.bidId === b.id).map((t) => t.id),
        mine: b.orgId === viewer.orgId,
        showOrg: viewer.isOwner,
      });
      // The level goes with the bidder: hidden where the bidder is.
      return { ...bid, bidderCreditLevel: bid.orgId ? levels.get(b.orgId)! : null };
    });
  }

  /**
   * The hot path of a resting bid (ADR 0024): a bid on an auction of a supply listing whose material
   * is not hazardous (no eligibility read) at a price inside the band (no alert to write with it).
   * The same checks in the same order as the transaction in placeBid, on the listing read without a
   * lock; then place_resting_bid writes everything in one statement, under the locks, provided the
   * listing is still the one checked. Null hands the bid to the full transaction: another kind of
   * bid, a flagged price, or a listing that changed in between.
   */
  async function placeRestingBid(
    actor: UserActor,
    orgId: string,
    listingId: string,
    body: TPlaceBidRequest,
  ): Promise<TBid | null> {
    // The listing and its material's band in one round trip (two statements side by side). A bid the
    // hot path does not take (not a resting auction bid) has read both for nothing, as it read the
    // listing before: the price of not waiting for the listing to know the material.
    const [l, priced] = await Promise.all([peekListingForBid(db, listingId), referenceBandOfListing(db, listingId)]);
    if (!l || l.mode !== 'auction' || l.side !== 'supply' || l.hazardous) return null;
    assertMayBid(actor, orgId, l);
    await lotOfBid(db, l, orgId, body, clock.now());
    assertBidTerms(l, body);
    const priceCheck = await gatePrice(db, ids, {
      ...bidGate(l, orgId, body),
      usualDirection: l.usualDirection,
      // Read beside the listing; were they about different materials (a change in between), read again.
      ...(priced?.code === l.materialCode ? { band: priced.band } : {}),
    });
    if (priceCheck.status !== 'ok') return null;

    const id = ids.uuid();
    const at = clock.now();
    // bidCount is the listing's count after this bid: the function sets it where these say 0.
    const data = { listingId: l.id, bidCount: 0 };
    const placed = await placeResting({
      listingId: l.id,
      lockNamespace: LISTING_LOCK,
      expect: { version: l.version, status: l.status, remainingKg: l.remainingKg },
      bid: {
        id,
        orgId,
        userId: actor.userId,
        priceFen: body.pricePerTonneFen,
        quantityKg: body.quantityKg,
        justification: body.justification ?? null,
        priceCheck,
      },
      // As the transaction publishes them: the public room, then the owner's (sealed: the count only).
      rows: [
        ...outboxRowsOfEvent([Rooms.listing(l.id)], 'bid.placed', data, at),
        ...outboxRowsOfEvent([Rooms.org(l.orgId)], 'bid.placed', data, at),
      ],
      outbid: {
        kind: 'outbid',
        subjectType: 'listing',
        subjectId: l.id,
        data: { listingId: l.id },
        key: `outbid:${id}`,
        at: at.toISOString(),
      },
    });
    if (placed.outcome !== 'placed') return null;
    const row: BidRow = {
      id,
      seq: Number(placed.seq),
      listingId: l.id,
      orgId,
      userId: actor.userId,
      pricePerTonneFen: body.pricePerTonneFen,
      quantityKg: body.quantityKg,
      filledKg: 0,
      justification: body.justification ?? null,
      priceCheck,
      district: null,
      pickupFrom: null,
      pickupTo: null,
      hazard: null,
      status: 'active',
      createdAt: new Date(placed.createdAt),
      decidedAt: null,
    };
    return toBid(row, { tradeIds: [], mine: true, showOrg: true });
  }

  return {
    /**
     * A counterparty bids on a supply listing or offers on a demand listing. Checks in order, each
     * with its own code (DESIGN §5.2): role → self-dealing → listing open → eligibility → reserve
     * (auction) → price check.
     */
    async placeBid(actor: UserActor, listingId: string, body: TPlaceBidRequest): Promise<TBid> {
      const orgId = actor.orgId;
      if (!orgId) throw new AppError(ErrorCodes.FORBIDDEN_ROLE, 'bids come from trading organisations');
      return withRejectionAlert(db, ids, async () => {
        // The hot path (ADR 0024, 0029): a resting bid in two round trips and one short lock; null when
        // it does not apply or the listing changed under it, and the full transaction below decides.
        const fast = await placeRestingBid(actor, orgId, listingId, body);
        if (fast) return fast;
        return inTransaction(db, async (tx) => {
          const l = await lockListingForMatch(tx, listingId);
          if (!l) throw listingNotFound();
          assertMayBid(actor, orgId, l);

          const lot = await lotOfBid(tx, l, orgId, body, clock.now());
          await assertEligible(tx, deps, {
            hazardous: l.hazardous,
            wasteCode: l.wasteCode,
            category: l.category,
            receiverOrgId: l.side === 'supply' ? orgId : l.orgId,
            callerOrgId: orgId,
            counterpartyOrgId: l.orgId,
            // The receiver's licence must hold through the window the material is picked up in.
            pickupFrom: lot.pickupFrom ?? l.pickupFrom,
            pickupTo: lot.pickupTo ?? l.pickupTo,
            quantityKg: Math.min(body.quantityKg, l.remainingKg),
          });

          assertBidTerms(l, body);

          const gate = bidGate(l, orgId, body);
          const priceCheck = await gatePrice(tx, ids, gate);
          let bid = await repo.insertBid(tx, {
            id: ids.uuid(),
            listingId: l.id,
            orgId,
            userId: actor.userId,
            pricePerTonneFen: body.pricePerTonneFen,
            quantityKg: body.quantityKg,
            justification: body.justification ?? null,
            priceCheck,
            ...lot,
          });
          if (priceCheck.status === 'flagged')
            await alertFlaggedPrice(tx, ids, { ...gate, subjectId: bid.id, check: priceCheck });
          // The auction's leading bidder hears it was outbid (notification centre; no price, no bidder named).
          if (l.mode === 'auction') {
            const leader = (await repo.bidsOfListing(tx, l.id, { status: 'active' }))
              .filter((b) => b.id !== bid.id)
              .sort((a, b) => merit(l.side, b.pricePerTonneFen) - merit(l.side, a.pricePerTonneFen) || a.seq - b.seq)[0];
            if (leader && leader.orgId !== orgId && merit(l.side, bid.pricePerTonneFen) > merit(l.side, leader.pricePerTonneFen))
              await notifyOrg(
                tx,
                leader.orgId,
                `outbid:${bid.id}`,
                { kind: 'outbid', subjectType: 'listing', subjectId: l.id, data: { listingId: l.id, bidId: leader.id } },
                clock.now(),
              );
          }
          const bidCount = await addListingBids(tx, l.id, 1);

          const tradeIds: string[] = [];
          let listingChanged = false;
          if (l.mode === 'fixed') {
            const m = await matcher.matchFixedBid(tx, l, bid);
            bid = m.bid;
            tradeIds.push(...m.tradeIds);
            listingChanged = m.listingChanged;
          }

          const at = clock.now();
          // The public room never sees prices or bidders; the owner sees the bid on a fixed-price listing.
          await publishEvent(tx, [Rooms.listing(l.id)], 'bid.placed', { listingId: l.id, bidCount }, at);
          await publishEvent(
            tx,
            [Rooms.org(l.orgId)],
            'bid.placed',
            l.mode === 'auction'
              ? { listingId: l.id, bidCount }
              : { listingId: l.id, bidCount, bidId: bid.id, bid: toBid(bid, { tradeIds, mine: false, showOrg: true }) },
            at,
          );
          if (listingChanged) await announceListing(tx, clock, l.id, 'listing.updated');
          return toBid(bid, { tradeIds, mine: true, showOrg: true });
        });
      });
    },

    /**
     * The owner and the bidders see a listing's bids. On an open auction they are sealed: the owner
     * and other bidders see only the count; a bidder always sees its own.
     */
    async listBids(actor: UserActor, listingId: string): Promise<TListingBids> {
      const l = await getListingRow(db, listingId);
      if (!l) throw listingNotFound();
      const isOwner = !!actor.orgId && actor.orgId === l.orgId;
      const own = actor.orgId ? await repo.bidsOfListing(db, listingId, { orgId: actor.orgId }) : [];
      if (!isOwner && own.length === 0)
        throw new AppError(ErrorCodes.NOT_A_PARTY, "only the listing's owner and its bidders see its bids");
      const sealed = l.mode === 'auction' && l.status === 'open';
      const rows = sealed ? own : await repo.bidsOfListing(db, listingId);
      return { count: l.bidCount, sealed, items: await withTrades(db, rows, { orgId: actor.orgId, isOwner }) };
    },

    /** "My bids": the caller's org's bids, newest first. */
    async listMyBids(actor: UserActor, q: TMyBidsQuery): Promise<TPage<TBid>> {
      if (!actor.orgId) return { items: [], nextCursor: null };
      const rows = await repo.bidsOfOrg(db, actor.orgId, {
        ...(q.status ? { status: q.status } : {}),
        beforeSeq: beforeSeqFromCursor(q.cursor),
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      return {
        items: await withTrades(db, page, { orgId: actor.orgId, isOwner: false }),
        nextCursor: rows.length > q.limit ? encodeCursor([page.at(-1)!.seq]) : null,
      };
    },

    /** The bidder withdraws an active bid while the listing is open; a matched bid is a trade and stays. */
    async withdrawBid(actor: UserActor, bidId: string): Promise<TBid> {
      return inTransaction(db, async (tx) => {
        const found = await repo.findBid(tx, bidId);
        if (!found || !actor.orgId || found.orgId !== actor.orgId) throw new AppError(ErrorCodes.NOT_FOUND, 'no such bid');
        const l = await lockListingForMatch(tx, found.listingId);
        const bid = (await repo.findBid(tx, bidId, true))!;
        if (bid.status === 'won')
          throw new AppError(
            ErrorCodes.INVALID_STATE,
            'this bid matched and is now a trade; it cannot be withdrawn (a trade can be cancelled before funding)',
            {
              allowed: [],
              status: bid.status,
            },
          );
        if (bid.status !== 'active')
          throw new AppError(ErrorCodes.INVALID_STATE, `the bid is already ${bid.status}`, { allowed: [], status: bid.status });
        if (!l || l.status !== 'open') throw listingNotOpen(l?.status ?? 'gone');
        if (l.mode === 'auction' && l.pastClose)
          throw listingNotOpen(l.status, 'the auction has closed; bids can no longer be withdrawn');
        const withdrawn = await repo.decideBid(tx, bid.id, 'withdrawn');
        await addListingBids(tx, l.id, -1);
        await announceListing(tx, clock, l.id, 'listing.updated');
        return toBid(withdrawn, { tradeIds: [], mine: true, showOrg: true });
      });
    },

    /** Job `auction.close` (the matching module decides and allocates; see createMatcher). */
    closeAuction: matcher.closeAuction,
  };
}
