/** Use cases: the `credit.recompute` job (one org's score) and the nightly pass that schedules them. */
import { advisoryXactLock, inTransaction } from '../../db/tx.js';
import { enqueue, markDone } from '../../jobs/outbox.js';
import { shanghaiDate } from '../../../../shared/src/calendar.js';
import { getOrgRow } from '../orgs/index.js';
import { computeCredit, levelForScore, NEUTRAL_SCORE, SCORING_MODEL } from './model.js';
import { recordCreditEvent } from './events.js';
import * as repo from './repo.js';
import { type CreditDeps, type CreditKit } from './kit.js';

export function createRecompute(deps: CreditDeps, kit: CreditKit) {
  const { db, clock, logger } = deps;
  const { publishChange, scheduleNightly } = kit;
  const useCases = {
    // ── Jobs ───────────────────────────────────────────────────────────────────────────────

    /**
     * Job `credit.recompute`: scores the org from all its inputs at clock.now(). Stores a history row
     * when the inputs or the result changed, and a feed entry (with deliveries) when the score or
     * level changed. Exactly once per outbox row (markDone in the same transaction); running it
     * again with nothing new stores nothing.
     */
    async recompute(orgId: string, outboxId?: number): Promise<{ stored: boolean; changed: boolean }> {
      return inTransaction(db, async (tx) => {
        if (outboxId !== undefined && !(await markDone(tx, outboxId))) return { stored: false, changed: false };
        await advisoryXactLock(tx, 'credit', orgId);
        if (!(await getOrgRow(tx, orgId))) return { stored: false, changed: false };
        const events = await repo.eventsOf(tx, orgId);
        const latest = await repo.latestScore(tx, orgId);
        const now = clock.now();
        const r = computeCredit(
          events.map((e) => ({ kind: e.kind, occurredAt: e.occurredAt, subjectId: `${e.subjectType}:${e.subjectId}` })),
          now,
        );
        const lastEventId = events.length ? events[events.length - 1]!.id : null;
        const previousScore = latest?.score ?? NEUTRAL_SCORE;
        const previousLevel = latest?.level ?? levelForScore(NEUTRAL_SCORE);
        const inputsChanged = (latest?.lastEventId ?? null) !== lastEventId || (latest?.inputCount ?? 0) !== events.length;
        const changed = r.score !== previousScore || r.level !== previousLevel;
        const modelChanged = !!latest && latest.scoringModel !== SCORING_MODEL;
        if (!inputsChanged && !changed && !modelChanged) return { stored: false, changed: false };

        const score = await repo.insertScore(tx, {
          orgId,
          seq: (latest?.seq ?? 0) + 1,
          score: r.score,
          level: r.level,
          levelReason: r.levelReason,
          previousScore,
          previousLevel,
          scoringModel: r.scoringModel,
          factors: r.factors,
          inputs: events.map((e) => ({
            id: e.id,
            kind: e.kind,
            subjectType: e.subjectType,
            subjectId: e.subjectId,
            occurredAt: e.occurredAt.toISOString(),
          })),
          inputCount: events.length,
          lastEventId,
          trigger: inputsChanged ? 'event' : 'decay',
          computedAt: now,
        });
        if (changed) {
          const feed = await publishChange(tx, score);
          logger.info(
            { orgId, score: r.score, level: r.level, previousScore, previousLevel, eventId: feed.eventId },
            'credit changed',
          );
        }
        return { stored: true, changed };
      });
    },

    /**
     * Job `credit.nightly`: records licences that lapsed (an input like any other), enqueues a
     * recompute of every org with credit (time decay), and schedules the next run. Exactly once.
     */
    async runNightly(outboxId?: number): Promise<{ orgs: number; lapsed: number }> {
      return inTransaction(db, async (tx) => {
        if (outboxId !== undefined && !(await markDone(tx, outboxId))) return { orgs: 0, lapsed: 0 };
        const now = clock.now();
        const lapsed = await repo.lapsedLicences(tx, shanghaiDate(now));
        for (const l of lapsed)
          await recordCreditEvent(tx, {
            orgId: l.orgId,
            kind: 'licence_expired',
            subjectType: 'licence',
            subjectId: l.id,
            occurredAt: now,
            details: { number: l.number, kind: l.kind, validTo: l.validTo },
          });
        const orgIds = await repo.orgsWithCredit(tx);
        for (const orgId of orgIds) await enqueue(tx, 'credit.recompute', { orgId });
        if (outboxId !== undefined) await scheduleNightly(tx, outboxId);
        logger.info({ orgs: orgIds.length, lapsed: lapsed.length }, 'credit nightly pass');
        return { orgs: orgIds.length, lapsed: lapsed.length };
      });
    },

    /** At start-up: make sure a nightly pass is scheduled (one between all processes). */
    async ensureNightlyScheduled(): Promise<void> {
      await inTransaction(db, (tx) => scheduleNightly(tx, null));
    },
  };

  return useCases;
}
