/**
 * The matching shell (DESIGN §5.3): loads a listing's book, runs the pure engine and saves and
 * announces what it decided — the fills become trades, the bids are won or lost, the listing's
 * remaining quantity and status follow — inside the caller's transaction (fixed price) or its own
 * (the auction close).
 *
 *   fixed:   a bid at or better than the ask fills at once at the listing's price (matchFixed);
 *            one that does not stays active until the listing ends.
 *   auction: sealed bids; the `auction.close` job decides the close once (a conditional update on
 *            the database clock) and allocates with allocateAuction, each winner at its own price.
 *
 * Bid rows belong to the bids module, which sits above this one: it hands the matcher a BidBook
 * (how to read and decide its bids), so matching never imports bids.
 */
import type { Logger } from 'pino';
import type { Clock, Ids } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import { inTransaction } from '../../db/tx.js';
import { enqueue, markDone } from '../../jobs/outbox.js';
import { notifyOrg } from '../../realtime/publish.js';
import { AppError } from '../../../../shared/src/errors.js';
import { allocateAuction, matchFixed } from './engine/index.js';
import { createTradeForFill, type CreditReader, type FillForTrade } from '../trades/index.js';
import { assertEligible } from '../eligibility/index.js';
import {
  announceListing,
  closeAuctionIfDue,
  lockListingForMatch,
  loseActiveBids,
  setListingState,
  type ListingRow,
} from '../listings/index.js';

/** What the matcher needs of a bid row. */
export interface BookBid {
  id: string;
  orgId: string;
  pricePerTonneFen: number;
  quantityKg: number;
  seq: number;
  /** An offer into a demand listing: where the material is (the trade's origin) and its pickup window; null on a bid on a supply listing and on older offers. */
  district: string | null;
  pickupFrom: Date | null;
  pickupTo: Date | null;
}

/** The bids module's rows, as the matcher reads and decides them. */
export interface BidBook<B extends BookBid> {
  /** Marks a bid won (with its filled kg) or lost, returning the row as it now is. */
  decide(tx: DbOrTx, bidId: string, status: 'won' | 'lost', filledKg?: number): Promise<B>;
  /** The listing's active bids in bid order, row-locked. */
  activeForUpdate(tx: DbOrTx, listingId: string): Promise<B[]>;
}

export interface MatchingDeps {
  db: Db;
  ids: Ids;
  clock: Clock;
  logger: Logger;
  config: Pick<Config, 'PLATFORM_FEE_BP'>;
  /** The credit read model by default; tests pass a fake to make an org black or red. */
  readCredit?: CreditReader;
}

/**
 * The trade a fill makes. Its origin is where the shipper's material is (DESIGN §6.3): the supply
 * listing's district, or the district the offer into a demand listing stated — never the demand
 * listing's own district, which is the receiver's.
 */
function fillFor(l: ListingRow, bid: BookBid, quantityKg: number, pricePerTonneFen: number): FillForTrade {
  const supply = l.side === 'supply';
  return {
    listingId: l.id,
    bidId: bid.id,
    generatorOrgId: supply ? l.orgId : bid.orgId,
    receiverOrgId: supply ? bid.orgId : l.orgId,
    materialCode: l.materialCode,
    classifiedCode: l.classifiedCode,
    wasteCode: l.wasteCode,
    category: l.category,
    hazardous: l.hazardous,
    originDistrict: supply ? l.district : (bid.district ?? l.district),
    quantityKg,
    pricePerTonneFen,
  };
}

