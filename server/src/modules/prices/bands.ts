/**
 * Which band a price is checked against (DESIGN §6.3), decided from the two stored rows of a
 * material: its seeded or pinned band (price_bands) and its precomputed band from trades
 * (trade_bands, refreshed when a trade settles). Pure, so the rule is tested without a database.
 *
 *   a city-scope pin                                              → pinned
 *   else trades with ≥ 3 distinct generators and ≥ 3 receivers    → trades, never narrower than the
 *        in the window (p10/p50/p90 over pair-week observations)     seed's relative width (±15 % without one)
 *   else the seed                                                 → seed
 *   else none
 */
import type { TReferenceBand } from '../../../../shared/src/schemas/prices.js';

export const BAND_WINDOW_DAYS = 180;
export const BAND_MIN_GENERATORS = 3;
export const BAND_MIN_RECEIVERS = 3;
/** Half the relative width a band from trades keeps where there is no seed: ±15 % of |median|. */
export const UNSEEDED_HALF_WIDTH_PERCENT = 15;
/**
 * The half-width where a relative width means nothing (a median of 0, e.g. material given away):
 * ±¥10/t, so a band of free transfers still admits a small price either way instead of collapsing.
 */
export const ZERO_MEDIAN_HALF_WIDTH_FEN = 1_000;

export interface StoredBand {
  lowFen: number;
  medianFen: number;
  highFen: number;
  source: 'seed' | 'pinned';
  note: string | null;
  pinnedAt: Date | null;
}

/** A trade_bands row: the percentiles are null when the window had too few distinct parties. */
export interface TradeBandRow {
  lowFen: number | null;
  medianFen: number | null;
  highFen: number | null;
  observations: number;
  trades: number;
  generators: number;
  receivers: number;
  windowDays: number;
}

type Fen3 = { lowFen: number; medianFen: number; highFen: number };

/**
 * The least distance the band keeps on each side of `medianFen`: half the seed's relative width
 * (high − low) / |median| times |medianFen|, rounded up; ±15 % of |median| without a seed. BigInt:
 * the product of two prices can pass 2^53.
 */
export function minHalfWidthFen(medianFen: number, seed: Fen3 | null): number {
  const m = BigInt(Math.abs(medianFen));
  let half = 0n;
  if (seed && seed.medianFen !== 0) {
    const num = BigInt(seed.highFen - seed.lowFen) * m;
    const den = 2n * BigInt(Math.abs(seed.medianFen));
    half = (num + den - 1n) / den;
  } else if (!seed) {
    half = (m * BigInt(UNSEEDED_HALF_WIDTH_PERCENT) + 99n) / 100n;
  }
  if (half > 0n) return Number(half);
  // A zero median (or a seed centred on 0): the relative rule gives nothing; keep an absolute width.
  return seed ? Math.max(Math.ceil((seed.highFen - seed.lowFen) / 2), ZERO_MEDIAN_HALF_WIDTH_FEN) : ZERO_MEDIAN_HALF_WIDTH_FEN;
}

/** Widens a band from trades so it is never narrower than the minimum around its median. */
export function widenToMinimum(band: Fen3, seed: Fen3 | null): Fen3 & { widened: boolean } {
  const half = minHalfWidthFen(band.medianFen, seed);
  const lowFen = Math.min(band.lowFen, band.medianFen - half);
  const highFen = Math.max(band.highFen, band.medianFen + half);
  return { lowFen, medianFen: band.medianFen, highFen, widened: lowFen !== band.lowFen || highFen !== band.highFen };
}

export function hasEnoughParties(t: Pick<TradeBandRow, 'generators' | 'receivers'>): boolean {
  return t.generators >= BAND_MIN_GENERATORS && t.receivers >= BAND_MIN_RECEIVERS;
}

/** The band in force for `code`, with what was used to make it; null when there is none. */
export function composeBand(code: string, stored: StoredBand | null, trade: TradeBandRow | null): TReferenceBand | null {
  const distinctParties = { generators: trade?.generators ?? 0, receivers: trade?.receivers ?? 0 };
  if (stored?.source === 'pinned') {
    return {
      materialCode: code,
      lowFen: stored.lowFen,
      medianFen: stored.medianFen,
      highFen: stored.highFen,
      source: 'pinned',
      sampleSize: 0,
      distinctParties,
      note: stored.note,
      pinnedAt: stored.pinnedAt?.toISOString() ?? null,
    };
  }
  if (trade && trade.lowFen !== null && trade.medianFen !== null && trade.highFen !== null && hasEnoughParties(trade)) {
    const seed = stored?.source === 'seed' ? stored : null;
    const band = widenToMinimum({ lowFen: trade.lowFen, medianFen: trade.medianFen, highFen: trade.highFen }, seed);
    const floor = seed ? "widened to the seeded band's relative width" : 'widened to ±15 % of the median';
    return {
      materialCode: code,
      lowFen: band.lowFen,
      medianFen: band.medianFen,
      highFen: band.highFen,
      source: 'trades',
      sampleSize: trade.observations,
      distinctParties,
      note:
        `p10/p50/p90 of ${trade.observations} pair-week observations (${trade.trades} settled trades, ` +
        `${trade.generators} generators, ${trade.receivers} receivers) in the last ${trade.windowDays} days` +
        (band.widened ? `; ${floor}` : ''),
      pinnedAt: null,
    };
  }
  if (stored) {
    return {
      materialCode: code,
      lowFen: stored.lowFen,
      medianFen: stored.medianFen,
      highFen: stored.highFen,
      source: 'seed',
      sampleSize: 0,
      distinctParties,
      note: stored.note,
      pinnedAt: null,
    };
  }
  return null;
}
