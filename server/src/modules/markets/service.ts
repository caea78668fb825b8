/**
 * Continuous markets for standardised grades (DESIGN §5.3, §7 markets; issue 16, ADR 0026).
 *
 * One market's orders are matched by the pure order book (matching/engine/book.ts) under the
 * market's advisory lock, in one transaction with the order rows, the engine's journal, the trades
 * (created by the trades module like any other, so escrow, manifests, settlement, credit and the
 * regulator's flows follow), the prints and the outbox rows of the live events.
 *
 * The in-memory book is a cache of the stored one. Whenever a process takes a market's lock it first
 * brings its book up to the database: rebuilt from the open order rows when it has none (start-up,
 * after a failed transaction), else caught up by replaying the journal entries after its lastOp. So
 * two API processes never match from a stale book, and a process killed mid-way loses nothing that
 * committed: the next lock holder sees the rows and the journal as they are.
 */
import type { Clock, Ids } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import { sql } from 'drizzle-orm';
import { advisoryXactLock, inTransaction } from '../../db/tx.js';
import { enqueue } from '../../jobs/outbox.js';
import { publishEvent } from '../../realtime/publish.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import { Rooms } from '../../../../shared/src/realtime.js';
import { decodeCursor, encodeCursor, type TPage } from '../../../../shared/src/schemas/common.js';
import type { TMarketBook, TMyOrdersQuery, TOrder, TPlaceOrderRequest, TPrint } from '../../../../shared/src/schemas/markets.js';
import type { UserActor } from '../../http/actor.js';
import { OrderBook, type BookFill, type BookSnapshot, type BookSnapshotLevel } from '../matching/index.js';
import { alertFlaggedPrice, gatePrice, withRejectionAlert } from '../prices/index.js';
import { createTradeForFill, type CreditReader } from '../trades/index.js';
import { assertEligible } from '../eligibility/index.js';
import * as repo from './repo.js';

export type OrderRow = repo.OrderRow;
export type MarketsService = ReturnType<typeof createMarketsService>;

export interface MarketsDeps {
  db: Db;
  ids: Ids;
  clock: Clock;
  config: Pick<Config, 'PLATFORM_FEE_BP'>;
  readCredit?: CreditReader;
}

const MARKET_LOCK = 'market';
/** How long an order's material can be picked up when the order does not say: two weeks. */
const DEFAULT_PICKUP_DAYS = 14;
/** Depth levels a live depth event carries per side. */
const LIVE_DEPTH_LEVELS = 10;

function invalidField(path: string, message: string): AppError {
  return new AppError(ErrorCodes.VALIDATION_FAILED, `invalid request: ${path}: ${message}`, { fields: [{ path, message }] });
}
const noMarket = (code: string) => new AppError(ErrorCodes.NOT_FOUND, `no continuous market for ${code}`);
const noOrder = () => new AppError(ErrorCodes.NOT_FOUND, 'no such order');

function toOrder(row: OrderRow, tradeIds: string[] = []): TOrder {
  return {
    id: row.id,
    marketCode: row.marketCode,
    side: row.side,
    pricePerTonneFen: row.pricePerTonneFen,
    quantityKg: row.quantityKg,
    remainingKg: row.remainingKg,
    filledKg: row.filledKg,
    cancelledKg: row.cancelledKg,
    district: row.district,
    pickupFrom: row.pickupFrom.toISOString(),
    pickupTo: row.pickupTo.toISOString(),
    justification: row.justification,
    priceCheck: row.priceCheck,
    status: row.status,
    tradeIds,
    createdAt: row.createdAt.toISOString(),
  };
}

function toPrint(row: repo.PrintRow): TPrint {
  return {
    id: row.id,
    marketCode: row.marketCode,
    pricePerTonneFen: row.pricePerTonneFen,
    quantityKg: row.quantityKg,
    takerSide: row.takerSide,
    at: row.createdAt.toISOString(),
  };
}

