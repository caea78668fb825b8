/**
 * Continuous limit order book for one market (a standardised grade, DESIGN §5.3 and §7 markets).
 *
 * - `buy` is the side that receives the material and pays `pricePerTonneFen` (DESIGN §6.2): a buy
 *   at p accepts any price ≤ p, a sell at p any price ≥ p. Negative prices work unchanged.
 * - Price-time priority; an incoming order trades at the RESTING order's price; what it cannot
 *   fill rests (good till cancelled); a partially filled resting order keeps its place.
 * - Self-trade prevention: an order never trades with a resting order of the same `ownerId`.
 *   When matching reaches one, the incoming order's remaining quantity is cancelled (it could not
 *   rest without crossing its owner's order); fills made before that stand. The same rule as
 *   nodejs-order-book's EXPIRE_TAKER.
 * - Every mutation is a journal entry numbered by `op` (1, 2, 3 … per book). An `add` entry comes
 *   first and states the outcome (filledKg + restingKg + cancelledKg = quantityKg); its `fill`
 *   entries follow in the order they happened. `snapshot()` + the entries after its `lastOp`,
 *   given to `replay`, rebuild an identical book; replay applies the recorded effects (it does not
 *   re-run matching) and checks each against the book, so a journal that does not fit throws.
 * - `seq` is the caller's time priority and must increase with every add: then queue order and
 *   seq order agree, and a snapshot built from stored rows ordered by seq restores the same queues.
 */
import { checkId, checkKg, checkPrice } from './rules.js';
import { EngineError } from './types.js';
import { createLevelIndex, type LevelIndex, type LevelIndexKind, OrderNode, type PriceLevel } from './levels.js';

export type BookSide = 'buy' | 'sell';

export interface BookOrderInput {
  id: string;
  side: BookSide;
  pricePerTonneFen: number;
  quantityKg: number;
  /** Caller-chosen time priority, strictly greater than every seq this book has seen. */
  seq: number;
  /** The trading org, for self-trade prevention; omitted means no prevention. */
  ownerId?: string;
}

export interface BookOrder {
  id: string;
  side: BookSide;
  pricePerTonneFen: number;
  /** As submitted. */
  quantityKg: number;
  /** Still resting. */
  remainingKg: number;
  seq: number;
  ownerId?: string;
}

/** A trade between an incoming (taker) and a resting (maker) order, at the maker's price. */
export interface BookFill {
  makerOrderId: string;
  takerOrderId: string;
  /** The maker's side; the taker is on the other. */
  makerSide: BookSide;
  pricePerTonneFen: number;
  quantityKg: number;
  /** What the maker still has resting after this fill; 0 = fully filled and gone. */
  makerRemainingKg: number;
}

export interface BookAddJournalEntry {
  op: number;
  type: 'add';
  id: string;
  side: BookSide;
  pricePerTonneFen: number;
  seq: number;
  quantityKg: number;
  filledKg: number;
  restingKg: number;
  /** Cancelled by self-trade prevention. */
  cancelledKg: number;
  ownerId?: string;
}

export interface BookFillJournalEntry {
  op: number;
  type: 'fill';
  makerId: string;
  takerId: string;
  pricePerTonneFen: number;
  quantityKg: number;
}

export interface BookCancelJournalEntry {
  op: number;
  type: 'cancel';
  id: string;
  /** The resting quantity the cancel removed. */
  remainingKg: number;
}

export type BookJournalEntry = BookAddJournalEntry | BookFillJournalEntry | BookCancelJournalEntry;

export interface BookAddResult {
  orderId: string;
  /** In execution order: best price first, then queue order. */
  fills: BookFill[];
  filledKg: number;
  /** Left on the book as an open order; 0 when fully filled or self-trade cancelled. */
  restingKg: number;
  /** Dropped by self-trade prevention. */
  cancelledKg: number;
  journal: BookJournalEntry[];
}

