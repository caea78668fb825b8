/**
 * Price levels of one side of the book. A level is a FIFO of resting orders kept as a doubly linked
 * list, so an order leaves its level in O(1) wherever it sits (the peer, nodejs-order-book, keeps a
 * deque plus an index map it renumbers on every removal: O(level length)).
 *
 * The levels of a side live in a `LevelIndex`. Two are provided because the choice is a measured
 * one (docs/benchmarks.md): a sorted array with the best level at the end (best O(1), a new or
 * emptied level costs a binary search plus a splice, O(levels)), and a binary heap with lazy
 * deletion (best amortised O(log levels), new level O(log levels)).
 */

/** `+1`: higher prices are better (bids). `-1`: lower prices are better (asks). */
export type Direction = 1 | -1;

export class OrderNode {
  prev: OrderNode | null = null;
  next: OrderNode | null = null;
  constructor(
    readonly id: string,
    readonly isBuy: boolean,
    readonly price: number,
    readonly seq: number,
    readonly quantityKg: number,
    public remainingKg: number,
    readonly ownerId: string | undefined,
    public level: PriceLevel,
  ) {}
}

export class PriceLevel {
  head: OrderNode | null = null;
  tail: OrderNode | null = null;
  count = 0;
  totalKg = 0;
  /** False once the level emptied and left its index (the heap drops dead levels lazily). */
  live = true;
  constructor(readonly price: number) {}

  append(node: OrderNode): void {
    node.prev = this.tail;
    node.next = null;
    if (this.tail === null) this.head = node;
    else this.tail.next = node;
    this.tail = node;
    this.count += 1;
    this.totalKg += node.remainingKg;
  }

  unlink(node: OrderNode): void {
    if (node.prev === null) this.head = node.next;
    else node.prev.next = node.next;
    if (node.next === null) this.tail = node.prev;
    else node.next.prev = node.prev;
    node.prev = null;
    node.next = null;
    this.count -= 1;
    this.totalKg -= node.remainingKg;
  }
}

export interface LevelIndex {
  readonly size: number;
  get(price: number): PriceLevel | undefined;
  /** The level at `price`, created (empty) if missing. */
  getOrCreate(price: number): PriceLevel;
  /** Drops an emptied level. */
  remove(level: PriceLevel): void;
  best(): PriceLevel | undefined;
  /** All levels, best first. */
  bestFirst(): PriceLevel[];
}

export type LevelIndexKind = 'sorted-array' | 'heap';

export function createLevelIndex(kind: LevelIndexKind, direction: Direction): LevelIndex {
  return kind === 'heap' ? new HeapLevels(direction) : new SortedArrayLevels(direction);
}

/** Levels sorted worst → best, so the best level is the last element and leaves by `pop()`. */
class SortedArrayLevels implements LevelIndex {
  private readonly byPrice = new Map<number, PriceLevel>();
  private readonly sorted: PriceLevel[] = [];
  constructor(private readonly direction: Direction) {}

  get size(): number {
    return this.sorted.length;
  }

  get(price: number): PriceLevel | undefined {
    return this.byPrice.get(price);
  }

  getOrCreate(price: number): PriceLevel {
    let level = this.byPrice.get(price);
    if (level !== undefined) return level;
    level = new PriceLevel(price);
    this.byPrice.set(price, level);
    const sorted = this.sorted;
    const n = sorted.length;
    // Common cases first: a new best (end) or a new worst (start) level.
    if (n === 0 || this.key(sorted[n - 1]!.price) < this.key(price)) sorted.push(level);
    else sorted.splice(this.lowerBound(price), 0, level);
    return level;
  }

  remove(level: PriceLevel): void {
    level.live = false;
    this.byPrice.delete(level.price);
    const sorted = this.sorted;
    if (sorted[sorted.length - 1] === level) sorted.pop();
    else sorted.splice(this.lowerBound(level.price), 1);
  }

  best(): PriceLevel | undefined {
    return this.sorted[this.sorted.length - 1];
  }

  bestFirst(): PriceLevel[] {
    return this.sorted.slice().reverse();
  }

  private key(price: number): number {
    return this.direction * price;
  }

  /** First index whose level's key is ≥ key(price). */
  private lowerBound(price: number): number {
    const k = this.key(price);
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.key(this.sorted[mid]!.price) < k) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Max-heap on direction × price; emptied levels are marked dead and skipped when they surface. */
class HeapLevels implements LevelIndex {
  private readonly byPrice = new Map<number, PriceLevel>();
  private readonly heap: PriceLevel[] = [];
  constructor(private readonly direction: Direction) {}

  get size(): number {
    return this.byPrice.size;
  }

  get(price: number): PriceLevel | undefined {
    return this.byPrice.get(price);
  }

  getOrCreate(price: number): PriceLevel {
    let level = this.byPrice.get(price);
    if (level !== undefined) return level;
    level = new PriceLevel(price);
    this.byPrice.set(price, level);
    this.heap.push(level);
    this.siftUp(this.heap.length - 1);
    return level;
  }

  remove(level: PriceLevel): void {
    level.live = false;
    this.byPrice.delete(level.price);
    this.dropDeadTop();
    // Dead levels deep in the heap only cost memory; rebuild when they outnumber the live ones.
    if (this.heap.length > 2 * this.byPrice.size + 64) this.rebuild();
  }

  best(): PriceLevel | undefined {
    return this.heap[0];
  }

  bestFirst(): PriceLevel[] {
    const d = this.direction;
    return [...this.byPrice.values()].sort((a, b) => d * (b.price - a.price));
  }

  private dropDeadTop(): void {
    const heap = this.heap;
    while (heap.length > 0 && !heap[0]!.live) {
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        this.siftDown(0);
      }
    }
  }

  private rebuild(): void {
    const heap = this.heap;
    heap.length = 0;
    for (const level of this.byPrice.values()) heap.push(level);
    for (let i = (heap.length >>> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    const node = heap[i]!;
    const k = this.direction * node.price;
    while (i > 0) {
      const parent = (i - 1) >>> 1;
      const p = heap[parent]!;
      if (this.direction * p.price >= k) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = node;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const node = heap[i]!;
    const d = this.direction;
    const k = d * node.price;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && d * heap[right]!.price > d * heap[left]!.price) child = right;
      if (d * heap[child]!.price <= k) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = node;
  }
}