/** The book as stored: open orders in seq order, grouped into levels best first. */
export function snapshotOfRows(rows: readonly OrderRow[], lastOp: number): BookSnapshot {
  const side = (s: 'buy' | 'sell'): BookSnapshotLevel[] => {
    const levels = new Map<number, BookSnapshotLevel>();
    for (const r of rows) {
      if (r.side !== s) continue;
      let level = levels.get(r.pricePerTonneFen);
      if (!level) levels.set(r.pricePerTonneFen, (level = { pricePerTonneFen: r.pricePerTonneFen, orders: [] }));
      level.orders.push({ id: r.id, seq: r.seq, quantityKg: r.quantityKg, remainingKg: r.remainingKg, ownerId: r.orgId });
    }
    return [...levels.values()].sort((a, b) =>
      s === 'buy' ? b.pricePerTonneFen - a.pricePerTonneFen : a.pricePerTonneFen - b.pricePerTonneFen,
    );
  };
  const lastSeq = rows.reduce((m, r) => Math.max(m, r.seq), 0);
  return { version: 1, lastOp, lastSeq, bids: side('buy'), asks: side('sell') };
}

function statusOf(remainingKg: number, cancelledKg: number): OrderRow['status'] {
  return remainingKg > 0 ? 'open' : cancelledKg > 0 ? 'cancelled' : 'filled';
}