export function createMatcher<B extends BookBid>(deps: MatchingDeps, book: BidBook<B>) {
  const { db, clock } = deps;

  /** Eligibility again at the close, for the most the bid could receive; non-hazardous bids always pass. */
  async function isStillEligible(tx: DbOrTx, l: ListingRow, b: B): Promise<boolean> {
    if (!l.hazardous) return true;
    try {
      await assertEligible(tx, deps, {
        hazardous: true,
        wasteCode: l.wasteCode,
        category: l.category,
        receiverOrgId: l.side === 'supply' ? b.orgId : l.orgId,
        callerOrgId: b.orgId,
        counterpartyOrgId: l.orgId,
        pickupFrom: b.pickupFrom ?? l.pickupFrom,
        pickupTo: b.pickupTo ?? l.pickupTo,
        quantityKg: Math.min(b.quantityKg, l.remainingKg),
      });
      return true;
    } catch (err) {
      if (err instanceof AppError) return false;
      throw err;
    }
  }

  return {
    /**
     * A new bid on an open fixed-price listing the caller has locked: fills at once when it meets
     * the ask — the trade, the bid won, the listing's remaining quantity (and, when it is used up,
     * its other active bids lost). The caller announces the listing when `listingChanged`.
     */
    async matchFixedBid(tx: Tx, l: ListingRow, bid: B): Promise<{ bid: B; tradeIds: string[]; listingChanged: boolean }> {
      const r = matchFixed(
        { side: l.side, pricePerTonneFen: l.pricePerTonneFen, remainingKg: l.remainingKg, minLotKg: l.minLotKg },
        { id: bid.id, pricePerTonneFen: bid.pricePerTonneFen, quantityKg: bid.quantityKg },
      );
      if (!r.matched) return { bid, tradeIds: [], listingChanged: false };
      const [fill] = r.fills;
      const trade = await createTradeForFill(tx, deps, fillFor(l, bid, fill.quantityKg, fill.pricePerTonneFen));
      const won = await book.decide(tx, bid.id, 'won', fill.quantityKg);
      await setListingState(tx, l.id, {
        remainingKg: r.remainingKg,
        ...(r.remainingKg === 0 ? { status: 'matched' as const } : {}),
      });
      if (r.remainingKg === 0) await loseActiveBids(tx, l.id);
      return { bid: won, tradeIds: [trade.id], listingChanged: true };
    },

    /**
     * Job `auction.close`: decides the close once with a conditional update on the database clock
     * (RELIABILITY J2), allocates with the engine, creates the winners' trades and settles every
     * bid as won or lost — one transaction. Idempotent: a second run finds the listing no longer
     * open and does nothing; a run before closesAt re-schedules itself.
     */
    async closeAuction(listingId: string, outboxId?: number): Promise<{ closed: boolean; tradeIds: string[] }> {
      return inTransaction(db, async (tx) => {
        const done = async <T>(r: T): Promise<T> => {
          if (outboxId !== undefined) await markDone(tx, outboxId);
          return r;
        };
        const l = await lockListingForMatch(tx, listingId);
        if (!l || l.mode !== 'auction' || l.status !== 'open') return done({ closed: false, tradeIds: [] });
        const decided = await closeAuctionIfDue(tx, listingId);
        if (!decided) {
          // Early (a clock ahead of the database's, or an edited closesAt): try again at the deadline.
          await enqueue(tx, 'auction.close', { listingId }, { availableAt: l.closesAt! });
          return done({ closed: false, tradeIds: [] });
        }
        const placed = await book.activeForUpdate(tx, listingId);
        // Hazardous lots: a bidder whose licence was suspended or used up since it bid does not win.
        const active: B[] = [];
        const ineligible: string[] = [];
        for (const b of placed) {
          if (await isStillEligible(tx, l, b)) active.push(b);
          else ineligible.push(b.id);
        }
        const result = allocateAuction(
          { side: l.side, pricePerTonneFen: l.pricePerTonneFen, remainingKg: l.remainingKg, minLotKg: l.minLotKg },
          active.map((b) => ({ id: b.id, pricePerTonneFen: b.pricePerTonneFen, quantityKg: b.quantityKg, seq: b.seq })),
        );
        result.lost.push(...ineligible);
        const byId = new Map(active.map((b) => [b.id, b]));
        const tradeIds: string[] = [];
        for (const fill of result.fills) {
          const bid = byId.get(fill.bidId)!;
          const trade = await createTradeForFill(tx, deps, fillFor(l, bid, fill.quantityKg, fill.pricePerTonneFen));
          tradeIds.push(trade.id);
          await book.decide(tx, bid.id, 'won', fill.quantityKg);
        }
        for (const id of result.lost) await book.decide(tx, id, 'lost');
        // Each bidder's users hear how their bid ended (notification centre); the winners also get the trade.
        const filled = new Map(result.fills.map((f) => [f.bidId, f.quantityKg]));
        for (const b of placed) {
          const won = (filled.get(b.id) ?? 0) > 0;
          const data = { listingId, bidId: b.id, filledKg: filled.get(b.id) ?? 0 };
          await notifyOrg(
            tx,
            b.orgId,
            `auction:${b.id}`,
            { kind: won ? 'auction_won' : 'auction_lost', subjectType: 'listing', subjectId: listingId, data },
            clock.now(),
          );
        }
        await setListingState(tx, listingId, {
          remainingKg: result.remainingKg,
          status: result.won.length > 0 ? 'matched' : 'closed',
        });
        await announceListing(tx, clock, listingId, 'listing.updated');
        deps.logger.info(
          { listingId, won: result.won.length, lost: result.lost.length, ineligible: ineligible.length },
          'auction closed',
        );
        return done({ closed: true, tradeIds });
      });
    },
  };
}

export type Matcher<B extends BookBid> = ReturnType<typeof createMatcher<B>>;
