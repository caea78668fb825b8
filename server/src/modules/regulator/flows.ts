/**
 * Pure date-range logic for the rollup (migration 0006_regulator.sql). A range of Shanghai calendar
 * days [from, to] is read as whole years, then whole months, then single days at its edges, so a
 * query touches at most ~60 day periods, ~22 month periods and the years between, whatever the
 * range: a decade of flows costs about what one year does.
 */
import { shanghaiDate } from '../../../../shared/src/calendar.js';

export type Grain = 'day' | 'month' | 'year';

/** One grain's periods: period starts in [start, end) (YYYY-MM-DD). */
export interface GrainRange {
  grain: Grain;
  start: string;
  end: string;
}

function parse(d: string): Date {
  return new Date(`${d}T00:00:00Z`);
}
function fmt(d: Date): string {
  return d.toISOString().slice(0, 10);
}
export function addDays(d: string, n: number): string {
  const x = parse(d);
  x.setUTCDate(x.getUTCDate() + n);
  return fmt(x);
}
function addMonths(d: string, n: number): string {
  const x = parse(d);
  return fmt(new Date(Date.UTC(x.getUTCFullYear(), x.getUTCMonth() + n, 1)));
}
function addYears(d: string, n: number): string {
  const x = parse(d);
  return fmt(new Date(Date.UTC(x.getUTCFullYear() + n, 0, 1)));
}
const isMonthStart = (d: string) => d.endsWith('-01');
const isYearStart = (d: string) => d.endsWith('-01-01');

/**
 * Splits the days [from, to] (inclusive) into rollup periods: leading days up to a month start,
 * leading months up to a year start, whole years, trailing months, trailing days. Each grain appears
 * in at most two contiguous runs; runs of one grain are returned separately.
 */
export function splitRange(from: string, to: string): GrainRange[] {
  const end = addDays(to, 1);
  const out: GrainRange[] = [];
  const push = (grain: Grain, start: string, stop: string) => {
    if (start < stop) out.push({ grain, start, end: stop });
  };
  let cur = from;
  // Leading days: to the next month start, unless the range ends first.
  if (!isMonthStart(cur)) {
    const next = addMonths(cur, 1);
    const stop = next <= end ? next : end;
    push('day', cur, stop);
    cur = stop;
  }
  // Leading months: to the next year start, as long as whole months fit.
  if (cur < end && !isYearStart(cur)) {
    let stop = cur;
    while (!isYearStart(stop) && addMonths(stop, 1) <= end) stop = addMonths(stop, 1);
    push('month', cur, stop);
    cur = stop;
  }
  // Whole years.
  if (cur < end && isYearStart(cur)) {
    let stop = cur;
    while (addYears(stop, 1) <= end) stop = addYears(stop, 1);
    push('year', cur, stop);
    cur = stop;
  }
  // Trailing months, then trailing days.
  if (cur < end && isMonthStart(cur)) {
    let stop = cur;
    while (addMonths(stop, 1) <= end) stop = addMonths(stop, 1);
    push('month', cur, stop);
    cur = stop;
  }
  push('day', cur, end);
  return out;
}

/** The range a query asks for, defaulting to this Shanghai year to date. */
export function resolveRange(q: { from?: string; to?: string }, now: Date): { from: string; to: string } {
  const today = shanghaiDate(now);
  const to = q.to ?? (q.from && q.from > today ? q.from : today);
  const from = q.from ?? `${to.slice(0, 4)}-01-01`;
  return { from, to };
}

/** The twelve months of a year as YYYY-MM. */
export function monthsOf(year: number): string[] {
  return Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
}
