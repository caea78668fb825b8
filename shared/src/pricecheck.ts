/**
 * The price check of DESIGN §6.3, pure so the server decides with it and the client shows the same
 * verdict while a bid is typed.
 *
 *   sign against the material's usual direction    → at least flagged, unless a pinned band contains p
 *   no band                                        → ok, source none
 *   low ≤ p ≤ high                                 → ok
 *   low − (high − low) ≤ p ≤ high + (high − low)   → flagged (needs a justification; alerts a regulator)
 *   beyond                                         → rejected
 *
 * Both sides are checked on purpose: for hazardous waste a price far above the band is a disposal
 * fee far below the usual (the classic sign of dumping), and far below it is gouging. The direction
 * rule catches a reversed sign on the many materials without a band (dyeing sludge offered at a
 * "purchase price"). `reasons` says which rule flagged or rejected the price (docs/price-checks.md).
 */

export const PRICE_CHECK_STATUSES = ['ok', 'flagged', 'rejected'] as const;
export type PriceCheckStatus = (typeof PRICE_CHECK_STATUSES)[number];

export const BAND_SOURCES = ['trades', 'seed', 'pinned', 'none'] as const;
export type BandSource = (typeof BAND_SOURCES)[number];

/**
 * Which way money usually flows for a material (DESIGN §6.3): `fee` — the generator pays a disposal
 * fee (negative prices); `price` — the receiver buys it (positive prices); `either` — both happen.
 */
export const USUAL_DIRECTIONS = ['fee', 'price', 'either'] as const;
export type UsualDirection = (typeof USUAL_DIRECTIONS)[number];

/** Why a price was flagged or rejected; the client has a zh-CN and an en sentence for each code. */
export const PRICE_CHECK_REASON_CODES = [
  'BELOW_BAND',
  'ABOVE_BAND',
  'FAR_BELOW_BAND',
  'FAR_ABOVE_BAND',
  'AGAINST_USUAL_DIRECTION',
] as const;
export type PriceCheckReasonCode = (typeof PRICE_CHECK_REASON_CODES)[number];

export type PriceCheckReason =
  /** Outside [low, high] but within one band width of it: flagged. */
  | { code: 'BELOW_BAND' | 'ABOVE_BAND'; lowFen: number; highFen: number; source: Exclude<BandSource, 'none'> }
  /** More than one band width outside: rejected; `limitFen` is the edge of the accepted range passed. */
  | {
      code: 'FAR_BELOW_BAND' | 'FAR_ABOVE_BAND';
      lowFen: number;
      highFen: number;
      limitFen: number;
      source: Exclude<BandSource, 'none'>;
    }
  /** A positive price for a `fee` material or a negative one for a `price` material: flagged. */
  | { code: 'AGAINST_USUAL_DIRECTION'; usual: Exclude<UsualDirection, 'either'> };

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
  /** Why the status is not ok, one entry per rule that fired; empty when ok. */
  reasons: PriceCheckReason[];
  distinctParties?: { generators: number; receivers: number };
}

/** What the check needs besides the band; each field optional so a caller without it checks the band only. */
export interface PriceCheckContext {
  /** The material's usual direction (catalogue); absent or `either` never flags a sign. */
  usualDirection?: UsualDirection | null;
  /**
   * A city-scope regulator's pinned band, when the caller holds it apart from `band`; by default the
   * band itself when its source is `pinned`. A pinned band containing p lifts the direction flag.
   */
  pinned?: Pick<ReferenceBand, 'lowFen' | 'highFen'> | null;
}

/** Whether p's sign is against the usual direction (0 is a free handover and never is). */
export function againstUsualDirection(priceFen: number, usual: UsualDirection | null | undefined): boolean {
  return (usual === 'fee' && priceFen > 0) || (usual === 'price' && priceFen < 0);
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
  return {
    flaggedLowFen: band.lowFen - width,
    okLowFen: band.lowFen,
    okHighFen: band.highFen,
    flaggedHighFen: band.highFen + width,
  };
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

export function checkPrice(priceFen: number, band: ReferenceBand | null, context: PriceCheckContext = {}): PriceCheck {
  const reasons: PriceCheckReason[] = [];
  let status: PriceCheckStatus = 'ok';
  if (band) {
    const limits = bandLimits(band);
    const where = { lowFen: band.lowFen, highFen: band.highFen, source: band.source };
    if (priceFen < limits.flaggedLowFen) {
      status = 'rejected';
      reasons.push({ code: 'FAR_BELOW_BAND', ...where, limitFen: limits.flaggedLowFen });
    } else if (priceFen > limits.flaggedHighFen) {
      status = 'rejected';
      reasons.push({ code: 'FAR_ABOVE_BAND', ...where, limitFen: limits.flaggedHighFen });
    } else if (priceFen < limits.okLowFen) {
      status = 'flagged';
      reasons.push({ code: 'BELOW_BAND', ...where });
    } else if (priceFen > limits.okHighFen) {
      status = 'flagged';
      reasons.push({ code: 'ABOVE_BAND', ...where });
    }
  }
  const usual = context.usualDirection;
  if (usual && usual !== 'either' && againstUsualDirection(priceFen, usual)) {
    const pinned = context.pinned !== undefined ? context.pinned : band?.source === 'pinned' ? band : null;
    const pinContains = !!pinned && priceFen >= pinned.lowFen && priceFen <= pinned.highFen;
    if (!pinContains) {
      if (status === 'ok') status = 'flagged';
      reasons.push({ code: 'AGAINST_USUAL_DIRECTION', usual });
    }
  }
  if (!band) return { status, band: null, source: 'none', sampleSize: 0, deviation: null, reasons };
  return {
    status,
    band: { lowFen: band.lowFen, medianFen: band.medianFen, highFen: band.highFen },
    source: band.source,
    sampleSize: band.sampleSize,
    deviation: deviationBp(priceFen, band.medianFen),
    reasons,
    ...(band.distinctParties ? { distinctParties: band.distinctParties } : {}),
  };
}

/** A sentence for people: what the check found, in fen per tonne (the client formats yuan itself). */
export function describePriceCheck(priceFen: number, check: PriceCheck): string {
  const direction = check.reasons.find((r) => r.code === 'AGAINST_USUAL_DIRECTION');
  const against = direction
    ? `; ${priceFen} fen/t is against this material's usual direction (usually ${direction.usual === 'fee' ? 'a disposal fee the generator pays' : 'a price the receiver pays'})`
    : '';
  if (!check.band) {
    if (check.status === 'ok') return `no reference band for this material; the price ${priceFen} fen/t is accepted`;
    return `no reference band for this material${against}: give a justification, which a regulator will review`;
  }
  const { lowFen, highFen } = check.band;
  const where = `${priceFen} fen/t against the reference band ${lowFen} … ${highFen} fen/t (${check.source})`;
  const inside = priceFen >= lowFen && priceFen <= highFen;
  if (check.status === 'ok') return `price ${where} is inside the band`;
  const limits = bandLimits(check.band);
  if (check.status === 'flagged')
    return `price ${where} is ${inside ? 'inside' : 'outside'} the band${against}: give a justification, which a regulator will review`;
  return `price ${where} is beyond the accepted range ${limits.flaggedLowFen} … ${limits.flaggedHighFen} fen/t and is refused${against}`;
}