export interface BookCancelResult {
  order: BookOrder;
  journal: [BookCancelJournalEntry];
}

export interface BookSnapshotOrder {
  id: string;
  seq: number;
  quantityKg: number;
  remainingKg: number;
  ownerId?: string;
}

export interface BookSnapshotLevel {
  pricePerTonneFen: number;
  /** Queue order (= seq order). */
  orders: BookSnapshotOrder[];
}

/** Plain JSON; levels best first. Deterministic: equal books give deep-equal snapshots. */
export interface BookSnapshot {
  version: 1;
  lastOp: number;
  lastSeq: number;
  bids: BookSnapshotLevel[];
  asks: BookSnapshotLevel[];
}

export interface BookDepthLevel {
  pricePerTonneFen: number;
  quantityKg: number;
  orders: number;
}

export interface BookOptions {
  /** How price levels are indexed; both behave identically (see levels.ts). Default 'sorted-array'. */
  levelIndex?: LevelIndexKind;
}

const NO_SEQ = Number.MIN_SAFE_INTEGER;

export class OrderBook {
  private readonly bids: LevelIndex;
  private readonly asks: LevelIndex;
  private readonly orders = new Map<string, OrderNode>();
  private _lastOp = 0;
  private _lastSeq = NO_SEQ;

  constructor(options: BookOptions = {}) {
    const kind = options.levelIndex ?? 'sorted-array';
    this.bids = createLevelIndex(kind, 1);
    this.asks = createLevelIndex(kind, -1);
  }

  /** Number of the last journal entry applied. */
  get lastOp(): number {
    return this._lastOp;
  }

  /** Highest seq seen; the next add needs a greater one. */
  get lastSeq(): number {
    return this._lastSeq;
  }

  /** Resting orders on both sides. */
  get size(): number {
    return this.orders.size;
  }

  bestBid(): number | undefined {
    return this.bids.best()?.price;
  }

  bestAsk(): number | undefined {
    return this.asks.best()?.price;
  }

  get(id: string): BookOrder | undefined {
    const node = this.orders.get(id);
    return node === undefined ? undefined : view(node);
  }

  /** Aggregated levels, best first, at most `limit` per side. */
  depth(limit = Infinity): { bids: BookDepthLevel[]; asks: BookDepthLevel[] } {
    const side = (index: LevelIndex): BookDepthLevel[] =>
      index
        .bestFirst()
        .slice(0, limit)
        .map((l) => ({ pricePerTonneFen: l.price, quantityKg: l.totalKg, orders: l.count }));
    return { bids: side(this.bids), asks: side(this.asks) };
  }

  /**
   * Matches `input` against the other side and rests what is left. Throws EngineError for a bad
   * input, an id already resting (DUPLICATE_ID) or a seq that does not increase.
   */
  add(input: BookOrderInput): BookAddResult {
    this.checkNewOrder(input);
    const { id, side, pricePerTonneFen: price, quantityKg, seq, ownerId } = input;
    const isBuy = side === 'buy';
    const opposite = isBuy ? this.asks : this.bids;
    const fills: BookFill[] = [];
    const addEntry: BookAddJournalEntry = {
      op: ++this._lastOp,
      type: 'add',
      id,
      side,
      pricePerTonneFen: price,
      seq,
      quantityKg,
      filledKg: 0,
      restingKg: 0,
      cancelledKg: 0,
    };
    if (ownerId !== undefined) addEntry.ownerId = ownerId;
    // The add entry goes first; its outcome fields are filled in once matching is done.
    const journal: BookJournalEntry[] = [addEntry];
    this._lastSeq = seq;

    let left = quantityKg;
    while (left > 0) {
      const level = opposite.best();
      if (level === undefined || (isBuy ? level.price > price : level.price < price)) break;
      const maker = level.head!;
      if (ownerId !== undefined && maker.ownerId === ownerId) {
        addEntry.cancelledKg = left;
        left = 0;
        break;
      }
      const q = left < maker.remainingKg ? left : maker.remainingKg;
      left -= q;
      maker.remainingKg -= q;
      level.totalKg -= q;
      if (maker.remainingKg === 0) this.removeNode(maker, opposite);
      fills.push({
        makerOrderId: maker.id,
        takerOrderId: id,
        makerSide: isBuy ? 'sell' : 'buy',
        pricePerTonneFen: level.price,
        quantityKg: q,
        makerRemainingKg: maker.remainingKg,
      });
      journal.push({
        op: ++this._lastOp,
        type: 'fill',
        makerId: maker.id,
        takerId: id,
        pricePerTonneFen: level.price,
        quantityKg: q,
      });
    }

    const filledKg = quantityKg - left - addEntry.cancelledKg;
    addEntry.filledKg = filledKg;
    addEntry.restingKg = left;
    if (left > 0) this.rest(id, isBuy, price, seq, quantityKg, left, ownerId);
    return { orderId: id, fills, filledKg, restingKg: left, cancelledKg: addEntry.cancelledKg, journal };
  }

