import { expect } from 'chai';
import fc from 'fast-check';
import {
  computeCredit,
  decayFactor,
  FACTORS,
  levelForScore,
  NEUTRAL_SCORE,
  SCORING_MODEL,
  SERIOUS_SANCTION_IN_FORCE_DAYS,
  type CreditInput,
} from '../../server/src/modules/credit/model.js';
import { CREDIT_EVENT_KINDS, type CreditEventKind } from '../../shared/src/schemas/credit.js';

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T00:00:00Z');
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
const ev = (kind: string, daysAgo = 0, subjectId = `s-${Math.random()}`): CreditInput => ({
  kind,
  occurredAt: ago(daysAgo),
  subjectId,
});
const factorOf = (r: ReturnType<typeof computeCredit>, kind: string) => r.factors.find((f) => f.factor === kind)!;

// Every fast-check property prints its seed when it fails; FC_SEED replays one.
const fcParams = { numRuns: 300, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) };

describe('credit model v1 (docs/credit-model.md)', () => {
  it('a new org with no inputs starts at the documented neutral score, blue, with every factor at zero', () => {
    const r = computeCredit([], NOW);
    expect(r).to.include({ scoringModel: 'v1', score: 80, level: 'blue', levelReason: 'score', neutralScore: 80 });
    expect(SCORING_MODEL).to.equal('v1');
    expect(NEUTRAL_SCORE).to.equal(80);
    expect(r.factors.map((f) => f.factor)).to.deep.equal([...CREDIT_EVENT_KINDS]);
    expect(r.factors.every((f) => f.contribution === 0 && f.events === 0)).to.equal(true);
  });

  describe('each factor moves the score by its documented weight on the day it happens', () => {
    // The table of docs/credit-model.md, restated: a change to a weight must change this test too.
    const documented: Record<CreditEventKind, number> = {
      trade_completed: +1,
      trade_cancelled: -3,
      late_pickup: -2,
      receipt_overdue: -4,
      disposal_overdue: -5,
      weight_dispute_lost: -6,
      payment_failed: -3,
      sanction_minor: -10,
      sanction_major: -25,
      sanction_serious: -45,
      licence_suspended: -15,
      licence_expired: -5,
    };
    for (const kind of CREDIT_EVENT_KINDS) {
      it(`${kind}: ${documented[kind] > 0 ? '+' : ''}${documented[kind]}`, () => {
        expect(FACTORS[kind].weight).to.equal(documented[kind]);
        const r = computeCredit([ev(kind)], NOW);
        expect(r.score).to.equal(NEUTRAL_SCORE + documented[kind]);
        expect(factorOf(r, kind)).to.include({ contribution: documented[kind], events: 1 });
        const others = r.factors.filter((f) => f.factor !== kind);
        expect(others.every((f) => f.contribution === 0)).to.equal(true);
      });
    }
  });

  it('two events of a kind count twice; completed trades add at most +15 in all', () => {
    expect(computeCredit([ev('late_pickup'), ev('late_pickup')], NOW).score).to.equal(76);
    const many = Array.from({ length: 40 }, (_, i) => ev('trade_completed', 0, `t${i}`));
    const r = computeCredit(many, NOW);
    expect(factorOf(r, 'trade_completed')).to.include({ contribution: 15, events: 40 });
    expect(r.score).to.equal(95);
    expect(r.level).to.equal('green');
  });

  it('levels: green ≥ 90, blue ≥ 75, yellow ≥ 60, red ≥ 40, black below', () => {
    const cases: [number, string][] = [
      [100, 'green'],
      [90, 'green'],
      [89, 'blue'],
      [75, 'blue'],
      [74, 'yellow'],
      [60, 'yellow'],
      [59, 'red'],
      [40, 'red'],
      [39, 'black'],
      [0, 'black'],
    ];
    for (const [score, level] of cases) expect(levelForScore(score), String(score)).to.equal(level);
  });

  it('scores stay within 0–100 however many bad events pile up', () => {
    const bad = Array.from({ length: 20 }, (_, i) => ev('sanction_major', i));
    expect(computeCredit(bad, NOW).score).to.equal(0);
    expect(computeCredit(bad, NOW).level).to.equal('black');
  });

  describe('time decay', () => {
    it('an event counts half after its half-life and a quarter after two', () => {
      expect(decayFactor(0, 180)).to.equal(1);
      expect(decayFactor(180 * DAY, 180)).to.be.closeTo(0.5, 1e-12);
      expect(decayFactor(360 * DAY, 180)).to.be.closeTo(0.25, 1e-12);
      // A minor sanction (−10, half-life 365 days): 75 → 80 − 5 = 75 after a year, 77.5 → 78 after two.
      expect(computeCredit([ev('sanction_minor', 0)], NOW).score).to.equal(70);
      expect(factorOf(computeCredit([ev('sanction_minor', 365)], NOW), 'sanction_minor').contribution).to.equal(-5);
      expect(computeCredit([ev('sanction_minor', 365)], NOW).score).to.equal(75);
      expect(computeCredit([ev('sanction_minor', 730)], NOW).score).to.equal(78);
    });

    it('the same inputs recover towards neutral as time passes, never past it', () => {
      const inputs = [ev('disposal_overdue', 0, 'a'), ev('receipt_overdue', 0, 'b'), ev('sanction_major', 0, 'c')];
      let prev = -1;
      for (const days of [0, 30, 90, 180, 365, 730, 1460, 3650, 7300]) {
        const s = computeCredit(inputs, new Date(NOW.getTime() + days * DAY)).score;
        expect(s, `after ${days} days`).to.be.at.least(prev);
        expect(s).to.be.at.most(NEUTRAL_SCORE);
        prev = s;
      }
      expect(prev).to.equal(NEUTRAL_SCORE);
    });

    it('events in the future (relative to now) do not count yet', () => {
      const r = computeCredit([{ kind: 'sanction_major', occurredAt: new Date(NOW.getTime() + DAY) }], NOW);
      expect(r.score).to.equal(80);
      expect(factorOf(r, 'sanction_major').events).to.equal(0);
    });
  });

  describe('a serious sanction in force forces black', () => {
    it('whatever the score: many completed trades do not lift it', () => {
      const inputs = [ev('sanction_serious', 10), ...Array.from({ length: 60 }, (_, i) => ev('trade_completed', 1, `t${i}`))];
      const r = computeCredit(inputs, NOW);
      expect(r.score).to.be.at.least(40); // the score alone would not be black
      expect(r).to.include({ level: 'black', levelReason: 'serious_sanction' });
      expect(r.seriousSanctionUntil?.toISOString()).to.equal(
        new Date(ago(10).getTime() + SERIOUS_SANCTION_IN_FORCE_DAYS * DAY).toISOString(),
      );
    });

    it(`ends ${SERIOUS_SANCTION_IN_FORCE_DAYS} days after the decision; the score then decides`, () => {
      const inputs = [ev('sanction_serious', SERIOUS_SANCTION_IN_FORCE_DAYS - 1)];
      expect(computeCredit(inputs, NOW).level).to.equal('black');
      const after = computeCredit([ev('sanction_serious', SERIOUS_SANCTION_IN_FORCE_DAYS)], NOW);
      expect(after.levelReason).to.equal('score');
      expect(after.seriousSanctionUntil).to.equal(null);
      expect(after.level).to.equal(levelForScore(after.score));
    });

    it('minor and major sanctions do not force black', () => {
      expect(computeCredit([ev('sanction_minor')], NOW).levelReason).to.equal('score');
      expect(computeCredit([ev('sanction_major')], NOW)).to.include({ level: 'red', levelReason: 'score', score: 55 });
    });
  });

  it('unknown input kinds are ignored', () => {
    expect(computeCredit([ev('something_new'), ev('late_pickup')], NOW).score).to.equal(78);
  });

  describe('properties', () => {
    const kinds = fc.constantFrom(...CREDIT_EVENT_KINDS);
    const input = fc.record({
      kind: kinds,
      daysAgo: fc.double({ min: 0, max: 4000, noNaN: true }),
      subjectId: fc.string({ maxLength: 8 }),
    });
    const inputs = fc
      .array(input, { maxLength: 40 })
      .map((xs) => xs.map((x) => ({ kind: x.kind, occurredAt: ago(x.daysAgo), subjectId: x.subjectId })));

    it('the same inputs give the same score, in any order', () => {
      fc.assert(
        fc.property(inputs, fc.integer(), (xs, salt) => {
          const shuffled = [...xs]
            .sort((a, b) => ((a.subjectId.length * 31 + salt) % 7) - ((b.subjectId.length * 31 + salt) % 7))
            .reverse();
          const a = computeCredit(xs, NOW);
          const b = computeCredit(shuffled, NOW);
          const c = computeCredit(
            xs.map((x) => ({ ...x, occurredAt: new Date(x.occurredAt) })),
            new Date(NOW),
          );
          expect(b).to.deep.equal(a);
          expect(c).to.deep.equal(a);
        }),
        fcParams,
      );
    });

    it('scores are integers in 0–100 and the level follows the score unless a serious sanction is in force', () => {
      fc.assert(
        fc.property(inputs, (xs) => {
          const r = computeCredit(xs, NOW);
          expect(Number.isInteger(r.score)).to.equal(true);
          expect(r.score).to.be.within(0, 100);
          const inForce = xs.some(
            (x) => x.kind === 'sanction_serious' && NOW.getTime() - x.occurredAt.getTime() < SERIOUS_SANCTION_IN_FORCE_DAYS * DAY,
          );
          expect(r.level).to.equal(inForce ? 'black' : levelForScore(r.score));
        }),
        fcParams,
      );
    });

    it('one more negative event never raises the score; one more completed trade never lowers it', () => {
      const negative = fc.constantFrom(...CREDIT_EVENT_KINDS.filter((k) => FACTORS[k].weight < 0));
      fc.assert(
        fc.property(inputs, negative, fc.double({ min: 0, max: 4000, noNaN: true }), (xs, kind, daysAgo) => {
          const base = computeCredit(xs, NOW).score;
          expect(computeCredit([...xs, { kind, occurredAt: ago(daysAgo), subjectId: 'x' }], NOW).score).to.be.at.most(base);
          expect(
            computeCredit([...xs, { kind: 'trade_completed', occurredAt: ago(daysAgo), subjectId: 'y' }], NOW).score,
          ).to.be.at.least(base);
        }),
        fcParams,
      );
    });
  });
});
