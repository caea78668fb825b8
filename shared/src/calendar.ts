/**
 * Asia/Shanghai calendar days (DESIGN §6.1: days, deadlines and "annual" use Shanghai calendar days).
 * China has kept UTC+8 all year since 1991, so a fixed offset is exact for every date the exchange
 * handles and needs no time-zone database (the client runs this too). Working-day arithmetic
 * (weekends, holidays, make-up days) lives with the deadlines, not here.
 */

export const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The Shanghai calendar date of an instant, as YYYY-MM-DD. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The Shanghai calendar year of an instant. */
export function shanghaiYear(at: Date): number {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).getUTCFullYear();
}

/** The instant a Shanghai calendar year starts: YYYY-01-01T00:00+08:00. */
export function startOfShanghaiYear(year: number): Date {
  return new Date(Date.UTC(year, 0, 1) - SHANGHAI_OFFSET_MS);
}

/** The instant a Shanghai calendar year ends (exclusive): the start of the next year. */
export function endOfShanghaiYear(year: number): Date {
  return startOfShanghaiYear(year + 1);
}

/** The instant a Shanghai calendar day (YYYY-MM-DD) starts. */
export function startOfShanghaiDay(date: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) - SHANGHAI_OFFSET_MS);
}