export function createMarketsService(deps: MarketsDeps) {
  const { db, ids, clock } = deps;
  /** This process's books, by market code: caches of the stored books, trusted only under the lock. */
  const books = new Map<string, OrderBook>();
  /** The book a change of this process is working on, per market, until its transaction has ended. */
  const changing = new Map<string, OrderBook>();
  /** Per market, the end of the last change queued in this process (inTurn). */
  const turns = new Map<string, Promise<void>>();

  /** Rebuilds a market's book from its stored open orders (start-up, a failover, a failed transaction). */
  async function rebuild(dbx: DbOrTx, code: string): Promise<OrderBook> {
    const book = OrderBook.restore(snapshotOfRows(await repo.openOrders(dbx, code), await repo.lastOp(dbx, code)));
    books.set(code, book);
    return book;
  }

  /**
   * Takes the market's lock and returns its book as the database has it (ADR 0026). Readers take it
   * shared: they wait for a change in progress, never for each other.
   */
  async function lockMarket(tx: Tx, code: string, mode: 'change' | 'read' = 'change'): Promise<OrderBook> {
    if (mode === 'change') await advisoryXactLock(tx, MARKET_LOCK, code);
    else await tx.execute(sql`select pg_advisory_xact_lock_shared(hashtext(${MARKET_LOCK}), hashtext(${code}))`);
    const book = books.get(code);
    // Also rebuilt when a change of this process still owns the cache: its transaction has let the
    // lock go (committed or rolled back) but its code has not yet run to say which.
    if (!book || changing.get(code) === book) return rebuild(tx, code);
    try {
      book.replay(await repo.journalAfter(tx, code, book.lastOp));
      return book;
    } catch {
      // A journal that does not fit this cache (it missed a rolled-back change): rebuild from the rows.
      return rebuild(tx, code);
    }
  }

  /**
   * Runs a change to one market: `check` first (read-only checks, outside the lock, so the lock is held
   * only for matching and writing), then `run` under the lock. If it fails the cache may be ahead of
   * the database, so it is dropped.
   */
  async function changeMarket<C, T>(
    code: string,
    check: (tx: Tx) => Promise<C>,
    run: (tx: Tx, book: OrderBook, checked: C) => Promise<T>,
  ): Promise<T> {
    return inTurn(code, () => changeMarketNow(code, check, run));
  }

  /**
   * One change per market at a time in this process: the others wait here, without a database
   * connection, instead of each holding one of the pool's while it waits for the advisory lock (which
   * under a burst on one market left the pool empty and other requests timing out for a connection).
   * Processes still take turns through the advisory lock.
   */
  function inTurn<T>(code: string, work: () => Promise<T>): Promise<T> {
    const previous = turns.get(code) ?? Promise.resolve();
    const mine = previous.then(work, work);
    const settled = mine.then(
      () => {},
      () => {},
    );
    turns.set(code, settled);
    void settled.then(() => {
      if (turns.get(code) === settled) turns.delete(code);
    });
    return mine;
  }

  async function changeMarketNow<C, T>(
    code: string,
    check: (tx: Tx) => Promise<C>,
    run: (tx: Tx, book: OrderBook, checked: C) => Promise<T>,
  ): Promise<T> {
    let mine: OrderBook | null = null;
    try {
      return await inTransaction(db, async (tx) => {
        const checked = await check(tx);
        mine = await lockMarket(tx, code);
        // Set in the same turn as the lock is known held, before the engine changes the book.
        changing.set(code, mine);
        return run(tx, mine, checked);
      });
    } catch (err) {
      if (mine && books.get(code) === mine) books.delete(code);
      throw err;
    } finally {
      if (mine && changing.get(code) === mine) changing.delete(code);
    }
  }

  async function marketOf(dbx: DbOrTx, code: string) {
    const g = await repo.grade(dbx, code);
    if (!g || !g.standardisedGrade || !g.tradeable || !g.marketMinLotKg || !g.marketPriceTickFen) throw noMarket(code);
    return { ...g, minLotKg: g.marketMinLotKg, tickFen: g.marketPriceTickFen };
  }

  async function announceDepth(tx: DbOrTx, code: string, book: OrderBook): Promise<void> {
    const d = book.depth(LIVE_DEPTH_LEVELS);
    await publishEvent(tx, [Rooms.market(code)], 'market.depth', { market: code, ...d }, clock.now());
  }

  /** One fill: the trade (trades module), both order rows, the print and its live event. */
  async function settleFill(
    tx: Tx,
    m: Awaited<ReturnType<typeof marketOf>>,
    taker: OrderRow,
    fill: BookFill,
  ): Promise<{ tradeId: string; maker: OrderRow }> {
    const maker = (await repo.findOrder(tx, fill.makerOrderId))!;
    const buy = taker.side === 'buy' ? taker : maker;
    const sell = taker.side === 'sell' ? taker : maker;
    const trade = await createTradeForFill(tx, deps, {
      listingId: null,
      bidId: null,
      orderIds: [buy.id, sell.id],
      generatorOrgId: sell.orgId,
      receiverOrgId: buy.orgId,
      materialCode: m.code,
      classifiedCode: null,
      wasteCode: m.code,
      category: m.category,
      hazardous: m.hazardous === true,
      // The shipper's location (DESIGN §6.3): where the sell order's material is.
      originDistrict: sell.district,
      quantityKg: fill.quantityKg,
      pricePerTonneFen: fill.pricePerTonneFen,
    });
    const updatedMaker = await repo.updateOrder(tx, maker.id, {
      remainingKg: fill.makerRemainingKg,
      filledKg: maker.filledKg + fill.quantityKg,
      cancelledKg: maker.cancelledKg,
      status: statusOf(fill.makerRemainingKg, maker.cancelledKg),
    });
    const print = await repo.insertPrint(tx, {
      id: ids.uuid(),
      marketCode: m.code,
      tradeId: trade.id,
      buyOrderId: buy.id,
      sellOrderId: sell.id,
      pricePerTonneFen: fill.pricePerTonneFen,
      quantityKg: fill.quantityKg,
      takerSide: taker.side,
    });
    await publishEvent(
      tx,
      [Rooms.market(m.code)],
      'market.trade',
      {
        market: m.code,
        printId: print.id,
        pricePerTonneFen: fill.pricePerTonneFen,
        quantityKg: fill.quantityKg,
        takerSide: taker.side,
      },
      clock.now(),
    );
    await enqueue(tx, 'watches.match', {
      key: `print:${print.id}`,
      subjectType: 'market',
      subjectId: m.code,
      materialCode: m.code,
      district: sell.district,
      pricePerTonneFen: fill.pricePerTonneFen,
      quantityKg: fill.quantityKg,
      what: 'print',
      fromOrgId: null,
    });
    return { tradeId: trade.id, maker: updatedMaker };
  }

  return {
    /**
     * A trader posts an order (DESIGN §7 markets). Checks, each with its own code: a market for the
     * code (404) → role (a buy is a receiver: recycler; a sell a generator) → whole lots and ticks
     * (400 naming the field) → eligibility → price check (as for bids). Then, under the market's lock,
     * the order is matched: each fill a trade at the resting order's price, what is left rests.
     */
    async placeOrder(actor: UserActor, code: string, body: TPlaceOrderRequest): Promise<TOrder> {
      const orgId = actor.orgId;
      const m = await marketOf(db, code);
      const needed = body.side === 'buy' ? 'recycler' : 'generator';
      if (!orgId || !actor.roles.includes(needed))
        throw new AppError(
          ErrorCodes.FORBIDDEN_ROLE,
          body.side === 'buy' ? 'only recycler organisations buy on a market' : 'only generator organisations sell on a market',
        );
      if (body.quantityKg % m.minLotKg !== 0)
        throw invalidField('quantityKg', `orders are whole lots of ${m.minLotKg} kg on this market`);
      if (body.pricePerTonneFen % m.tickFen !== 0)
        throw invalidField('pricePerTonneFen', `prices move in steps of ${m.tickFen} fen/t on this market`);
      const now = clock.now();
      const pickupFrom = body.pickupFrom ? new Date(body.pickupFrom) : now;
      const pickupTo = body.pickupTo ? new Date(body.pickupTo) : new Date(now.getTime() + DEFAULT_PICKUP_DAYS * 86_400_000);
      if (pickupTo.getTime() <= now.getTime()) throw invalidField('pickupTo', 'the pickup window has already ended');

      return withRejectionAlert(db, ids, () =>
        changeMarket(
          code,
          async (tx) => {
            // The receiver's licence and capacity (hazardous grades): a buy is the receiver; a sell's
            // receiver is whichever buy it meets, checked when that buy was placed.
            await assertEligible(tx, deps, {
              hazardous: m.hazardous === true && body.side === 'buy',
              wasteCode: m.code,
              category: m.category,
              receiverOrgId: orgId,
              callerOrgId: orgId,
              counterpartyOrgId: null,
              pickupFrom,
              pickupTo,
              quantityKg: body.quantityKg,
            });
            const gate = {
              subject: 'order' as const,
              materialCode: m.code,
              wasteCode: m.code,
              priceFen: body.pricePerTonneFen,
              justification: body.justification,
              district: body.district,
              orgId,
              listingId: null,
            };
            return { gate, priceCheck: await gatePrice(tx, ids, gate) };
          },
          async (tx, book, { gate, priceCheck }) => {
            let order = await repo.insertOrder(tx, {
              id: ids.uuid(),
              marketCode: m.code,
              orgId,
              userId: actor.userId,
              side: body.side,
              pricePerTonneFen: body.pricePerTonneFen,
              quantityKg: body.quantityKg,
              remainingKg: body.quantityKg,
              district: body.district,
              pickupFrom,
              pickupTo,
              justification: body.justification ?? null,
              priceCheck,
              status: 'open',
            });
            if (priceCheck.status === 'flagged')
              await alertFlaggedPrice(tx, ids, { ...gate, subjectId: order.id, check: priceCheck });

            const result = book.add({
              id: order.id,
              side: order.side,
              pricePerTonneFen: order.pricePerTonneFen,
              quantityKg: order.quantityKg,
              seq: order.seq,
              ownerId: orgId,
            });
            await repo.appendJournal(tx, m.code, result.journal);
            const tradeIds: string[] = [];
            for (const fill of result.fills) tradeIds.push((await settleFill(tx, m, order, fill)).tradeId);
            order = await repo.updateOrder(tx, order.id, {
              remainingKg: result.restingKg,
              filledKg: result.filledKg,
              cancelledKg: result.cancelledKg,
              status: statusOf(result.restingKg, result.cancelledKg),
            });
            await announceDepth(tx, m.code, book);
            await enqueue(tx, 'watches.match', {
              key: `order:${order.id}`,
              subjectType: 'market',
              subjectId: m.code,
              materialCode: m.code,
              district: order.district,
              pricePerTonneFen: order.pricePerTonneFen,
              quantityKg: order.quantityKg,
              what: order.side === 'buy' ? 'buy_order' : 'sell_order',
              fromOrgId: orgId,
            });
            return toOrder(order, tradeIds);
          },
        ),
      );
    },

    /** The trader cancels its open order's remaining quantity; fills already made stay trades. */
    async cancelOrder(actor: UserActor, code: string, id: string): Promise<TOrder> {
      await marketOf(db, code);
      const found = await repo.findOrder(db, id);
      if (!found || found.marketCode !== code || !actor.orgId || found.orgId !== actor.orgId) throw noOrder();
      return changeMarket(
        code,
        async () => null,
        async (tx, book) => {
          const row = (await repo.findOrder(tx, id))!;
          if (row.status !== 'open')
            throw new AppError(ErrorCodes.INVALID_STATE, `the order is already ${row.status}`, {
              allowed: [],
              status: row.status,
            });
          const cancelled = book.cancel(id);
          if (!cancelled) throw new Error(`open order ${id} is not on the book of ${code}`);
          await repo.appendJournal(tx, code, cancelled.journal);
          const updated = await repo.updateOrder(tx, id, {
            remainingKg: 0,
            filledKg: row.filledKg,
            cancelledKg: row.cancelledKg + row.remainingKg,
            status: 'cancelled',
          });
          await announceDepth(tx, code, book);
          const trades = await repo.tradeIdsOfOrders(tx, [id]);
          return toOrder(updated, trades.get(id) ?? []);
        },
      );
    },

    /** Anonymous aggregated depth, best first: the matching book itself, brought up to the database. */
    async getBook(code: string, levels: number): Promise<TMarketBook> {
      const m = await marketOf(db, code);
      const d = await inTransaction(db, async (tx) => (await lockMarket(tx, code, 'read')).depth(levels));
      return { marketCode: code, minLotKg: m.minLotKg, priceTickFen: m.tickFen, ...d };
    },

    /** Recent prints, newest first, without their parties. */
    async listPrints(code: string, limit: number): Promise<{ items: TPrint[] }> {
      await marketOf(db, code);
      return { items: (await repo.recentPrints(db, code, limit)).map(toPrint) };
    },

    /** "My orders": the caller's org's orders, newest first. */
    async listMyOrders(actor: UserActor, q: TMyOrdersQuery): Promise<TPage<TOrder>> {
      if (!actor.orgId) return { items: [], nextCursor: null };
      let beforeSeq: number | undefined;
      if (q.cursor) {
        const v = decodeCursor(q.cursor)?.[0];
        if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw invalidField('cursor', 'invalid cursor');
        beforeSeq = v;
      }
      const found = await repo.ordersOfOrg(db, actor.orgId, {
        ...(q.market ? { market: q.market } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(beforeSeq !== undefined ? { beforeSeq } : {}),
        limit: q.limit + 1,
      });
      const page = found.slice(0, q.limit);
      const trades = await repo.tradeIdsOfOrders(
        db,
        page.map((o) => o.id),
      );
      return {
        items: page.map((o) => toOrder(o, trades.get(o.id) ?? [])),
        nextCursor: found.length > q.limit ? encodeCursor([page.at(-1)!.seq]) : null,
      };
    },

    /** Rebuilds every market's book from the database (start-up); a book is otherwise rebuilt lazily. */
    async rebuildBooks(): Promise<void> {
      for (const code of await repo.marketCodes(db)) {
        books.delete(code);
        await inTransaction(db, (tx) => lockMarket(tx, code));
      }
    },

    /** This process's cached book of a market, brought up to the database (tests, the SIGKILL check). */
    async currentBook(code: string): Promise<BookSnapshot> {
      return inTransaction(db, async (tx) => (await lockMarket(tx, code)).snapshot());
    },
  };
}
