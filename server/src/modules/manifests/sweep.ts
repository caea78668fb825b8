/** Use case: the deadline sweep (the `manifests.sweep` job) and its schedule. */
import { afterOnDbClock, ensureScheduled, finishRun } from '../../jobs/periodic.js';
import { sweepDeadlines, type SweepResult } from './deadlines.js';
import { type ManifestsDeps, type ManifestKit } from './kit.js';

export function createManifestSweep(deps: ManifestsDeps, kit: ManifestKit) {
  const { db, ids, clock, logger, config } = deps;
  const { transitStuckMs, announce, creditInput } = kit;
  const service = {
    /** One pass of the deadline sweep (the job, and tests with a moved clock). */
    sweepDeadlines(now: Date = clock.now()): Promise<SweepResult> {
      return sweepDeadlines({ db, ids, clock, logger, transitStuckMs, announce, creditInput }, now);
    },

    /** The `manifests.sweep` job: one pass, then the next pass scheduled MANIFEST_SWEEP_SECONDS later. */
    async runSweepJob(outboxId: number): Promise<void> {
      await service.sweepDeadlines();
      await finishRun(db, 'manifests.sweep', outboxId, nextRun);
    },

    /** At start-up: make sure one sweep pass is scheduled. */
    async ensureSweepScheduled(): Promise<void> {
      await ensureScheduled(db, 'manifests.sweep', nextRun);
    },
  };

  const nextRun = afterOnDbClock(config.MANIFEST_SWEEP_SECONDS * 1000);
  return service;
}
