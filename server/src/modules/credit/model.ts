/**
 * Credit scoring model v1 (DESIGN §6.7; docs/credit-model.md is its description and must change with it).
 *
 * Pure: no I/O, no clock (`now` is an argument), no randomness. The same inputs — in any order —
 * give the same output, so a stored score can be recomputed from the inputs stored with it.
 *
 *   score = clamp(round(NEUTRAL + Σ_factor contribution), 0, 100)
 *   contribution(factor) = cap(Σ_events weight × 0.5^(ageDays / halfLifeDays))
 *   level = black if a serious sanction is in force, else by thresholds on the score
 *
 * A new version of the model is a new file (or a new entry in MODELS) with its own name; scores
 * already stored keep the name of the model that produced them.
 */
import type { CreditEventKind, CreditLevel, TCreditFactor } from '../../../../shared/src/schemas/credit.js';
import { LEVEL_THRESHOLDS } from '../../../../shared/src/credit-events.js';

export const SCORING_MODEL = 'v1';

/** Where every org starts, and where an org with no inputs (or only long-decayed ones) stays: blue. */
export const NEUTRAL_SCORE = 80;

export interface FactorSpec {
  /** Points per event on the day it happens. */
  weight: number;
  /** Age in days at which an event counts half. */
  halfLifeDays: number;
  /** For positive factors: the most the factor can add in all. */
  cap?: number;
}

/** Weights and half-lives of v1; the table in docs/credit-model.md lists the same numbers. */
export const FACTORS: Readonly<Record<CreditEventKind, FactorSpec>> = {
  trade_completed: { weight: +1, halfLifeDays: 365, cap: +15 },
  trade_cancelled: { weight: -3, halfLifeDays: 180 },
  late_pickup: { weight: -2, halfLifeDays: 180 },
  receipt_overdue: { weight: -4, halfLifeDays: 180 },
  disposal_overdue: { weight: -5, halfLifeDays: 180 },
  weight_dispute_lost: { weight: -6, halfLifeDays: 365 },
  payment_failed: { weight: -3, halfLifeDays: 180 },
  sanction_minor: { weight: -10, halfLifeDays: 365 },
  sanction_major: { weight: -25, halfLifeDays: 730 },
  sanction_serious: { weight: -45, halfLifeDays: 1095 },
  licence_suspended: { weight: -15, halfLifeDays: 365 },
  licence_expired: { weight: -5, halfLifeDays: 180 },
};

/** A serious sanction forces black for this many days after it was decided. */
export const SERIOUS_SANCTION_IN_FORCE_DAYS = 1095;

const DAY_MS = 86_400_000;
const FACTOR_ORDER = Object.keys(FACTORS) as CreditEventKind[];

export interface CreditInput {
  /** Unknown kinds are ignored (an older model reading a newer table). */
  kind: string;
  occurredAt: Date;
  /** Only for a stable order among events of the same kind and time. */
  subjectId?: string;
}

export interface CreditResult {
  scoringModel: typeof SCORING_MODEL;
  score: number;
  level: CreditLevel;
  levelReason: 'score' | 'serious_sanction';
  neutralScore: number;
  /** Every factor of the model, in a fixed order, zero ones included (the explanation). */
  factors: TCreditFactor[];
  /** When a serious sanction in force ends (null: none in force). */
  seriousSanctionUntil: Date | null;
}

export function levelForScore(score: number): CreditLevel {
  for (const t of LEVEL_THRESHOLDS) if (score >= t.min) return t.level;
  return 'black';
}

/** How much an event of this age counts: 1 today, 1/2 after one half-life; 0 for events in the future. */
export function decayFactor(ageMs: number, halfLifeDays: number): number {
  if (ageMs < 0) return 0;
  return Math.pow(0.5, ageMs / DAY_MS / halfLifeDays);
}

const round2 = (x: number) => Math.round(x * 100) / 100 + 0; // + 0 turns -0 into 0

function compareInputs(a: CreditInput, b: CreditInput): number {
  return (
    a.occurredAt.getTime() - b.occurredAt.getTime() ||
    (a.subjectId ?? '').localeCompare(b.subjectId ?? '') ||
    a.kind.localeCompare(b.kind)
  );
}

/** The v1 score of an org with these inputs at `now`. */
export function computeCredit(inputs: readonly CreditInput[], now: Date): CreditResult {
  const t = now.getTime();
  const byKind = new Map<string, CreditInput[]>();
  for (const e of inputs) {
    if (!(e.kind in FACTORS)) continue;
    const list = byKind.get(e.kind) ?? [];
    list.push(e);
    byKind.set(e.kind, list);
  }

  let total = NEUTRAL_SCORE;
  const factors: TCreditFactor[] = [];
  for (const kind of FACTOR_ORDER) {
    const spec = FACTORS[kind];
    // Summed in one canonical order: floating-point addition is not associative.
    const events = [...(byKind.get(kind) ?? [])].sort(compareInputs).filter((e) => e.occurredAt.getTime() <= t);
    let sum = 0;
    for (const e of events) sum += spec.weight * decayFactor(t - e.occurredAt.getTime(), spec.halfLifeDays);
    if (spec.cap !== undefined) sum = spec.cap >= 0 ? Math.min(sum, spec.cap) : Math.max(sum, spec.cap);
    total += sum;
    factors.push({
      factor: kind,
      contribution: round2(sum),
      events: events.length,
      weight: spec.weight,
      halfLifeDays: spec.halfLifeDays,
    });
  }

  // Round half up on a value rounded to 6 places first, so float noise never flips a .5.
  const score = Math.min(100, Math.max(0, Math.floor(Math.round(total * 1e6) / 1e6 + 0.5)));

  let until: number | null = null;
  for (const e of byKind.get('sanction_serious') ?? []) {
    const from = e.occurredAt.getTime();
    const end = from + SERIOUS_SANCTION_IN_FORCE_DAYS * DAY_MS;
    if (from <= t && t < end && (until === null || end > until)) until = end;
  }
  const forced = until !== null;
  return {
    scoringModel: SCORING_MODEL,
    score,
    level: forced ? 'black' : levelForScore(score),
    levelReason: forced ? 'serious_sanction' : 'score',
    neutralScore: NEUTRAL_SCORE,
    factors,
    seriousSanctionUntil: until === null ? null : new Date(until),
  };
}