  /** Removes a resting order; `null` when no order with this id rests (never placed, filled, cancelled). */
  cancel(id: string): BookCancelResult | null {
    const node = this.orders.get(id);
    if (node === undefined) return null;
    const order = view(node);
    this.removeNode(node, node.isBuy ? this.bids : this.asks);
    return { order, journal: [{ op: ++this._lastOp, type: 'cancel', id, remainingKg: order.remainingKg }] };
  }

  snapshot(): BookSnapshot {
    const side = (index: LevelIndex): BookSnapshotLevel[] =>
      index.bestFirst().map((level) => {
        const orders: BookSnapshotOrder[] = [];
        for (let n = level.head; n !== null; n = n.next) {
          const o: BookSnapshotOrder = { id: n.id, seq: n.seq, quantityKg: n.quantityKg, remainingKg: n.remainingKg };
          if (n.ownerId !== undefined) o.ownerId = n.ownerId;
          orders.push(o);
        }
        return { pricePerTonneFen: level.price, orders };
      });
    return { version: 1, lastOp: this._lastOp, lastSeq: this._lastSeq, bids: side(this.bids), asks: side(this.asks) };
  }

  /** Rebuilds a book from `snapshot()` output (or rows shaped like it); throws CORRUPT_STATE if inconsistent. */
  static restore(snapshot: BookSnapshot, options: BookOptions = {}): OrderBook {
    const corrupt = (why: string): never => {
      throw new EngineError('CORRUPT_STATE', `snapshot: ${why}`);
    };
    if (snapshot.version !== 1) corrupt(`unknown version ${String(snapshot.version)}`);
    if (!Number.isSafeInteger(snapshot.lastOp) || snapshot.lastOp < 0) corrupt('lastOp must be a non-negative integer');
    if (!Number.isSafeInteger(snapshot.lastSeq)) corrupt('lastSeq must be an integer');
    const book = new OrderBook(options);
    book._lastOp = snapshot.lastOp;
    book._lastSeq = snapshot.lastSeq;
    const load = (levels: BookSnapshotLevel[], isBuy: boolean): void => {
      let previous: number | undefined;
      for (const level of levels) {
        const price = level.pricePerTonneFen;
        checkPrice(price, 'snapshot level price');
        if (previous !== undefined && (isBuy ? price >= previous : price <= previous))
          corrupt('levels must be strictly best first');
        previous = price;
        if (level.orders.length === 0) corrupt(`empty level at ${price}`);
        let previousSeq = NO_SEQ;
        for (const o of level.orders) {
          checkId(o.id, 'snapshot order id');
          checkKg(o.quantityKg, `order ${o.id} quantityKg`);
          checkKg(o.remainingKg, `order ${o.id} remainingKg`);
          if (o.remainingKg > o.quantityKg) corrupt(`order ${o.id} has more remaining than its quantity`);
          if (!Number.isSafeInteger(o.seq) || o.seq <= previousSeq || o.seq > snapshot.lastSeq) {
            corrupt(`order ${o.id} seq must increase along its level and not exceed lastSeq`);
          }
          previousSeq = o.seq;
          if (book.orders.has(o.id)) corrupt(`order id ${o.id} appears twice`);
          book.rest(o.id, isBuy, price, o.seq, o.quantityKg, o.remainingKg, o.ownerId);
        }
      }
    };
    load(snapshot.bids, true);
    load(snapshot.asks, false);
    const bid = book.bestBid();
    const ask = book.bestAsk();
    if (bid !== undefined && ask !== undefined && bid >= ask) corrupt(`crossed book: best bid ${bid} ≥ best ask ${ask}`);
    return book;
  }

