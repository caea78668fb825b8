/**
 * The price check of DESIGN §6.3, pure so the server decides with it and the client shows the same
 * verdict while a bid is typed.
 *
 *   no band                                        → ok, source none
 *   low ≤ p ≤ high                                 → ok
 *   low − (high − low) ≤ p ≤ high + (high − low)   → flagged (needs a justification; alerts a regulator)
 *   beyond                                         → rejected
 *
 * Both sides are checked on purpose: for hazardous waste a price far above the band is a disposal
 * fee far below the usual (the classic sign of dumping), and far below it is gouging.
 */

export const PRICE_CHECK_STATUSES = ['ok', 'flagged', 'rejected'] as const;
export type PriceCheckStatus = (typeof PRICE_CHECK_STATUSES)[number];

export const BAND_SOURCES = ['trades', 'seed', 'pinned', 'none'] as const;
export type BandSource = (typeof BAND_SOURCES)[number];

/** A reference band: p10 / p50 / p90 of settled trades, the seed, or a regulator's pin. */
export interface ReferenceBand {
  lowFen: number;
  medianFen: number;
  highFen: number;
  source: Exclude<BandSource, 'none'>;
  /** Pair-week observations the band was computed from (0 for seed and pinned bands). */
  sampleSize: number;
  /** Distinct generators and receivers of settled trades in the band's window. */
  distinctParties?: { generators: number; receivers: number };
}

export interface PriceCheck {
  status: PriceCheckStatus;
  band: { lowFen: number; medianFen: number; highFen: number } | null;
  source: BandSource;
  sampleSize: number;
  /** (p − median) / |median| in basis points, rounded half away from zero; null without a band or with a zero median. */
  deviation: number | null;
  distinctParties?: { generators: number; receivers: number };
}

/** The edges of the ok and flagged ranges, for drawing the band as a bar. */
export interface BandLimits {
  flaggedLowFen: number;
  okLowFen: number;
  okHighFen: number;
  flaggedHighFen: number;
}

export function bandLimits(band: Pick<ReferenceBand, 'lowFen' | 'highFen'>): BandLimits {
  const width = band.highFen - band.lowFen;
  return { flaggedLowFen: band.lowFen - width, okLowFen: band.lowFen, okHighFen: band.highFen, flaggedHighFen: band.highFen + width };
}

/**
 * (p − median) × 10 000 / |median|, rounded half away from zero. Exact: |p − median| ≤ 2·10^8, so
 * the numerator stays below 2^53.
 */
export function deviationBp(priceFen: number, medianFen: number): number | null {
  if (medianFen === 0) return null;
  const num = (priceFen - medianFen) * 10_000;
  const den = Math.abs(medianFen);
  const magnitude = Math.floor((2 * Math.abs(num) + den) / (2 * den));
  return num < 0 ? -magnitude : magnitude;
}

export function checkPrice(priceFen: number, band: ReferenceBand | null): PriceCheck {
  if (!band) return { status: 'ok', band: null, source: 'none', sampleSize: 0, deviation: null };
  const limits = bandLimits(band);
  const status: PriceCheckStatus =
    priceFen >= limits.okLowFen && priceFen <= limits.okHighFen
      ? 'ok'
      : priceFen >= limits.flaggedLowFen && priceFen <= limits.flaggedHighFen
        ? 'flagged'
        : 'rejected';
  return {
    status,
    band: { lowFen: band.lowFen, medianFen: band.medianFen, highFen: band.highFen },
    source: band.source,
    sampleSize: band.sampleSize,
    deviation: deviationBp(priceFen, band.medianFen),
    ...(band.distinctParties ? { distinctParties: band.distinctParties } : {}),
  };
}

/** A sentence for people: what the check found, in fen per tonne (the client formats yuan itself). */
export function describePriceCheck(priceFen: number, check: PriceCheck): string {
  if (!check.band) return `no reference band for this material; the price ${priceFen} fen/t is accepted`;
  const { lowFen, highFen } = check.band;
  const where = `${priceFen} fen/t against the reference band ${lowFen} … ${highFen} fen/t (${check.source})`;
  if (check.status === 'ok') return `price ${where} is inside the band`;
  const limits = bandLimits(check.band);
  if (check.status === 'flagged')
    return `price ${where} is outside the band: give a justification, which a regulator will review`;
  return `price ${where} is beyond the accepted range ${limits.flaggedLowFen} … ${limits.flaggedHighFen} fen/t and is refused`;
}
