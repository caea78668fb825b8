/**
 * Working-day arithmetic in Asia/Shanghai (DESIGN §6.1): a working day is Monday to Friday unless it
 * is a listed public holiday, plus any listed make-up working day (调休, usually a Saturday or Sunday
 * next to a long holiday). Both lists are configuration (HOLIDAYS, MAKEUP_WORKDAYS), because the
 * State Council publishes them a year at a time. Pure: no clock, no I/O; the client runs it too.
 *
 * Deadlines (the receiver's 5 working days to confirm a receipt) run to the END of the last day
 * counted: arrival on Friday 15:00 with 5 working days is due at the end of the next Friday, that
 * is Saturday 00:00 Shanghai time. The arrival day itself never counts.
 */
import { SHANGHAI_OFFSET_MS, shanghaiDate, startOfShanghaiDay } from './calendar.js';

export interface WorkCalendar {
  /** Shanghai calendar dates (YYYY-MM-DD) that are public holidays, even on a weekday. */
  holidays: Iterable<string>;
  /** Shanghai calendar dates that are working days, even on a weekend. */
  makeupWorkdays: Iterable<string>;
}

interface Sets {
  holidays: ReadonlySet<string>;
  makeup: ReadonlySet<string>;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function sets(cal: WorkCalendar): Sets {
  return { holidays: new Set(cal.holidays), makeup: new Set(cal.makeupWorkdays) };
}

function parse(date: string): number {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`not a date YYYY-MM-DD: ${date}`);
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(t).toISOString().slice(0, 10) !== date) throw new RangeError(`no such date: ${date}`);
  return t;
}

/** The calendar date `days` after `date` (negative: before). */
export function addCalendarDays(date: string, days: number): string {
  return new Date(parse(date) + days * 86_400_000).toISOString().slice(0, 10);
}

/** 0 Sunday … 6 Saturday, for a calendar date. */
export function weekday(date: string): number {
  return new Date(parse(date)).getUTCDay();
}

function working(date: string, s: Sets): boolean {
  if (s.makeup.has(date)) return true;
  if (s.holidays.has(date)) return false;
  const d = weekday(date);
  return d !== 0 && d !== 6;
}

export function isWorkingDay(date: string, cal: WorkCalendar): boolean {
  parse(date);
  return working(date, sets(cal));
}

/**
 * The `n`-th working day after `date` (n ≥ 1; `date` itself never counts). n = 0 returns `date`.
 * Bounded: a calendar with no working day for a whole year is refused rather than looped over.
 */
export function addWorkingDays(date: string, n: number, cal: WorkCalendar): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0, got ${n}`);
  const s = sets(cal);
  let d = date;
  parse(d);
  let left = n;
  let steps = 0;
  while (left > 0) {
    d = addCalendarDays(d, 1);
    if (working(d, s)) left--;
    if (++steps > 366 * (n + 1)) throw new RangeError('the calendar has no working days in reach');
  }
  return d;
}

/** Working days strictly after `from` up to and including `to` (0 when to ≤ from). */
export function workingDaysBetween(from: string, to: string, cal: WorkCalendar): number {
  const s = sets(cal);
  let n = 0;
  for (let d = addCalendarDays(from, 1); d <= to; d = addCalendarDays(d, 1)) if (working(d, s)) n++;
  return n;
}

/** The instant a Shanghai calendar day ends (the next day's 00:00 +08:00), exclusive. */
export function endOfShanghaiDay(date: string): Date {
  return new Date(startOfShanghaiDay(date).getTime() + 86_400_000);
}

/** Due at the end of the `n`-th working day after the Shanghai date of `at`. */
export function workingDaysDeadline(at: Date, n: number, cal: WorkCalendar): Date {
  return endOfShanghaiDay(addWorkingDays(shanghaiDate(at), n, cal));
}

/** Due at the end of the Shanghai calendar day `days` after the Shanghai date of `at`. */
export function calendarDaysDeadline(at: Date, days: number): Date {
  return endOfShanghaiDay(addCalendarDays(shanghaiDate(at), days));
}

export { SHANGHAI_OFFSET_MS };