  /**
   * Applies journal entries with `op` > lastOp, in order. Entries must be contiguous and must fit
   * the book (a fill names the head of the best opposite level, at its price, within both sides'
   * quantities); anything else throws CORRUPT_STATE, leaving the book partly replayed.
   */
  replay(journal: readonly BookJournalEntry[]): void {
    // The order whose `add` entry came last, and how much of its stated filledKg the fills
    // after it have not yet accounted for.
    const state: { taker: PendingTaker | null } = { taker: null };
    for (const entry of journal) {
      if (entry.op <= this._lastOp) continue;
      if (entry.op !== this._lastOp + 1) corruptEntry(entry, `expected op ${this._lastOp + 1}`);
      if (entry.type !== 'fill') {
        const open = state.taker;
        if (open !== null && open.unfilledKg !== 0)
          corruptEntry(entry, `order ${open.id} is missing ${open.unfilledKg} kg of fills`);
        state.taker = null;
      }
      switch (entry.type) {
        case 'add':
          state.taker = this.replayAdd(entry);
          break;
        case 'fill':
          this.replayFill(entry, state.taker);
          break;
        case 'cancel':
          this.replayCancel(entry);
          break;
        default:
          throw new EngineError('CORRUPT_STATE', `journal entry of unknown type ${String((entry as { type: unknown }).type)}`);
      }
      this._lastOp = entry.op;
    }
    if (state.taker !== null && state.taker.unfilledKg !== 0) {
      throw new EngineError('CORRUPT_STATE', `journal ends before the fills of order ${state.taker.id}`);
    }
  }

  private replayAdd(entry: BookAddJournalEntry): PendingTaker {
    const { filledKg, restingKg, cancelledKg, quantityKg } = entry;
    const parts = [filledKg, restingKg, cancelledKg];
    if (parts.some((kg) => !Number.isSafeInteger(kg) || kg < 0) || filledKg + restingKg + cancelledKg !== quantityKg) {
      corruptEntry(entry, 'filledKg + restingKg + cancelledKg must equal quantityKg');
    }
    const input: BookOrderInput = {
      id: entry.id,
      side: entry.side,
      pricePerTonneFen: entry.pricePerTonneFen,
      quantityKg,
      seq: entry.seq,
    };
    if (entry.ownerId !== undefined) input.ownerId = entry.ownerId;
    try {
      this.checkNewOrder(input);
    } catch (e) {
      corruptEntry(entry, e instanceof Error ? e.message : String(e));
    }
    this._lastSeq = entry.seq;
    const isBuy = entry.side === 'buy';
    if (restingKg > 0) this.rest(entry.id, isBuy, entry.pricePerTonneFen, entry.seq, quantityKg, restingKg, entry.ownerId);
    return { id: entry.id, isBuy, price: entry.pricePerTonneFen, unfilledKg: filledKg };
  }

