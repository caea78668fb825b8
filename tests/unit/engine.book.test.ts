import { expect } from 'chai';
import fc from 'fast-check';
import { OrderBook as PeerBook, SelfTradePreventionMode, Side } from 'nodejs-order-book';
import {
  EngineError,
  OrderBook,
  type BookJournalEntry,
  type BookOrderInput,
  type BookSide,
  type BookSnapshot,
  type LevelIndexKind,
} from '../../server/src/modules/matching/engine/index.js';

type Op = { kind: 'limit'; side: BookSide; price: number; size: number; owner?: string } | { kind: 'cancel'; target: number };

/** A stream of limit orders and cancels; a cancel names an earlier order by position (possibly filled or cancelled already). */
const opsArb = (
  opts: { owners?: boolean; minPrice?: number; maxPrice?: number; maxLength?: number; long?: boolean } = {},
): fc.Arbitrary<Op[]> => {
  const limit = fc.record({
    kind: fc.constant('limit' as const),
    side: fc.constantFrom<BookSide>('buy', 'sell'),
    price: fc.integer({ min: opts.minPrice ?? 1, max: opts.maxPrice ?? 12 }).map((p) => p * 100),
    size: fc.integer({ min: 1, max: 30 }),
    ...(opts.owners ? { owner: fc.constantFrom('org-a', 'org-b', 'org-c') } : {}),
  });
  const cancel = fc.record({ kind: fc.constant('cancel' as const), target: fc.nat() });
  return fc.array(fc.oneof({ arbitrary: limit, weight: 3 }, { arbitrary: cancel, weight: 1 }), {
    maxLength: opts.maxLength ?? 150,
    // 'max' spreads lengths up to maxLength; fast-check's default keeps arrays near 10 elements.
    ...(opts.long ? { size: 'max' as const } : {}),
  });
};

interface StepOutcome {
  fills: { makerId: string; quantityKg: number; price: number }[];
  restingKg: number;
  cancelledKg?: number | null;
}

/** Runs the stream on our book, returning per-step outcomes and the whole journal. */
function runOurs(
  ops: Op[],
  book = new OrderBook(),
  after?: (book: OrderBook) => void,
): { outcomes: StepOutcome[]; journal: BookJournalEntry[]; book: OrderBook } {
  const ids: string[] = [];
  const outcomes: StepOutcome[] = [];
  const journal: BookJournalEntry[] = [];
  ops.forEach((op, i) => {
    if (op.kind === 'limit') {
      const id = `o${i}`;
      ids.push(id);
      const input: BookOrderInput = { id, side: op.side, pricePerTonneFen: op.price, quantityKg: op.size, seq: i + 1 };
      if (op.owner !== undefined) input.ownerId = op.owner;
      const r = book.add(input);
      journal.push(...r.journal);
      outcomes.push({
        fills: r.fills.map((f) => ({ makerId: f.makerOrderId, quantityKg: f.quantityKg, price: f.pricePerTonneFen })),
        restingKg: r.restingKg,
      });
    } else {
      const id = ids.length === 0 ? 'none' : ids[op.target % ids.length]!;
      const r = book.cancel(id);
      if (r !== null) journal.push(...r.journal);
      outcomes.push({ fills: [], restingKg: 0, cancelledKg: r === null ? null : r.order.remainingKg });
    }
    after?.(book);
  });
  return { outcomes, journal, book };
}

/** The same stream on nodejs-order-book; fills are read back from its `done` / `partial` report. */
function runPeer(ops: Op[]): { outcomes: StepOutcome[]; peer: PeerBook } {
  const peer = new PeerBook();
  const ids: string[] = [];
  const outcomes: StepOutcome[] = [];
  ops.forEach((op, i) => {
    if (op.kind === 'limit') {
      const id = `o${i}`;
      ids.push(id);
      const r = peer.limit({
        id,
        side: op.side === 'buy' ? Side.BUY : Side.SELL,
        size: op.size,
        price: op.price,
        ...(op.owner !== undefined ? { accountId: op.owner, stpMode: SelfTradePreventionMode.EXPIRE_TAKER } : {}),
      });
      const fills = r.done
        .filter((d) => d.id !== id)
        .map((d) => ({ makerId: d.id, quantityKg: d.size, price: (d as { price: number }).price }));
      if (r.partial !== null && r.partial.id !== id)
        fills.push({ makerId: r.partial.id, quantityKg: r.partialQuantityProcessed, price: r.partial.price });
      outcomes.push({ fills, restingKg: peer.order(id)?.size ?? 0 });
    } else {
      const id = ids.length === 0 ? 'none' : ids[op.target % ids.length]!;
      const r = peer.cancel(id);
      outcomes.push({ fills: [], restingKg: 0, cancelledKg: r === undefined ? null : r.order.size });
    }
  });
  return { outcomes, peer };
}

