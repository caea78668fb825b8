/**
 * What the public price index may publish (DESIGN §6.3, issue 12 item 5). Pure: the prices service
 * reads the cells and the clock and hands them here.
 *
 * A material's week is published only when its settled trades involve at least 3 distinct
 * generators and 3 distinct receivers. The trades of a week that is not are merged into their
 * calendar month, which is published under the same rule, or listed as `suppressed` without any
 * figure. Only finished periods are listed (a week once its Sunday is over, a month once the week
 * holding its last day is over): a period still taking trades would give away each new deal to
 * anyone comparing two reads. A month holds the trades of all its unpublished weeks, whatever
 * window was asked for, so two reads with different windows cannot be subtracted either.
 *
 * Figures are over pair-week observations (each generator–receiver pair's quantity-weighted mean
 * price in a week, as for the bands): median p50, low p10, high p90, so low and high are not the
 * price of any one deal.
 */
import type { TPriceIndexItem } from '../../../../shared/src/schemas/prices.js';
import type { IndexCell } from './repo.js';

export const INDEX_MIN_GENERATORS = 3;
export const INDEX_MIN_RECEIVERS = 3;

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The Shanghai calendar date of an instant, YYYY-MM-DD. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}
/** The instant a Shanghai calendar date begins. */
export function shanghaiMidnight(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - SHANGHAI_OFFSET_MS);
}
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}
export function mondayOf(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  return addDays(date, -((d.getUTCDay() + 6) % 7));
}
function monthOf(date: string): string {
  return `${date.slice(0, 7)}-01`;
}
function nextMonth(month: string): string {
  const d = new Date(`${month}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
}

/** The index window: the last `weeks` finished weeks, and the range of trades to read for it. */
export function indexWindow(now: Date, weeks: number): { firstWeek: string; end: string; readFrom: Date; readTo: Date } {
  const end = mondayOf(shanghaiDate(now)); // the running week's Monday: periods end at or before it
  const firstWeek = addDays(end, -7 * weeks);
  // Whole weeks of whole months: the month of the first week, from the Monday on or before its first day.
  const readFromDate = mondayOf(monthOf(firstWeek));
  return { firstWeek, end, readFrom: shanghaiMidnight(readFromDate), readTo: shanghaiMidnight(end) };
}

/** percentile_cont over sorted values. */
function percentile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function summarise(cells: IndexCell[]): {
  medianFen: number;
  lowFen: number;
  highFen: number;
  trades: number;
  quantityKg: number;
  observations: number;
} {
  const pairWeeks = new Map<string, { kg: bigint; priceKg: bigint }>();
  let trades = 0;
  let kg = 0n;
  for (const c of cells) {
    const key = `${c.generator}|${c.receiver}|${c.week}`;
    const o = pairWeeks.get(key) ?? { kg: 0n, priceKg: 0n };
    o.kg += c.kg;
    o.priceKg += c.priceKg;
    pairWeeks.set(key, o);
    trades += c.trades;
    kg += c.kg;
  }
  const prices = [...pairWeeks.values()].map((o) => Number(o.priceKg) / Number(o.kg)).sort((a, b) => a - b);
  return {
    medianFen: Math.round(percentile(prices, 0.5)),
    lowFen: Math.round(percentile(prices, 0.1)),
    highFen: Math.round(percentile(prices, 0.9)),
    trades,
    quantityKg: Number(kg),
    observations: prices.length,
  };
}

function enoughParties(cells: IndexCell[]): boolean {
  return (
    new Set(cells.map((c) => c.generator)).size >= INDEX_MIN_GENERATORS &&
    new Set(cells.map((c) => c.receiver)).size >= INDEX_MIN_RECEIVERS
  );
}

function groupBy<K>(cells: IndexCell[], key: (c: IndexCell) => K): Map<K, IndexCell[]> {
  const out = new Map<K, IndexCell[]>();
  for (const c of cells) out.set(key(c), [...(out.get(key(c)) ?? []), c]);
  return out;
}

export function buildPriceIndex(cells: IndexCell[], window: { firstWeek: string; end: string }): TPriceIndexItem[] {
  const items: TPriceIndexItem[] = [];
  const leftovers: IndexCell[] = [];
  // The running week is never published, even if handed in (the repo reads up to its start).
  for (const [week, inWeek] of groupBy(
    cells.filter((c) => c.week < window.end),
    (c) => c.week,
  )) {
    if (!enoughParties(inWeek)) leftovers.push(...inWeek);
    else if (week >= window.firstWeek) items.push({ period: 'week', start: week, suppressed: false, ...summarise(inWeek) });
  }
  for (const [month, inMonth] of groupBy(leftovers, (c) => c.month)) {
    // Finished once the week holding the month's last day is over.
    if (mondayOf(addDays(nextMonth(month), -1)) >= window.end) continue;
    if (addDays(nextMonth(month), -1) < window.firstWeek) continue;
    items.push(
      enoughParties(inMonth)
        ? { period: 'month', start: month, suppressed: false, ...summarise(inMonth) }
        : {
            period: 'month',
            start: month,
            suppressed: true,
            medianFen: null,
            lowFen: null,
            highFen: null,
            trades: null,
            quantityKg: null,
            observations: null,
          },
    );
  }
  return items.sort((a, b) => (a.start === b.start ? (a.period === 'month' ? -1 : 1) : a.start < b.start ? -1 : 1));
}