  private replayFill(entry: BookFillJournalEntry, taker: PendingTaker | null): void {
    if (taker === null || taker.id !== entry.takerId) corruptEntry(entry, `taker ${entry.takerId} is not the order just added`);
    const opposite = taker.isBuy ? this.asks : this.bids;
    const level = opposite.best();
    const maker = level?.head ?? null;
    if (level === undefined || maker === null || maker.id !== entry.makerId) {
      corruptEntry(entry, `maker ${entry.makerId} is not first in the best opposite level`);
    }
    if (entry.pricePerTonneFen !== maker.price)
      corruptEntry(entry, `price ${entry.pricePerTonneFen} is not the maker's ${maker.price}`);
    if (taker.isBuy ? maker.price > taker.price : maker.price < taker.price) corruptEntry(entry, 'the prices do not cross');
    const kg = entry.quantityKg;
    if (!Number.isSafeInteger(kg) || kg < 1 || kg > maker.remainingKg || kg > taker.unfilledKg) {
      corruptEntry(entry, `quantity ${kg} exceeds what the maker or the taker has`);
    }
    taker.unfilledKg -= kg;
    maker.remainingKg -= kg;
    level.totalKg -= kg;
    if (maker.remainingKg === 0) this.removeNode(maker, opposite);
  }

  private replayCancel(entry: BookCancelJournalEntry): void {
    const node = this.orders.get(entry.id);
    if (node === undefined) corruptEntry(entry, `order ${entry.id} is not resting`);
    if (node.remainingKg !== entry.remainingKg) corruptEntry(entry, `remaining ${node.remainingKg} ≠ ${entry.remainingKg}`);
    this.removeNode(node, node.isBuy ? this.bids : this.asks);
  }

  private checkNewOrder(input: BookOrderInput): void {
    checkId(input.id, 'order id');
    if (input.side !== 'buy' && input.side !== 'sell') {
      throw new EngineError('INVALID_INPUT', `order side must be buy or sell, got ${String(input.side)}`);
    }
    checkPrice(input.pricePerTonneFen, 'order pricePerTonneFen');
    checkKg(input.quantityKg, 'order quantityKg');
    if (input.ownerId !== undefined) checkId(input.ownerId, 'order ownerId');
    if (!Number.isSafeInteger(input.seq) || input.seq <= this._lastSeq) {
      throw new EngineError('SEQ_NOT_INCREASING', `order ${input.id} seq ${input.seq} must be greater than ${this._lastSeq}`);
    }
    if (this.orders.has(input.id)) throw new EngineError('DUPLICATE_ID', `order ${input.id} is already resting`);
  }

  private rest(
    id: string,
    isBuy: boolean,
    price: number,
    seq: number,
    quantityKg: number,
    remainingKg: number,
    ownerId: string | undefined,
  ): void {
    const level = (isBuy ? this.bids : this.asks).getOrCreate(price);
    const node = new OrderNode(id, isBuy, price, seq, quantityKg, remainingKg, ownerId, level);
    level.append(node);
    this.orders.set(id, node);
  }

  private removeNode(node: OrderNode, index: LevelIndex): void {
    const level: PriceLevel = node.level;
    level.unlink(node);
    this.orders.delete(node.id);
    if (level.count === 0) index.remove(level);
  }
}

interface PendingTaker {
  id: string;
  isBuy: boolean;
  price: number;
  unfilledKg: number;
}

function corruptEntry(entry: BookJournalEntry, why: string): never {
  throw new EngineError('CORRUPT_STATE', `journal op ${entry.op} (${entry.type}): ${why}`);
}

function view(node: OrderNode): BookOrder {
  const order: BookOrder = {
    id: node.id,
    side: node.isBuy ? 'buy' : 'sell',
    pricePerTonneFen: node.price,
    quantityKg: node.quantityKg,
    remainingKg: node.remainingKg,
    seq: node.seq,
  };
  if (node.ownerId !== undefined) order.ownerId = node.ownerId;
  return order;
}