const roundTrip = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function expectNotCrossed(book: OrderBook): void {
  const bid = book.bestBid();
  const ask = book.bestAsk();
  if (bid !== undefined && ask !== undefined) expect(bid, `best bid ${bid} vs best ask ${ask}`).to.be.lessThan(ask);
}

describe('engine: continuous limit order book', () => {
  it('fly ash market: a buyer asking a disposal fee is matched with the seller paying the highest fee first, at the seller’s price', () => {
    const book = new OrderBook();
    book.add({ id: 's1', side: 'sell', pricePerTonneFen: -170_000, quantityKg: 10_000, seq: 1 });
    book.add({ id: 's2', side: 'sell', pricePerTonneFen: -189_300, quantityKg: 10_000, seq: 2 });
    // The buyer receives the ash and wants at least 1,500 yuan/t: it accepts any price ≤ -150,000.
    const r = book.add({ id: 'b1', side: 'buy', pricePerTonneFen: -150_000, quantityKg: 15_000, seq: 3 });
    expect(r.fills.map((f) => [f.makerOrderId, f.pricePerTonneFen, f.quantityKg])).to.deep.equal([
      ['s2', -189_300, 10_000],
      ['s1', -170_000, 5_000],
    ]);
    expect(r.restingKg).to.equal(0);
    expect(book.get('s1')).to.include({ remainingKg: 5_000, quantityKg: 10_000 });
    expect(book.bestAsk()).to.equal(-170_000);
    expect(book.bestBid()).to.equal(undefined);
  });

  it('an order that cannot fill rests; a partially filled order keeps its place in the queue', () => {
    const book = new OrderBook();
    book.add({ id: 'a', side: 'buy', pricePerTonneFen: 1_000, quantityKg: 10, seq: 1 });
    book.add({ id: 'b', side: 'buy', pricePerTonneFen: 1_000, quantityKg: 10, seq: 2 });
    const first = book.add({ id: 'c', side: 'sell', pricePerTonneFen: 900, quantityKg: 4, seq: 3 });
    expect(first.fills).to.deep.equal([
      { makerOrderId: 'a', takerOrderId: 'c', makerSide: 'buy', pricePerTonneFen: 1_000, quantityKg: 4, makerRemainingKg: 6 },
    ]);
    const second = book.add({ id: 'd', side: 'sell', pricePerTonneFen: 1_000, quantityKg: 8, seq: 4 });
    expect(second.fills.map((f) => [f.makerOrderId, f.quantityKg])).to.deep.equal([
      ['a', 6],
      ['b', 2],
    ]);
    const third = book.add({ id: 'e', side: 'sell', pricePerTonneFen: 1_100, quantityKg: 5, seq: 5 });
    expect(third).to.include({ restingKg: 5, filledKg: 0 });
    expect(book.depth()).to.deep.equal({
      bids: [{ pricePerTonneFen: 1_000, quantityKg: 8, orders: 1 }],
      asks: [{ pricePerTonneFen: 1_100, quantityKg: 5, orders: 1 }],
    });
  });

  it('cancel removes a resting order by id and returns what was left; an unknown or filled id gives null', () => {
    const book = new OrderBook();
    book.add({ id: 'a', side: 'sell', pricePerTonneFen: 500, quantityKg: 10, seq: 1 });
    book.add({ id: 'b', side: 'buy', pricePerTonneFen: 500, quantityKg: 3, seq: 2 });
    const r = book.cancel('a');
    expect(r?.order).to.include({ id: 'a', remainingKg: 7, quantityKg: 10 });
    expect(r?.journal).to.deep.equal([{ op: 4, type: 'cancel', id: 'a', remainingKg: 7 }]);
    expect(book.cancel('a')).to.equal(null);
    expect(book.cancel('b')).to.equal(null);
    expect(book.size).to.equal(0);
  });

  it('an order never trades with its owner’s resting order: its remainder is cancelled, earlier fills stand', () => {
    const book = new OrderBook();
    book.add({ id: 'other', side: 'sell', pricePerTonneFen: 100, quantityKg: 5, seq: 1, ownerId: 'org-b' });
    book.add({ id: 'mine', side: 'sell', pricePerTonneFen: 110, quantityKg: 5, seq: 2, ownerId: 'org-a' });
    const r = book.add({ id: 'buy', side: 'buy', pricePerTonneFen: 120, quantityKg: 20, seq: 3, ownerId: 'org-a' });
    expect(r).to.include({ filledKg: 5, restingKg: 0, cancelledKg: 15 });
    expect(book.get('mine')?.remainingKg).to.equal(5);
    expect(book.get('buy')).to.equal(undefined);
  });

  it('refuses a duplicate resting id, a seq that does not increase, and a non-integer price', () => {
    const book = new OrderBook();
    book.add({ id: 'a', side: 'sell', pricePerTonneFen: 500, quantityKg: 10, seq: 5 });
    const code = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (e) {
        return e instanceof EngineError ? e.code : 'not-an-engine-error';
      }
      return undefined;
    };
    expect(code(() => book.add({ id: 'a', side: 'buy', pricePerTonneFen: 1, quantityKg: 1, seq: 6 }))).to.equal('DUPLICATE_ID');
    expect(code(() => book.add({ id: 'b', side: 'buy', pricePerTonneFen: 1, quantityKg: 1, seq: 5 }))).to.equal(
      'SEQ_NOT_INCREASING',
    );
    expect(code(() => book.add({ id: 'b', side: 'buy', pricePerTonneFen: 1.5, quantityKg: 1, seq: 7 }))).to.equal(
      'INVALID_INPUT',
    );
    expect(book.snapshot().lastOp, 'refused orders leave no journal').to.equal(1);
  });

  it('replay refuses a tampered journal with CORRUPT_STATE', () => {
    const { journal } = runOurs([
      { kind: 'limit', side: 'sell', price: 100, size: 10 },
      { kind: 'limit', side: 'buy', price: 100, size: 4 },
    ]);
    const tampered = roundTrip(journal);
    const fill = tampered.find((e) => e.type === 'fill')!;
    (fill as { quantityKg: number }).quantityKg = 5;
    expect(() => new OrderBook().replay(tampered)).to.throw(EngineError, /fills|quantity/);
    expect(() => new OrderBook().replay(journal.slice(0, 1).concat(journal.slice(2)))).to.throw(EngineError, /expected op 2/);
    expect(() => new OrderBook().replay(journal.slice(0, 2))).to.throw(EngineError, /ends before the fills/);
  });

  it('replay refuses an add whose id is already resting, and skips entries the snapshot already holds', () => {
    const book = new OrderBook();
    const first = book.add({ id: 'a', side: 'sell', pricePerTonneFen: 100, quantityKg: 10, seq: 1 });
    const snapshot = book.snapshot();
    const second = book.add({ id: 'b', side: 'sell', pricePerTonneFen: 110, quantityKg: 10, seq: 2 });
    const restored = OrderBook.restore(snapshot);
    restored.replay([...first.journal, ...second.journal]);
    expect(restored.snapshot()).to.deep.equal(book.snapshot());
    const duplicate = { ...second.journal[0]!, op: 3, seq: 3, id: 'a' };
    expect(() => restored.replay([duplicate]))
      .to.throw(EngineError, /already resting/)
      .with.property('code', 'CORRUPT_STATE');
  });

  it('depth aggregates each price level, best first, limited per side', () => {
    const book = new OrderBook();
    let seq = 0;
    for (const [side, price, kg] of [
      ['buy', 90, 1],
      ['buy', 90, 2],
      ['buy', 80, 4],
      ['sell', 120, 8],
      ['sell', 110, 16],
      ['buy', 70, 32],
    ] as const) {
      book.add({ id: `o${seq}`, side, pricePerTonneFen: price, quantityKg: kg, seq: ++seq });
    }
    expect(book.depth(2)).to.deep.equal({
      bids: [
        { pricePerTonneFen: 90, quantityKg: 3, orders: 2 },
        { pricePerTonneFen: 80, quantityKg: 4, orders: 1 },
      ],
      asks: [
        { pricePerTonneFen: 110, quantityKg: 16, orders: 1 },
        { pricePerTonneFen: 120, quantityKg: 8, orders: 1 },
      ],
    });
  });

  describe('properties', () => {
    it('never crosses: best bid < best ask after every operation', () => {
      fc.assert(
        fc.property(opsArb({ owners: true, long: true }), (ops) => {
          runOurs(ops, new OrderBook(), expectNotCrossed);
        }),
      );
    });

    it('conserves quantity: every order’s kg = filled + resting + cancelled, and each fill is at the resting order’s price', () => {
      fc.assert(
        fc.property(opsArb({ owners: true }), (ops) => {
          const { journal } = runOurs(ops);
          const addedKg = new Map<string, number>();
          const prices = new Map<string, number>();
          for (const e of journal) {
            if (e.type === 'add') {
              expect(e.filledKg + e.restingKg + e.cancelledKg).to.equal(e.quantityKg);
              addedKg.set(e.id, e.quantityKg);
              prices.set(e.id, e.pricePerTonneFen);
            } else if (e.type === 'fill') {
              expect(e.pricePerTonneFen).to.equal(prices.get(e.makerId));
            }
          }
        }),
      );
    });

    it('gives the same fills, resting quantities, cancels and depth as nodejs-order-book on random streams', () => {
      fc.assert(
        fc.property(opsArb({ maxLength: 200, long: true }), (ops) => {
          const ours = runOurs(ops);
          const peer = runPeer(ops);
          expect(ours.outcomes).to.deep.equal(peer.outcomes);
          const [asks, bids] = peer.peer.depth();
          const depth = ours.book.depth();
          expect(depth.asks.map((l) => [l.pricePerTonneFen, l.quantityKg])).to.deep.equal(asks);
          expect(depth.bids.map((l) => [l.pricePerTonneFen, l.quantityKg])).to.deep.equal(bids);
        }),
        { numRuns: 300 },
      );
    });

    it('gives the same results as nodejs-order-book with self-trade prevention (its EXPIRE_TAKER mode)', () => {
      fc.assert(
        fc.property(opsArb({ owners: true, maxLength: 200, long: true }), (ops) => {
          expect(runOurs(ops).outcomes).to.deep.equal(runPeer(ops).outcomes);
        }),
        { numRuns: 200 },
      );
    });

    it('snapshot + journal replay rebuilds the live book exactly (through JSON)', () => {
      fc.assert(
        fc.property(
          opsArb({ owners: true, minPrice: -5, maxPrice: 5, long: true }),
          fc.nat(),
          fc.constantFrom<LevelIndexKind>('sorted-array', 'heap'),
          (ops, cutAt, kind) => {
            const cut = ops.length === 0 ? 0 : cutAt % (ops.length + 1);
            const live = new OrderBook({ levelIndex: kind });
            const first = runOurs(ops.slice(0, cut), live);
            const snapshot = roundTrip(live.snapshot());
            // Continue on the same book: seqs go on from where the first half stopped.
            const rest = ops.slice(cut);
            const journalAfter: BookJournalEntry[] = [];
            const idsBefore = ops.slice(0, cut).flatMap((op, i) => (op.kind === 'limit' ? [`o${i}`] : []));
            const ids = [...idsBefore];
            rest.forEach((op, j) => {
              const i = cut + j;
              if (op.kind === 'limit') {
                ids.push(`o${i}`);
                const input: BookOrderInput = {
                  id: `o${i}`,
                  side: op.side,
                  pricePerTonneFen: op.price,
                  quantityKg: op.size,
                  seq: i + 1,
                };
                if (op.owner !== undefined) input.ownerId = op.owner;
                journalAfter.push(...live.add(input).journal);
              } else if (ids.length > 0) {
                const r = live.cancel(ids[op.target % ids.length]!);
                if (r !== null) journalAfter.push(...r.journal);
              }
            });
            const restored = OrderBook.restore(snapshot, { levelIndex: kind === 'heap' ? 'sorted-array' : 'heap' });
            restored.replay(roundTrip([...first.journal, ...journalAfter]));
            expect(restored.snapshot()).to.deep.equal(live.snapshot());
            const fromEmpty = new OrderBook();
            fromEmpty.replay(roundTrip([...first.journal, ...journalAfter]));
            expect(fromEmpty.snapshot()).to.deep.equal(live.snapshot());
          },
        ),
      );
    });

    it('the sorted-array and heap level indexes give identical results and journals', () => {
      fc.assert(
        fc.property(opsArb({ owners: true, minPrice: -20, maxPrice: 20, maxLength: 300, long: true }), (ops) => {
          const a = runOurs(ops, new OrderBook({ levelIndex: 'sorted-array' }));
          const b = runOurs(ops, new OrderBook({ levelIndex: 'heap' }));
          expect(b.journal).to.deep.equal(a.journal);
          expect(b.book.snapshot()).to.deep.equal(a.book.snapshot());
          expect(b.book.depth(3)).to.deep.equal(a.book.depth(3));
        }),
      );
    });

    it('restore refuses a crossed or misordered snapshot', () => {
      const crossed: BookSnapshot = {
        version: 1,
        lastOp: 2,
        lastSeq: 2,
        bids: [{ pricePerTonneFen: 200, orders: [{ id: 'b', seq: 1, quantityKg: 1, remainingKg: 1 }] }],
        asks: [{ pricePerTonneFen: 100, orders: [{ id: 'a', seq: 2, quantityKg: 1, remainingKg: 1 }] }],
      };
      expect(() => OrderBook.restore(crossed)).to.throw(EngineError, /crossed/);
      const misordered: BookSnapshot = {
        ...crossed,
        asks: [
          { pricePerTonneFen: 400, orders: [{ id: 'a', seq: 2, quantityKg: 1, remainingKg: 1 }] },
          { pricePerTonneFen: 300, orders: [{ id: 'c', seq: 1, quantityKg: 1, remainingKg: 1 }] },
        ],
      };
      expect(() => OrderBook.restore(misordered)).to.throw(EngineError, /best first/);
    });
  });
});
