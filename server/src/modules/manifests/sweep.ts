/** Use case: the deadline sweep (the `manifests.sweep` job) and its schedule. */
import type { Tx } from '../../db/client.js';
import { dbNow, inTransaction } from '../../db/tx.js';
import { markDone } from '../../jobs/outbox.js';
import { scheduleNextSweep, sweepDeadlines, type SweepResult } from './deadlines.js';
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
      await inTransaction(db, async (tx) => {
        await markDone(tx, outboxId);
        await scheduleSweep(tx, outboxId);
      });
    },

    /** At start-up: make sure one sweep pass is scheduled. */
    async ensureSweepScheduled(): Promise<void> {
      await inTransaction(db, (tx) => scheduleSweep(tx, null));
    },
  };

  // On the database clock: a test's moved clock must not make the next pass due at once, forever.
  async function scheduleSweep(tx: Tx, currentOutboxId: number | null): Promise<void> {
    await scheduleNextSweep(tx, currentOutboxId, new Date((await dbNow(tx)).getTime() + config.MANIFEST_SWEEP_SECONDS * 1000));
  }
  return service;
}
