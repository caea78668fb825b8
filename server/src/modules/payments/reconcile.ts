/** Use case: the `payments.reconcile` job reads Stripe's state of open payments and applies it. */
import { inTransaction } from '../../db/tx.js';
import { ensureScheduled, finishRun } from '../../jobs/periodic.js';
import * as repo from './repo.js';
import { type PaymentsDeps, type PaymentsKit } from './kit.js';

export function createReconcile(deps: PaymentsDeps, kit: PaymentsKit) {
  const { db, clock, logger, config } = deps;
  const { stripeImpl, applyProviderState } = kit;
  const service = {
    /**
     * One reconciler pass: every open Stripe payment is read back and applied (a missed or lost
     * webhook is repaired here), a payment whose create call never answered is replayed with its
     * stored key, and open refunds are read back.
     */
    async reconcileStripe(): Promise<{ checked: number; changed: number; failed: number }> {
      if (!stripeImpl) return { checked: 0, changed: 0, failed: 0 };
      let checked = 0;
      let changed = 0;
      let failed = 0;
      for (const p of await repo.openPayments(db, 'stripe', 200)) {
        checked++;
        try {
          const state = await stripeImpl.read(p);
          if (!state) continue;
          const outcome = await inTransaction(db, (tx) => applyProviderState(tx, p, state));
          if (outcome !== 'unchanged' && outcome !== 'already') changed++;
        } catch (err) {
          failed++;
          logger.warn({ err, tradeId: p.tradeId, paymentId: p.id }, 'reconciler could not read a Stripe payment');
        }
      }
      for (const r of await repo.openRefunds(db, 'stripe', 200)) {
        try {
          const outcome = await stripeImpl.readRefund(r);
          if (outcome && outcome.status !== 'pending') {
            await repo.recordRefundResult(db, r.id, outcome);
            changed++;
          }
        } catch (err) {
          failed++;
          logger.warn({ err, tradeId: r.tradeId }, 'reconciler could not read a Stripe refund');
        }
      }
      if (changed || failed) logger.info({ checked, changed, failed }, 'stripe reconciler pass');
      return { checked, changed, failed };
    },

    /**
     * The `payments.reconcile` job: a pass, then the next pass scheduled in the same transaction that
     * marks this one done, so exactly one future pass is pending whatever crashes where.
     */
    async runReconcileJob(outboxId: number): Promise<void> {
      await service.reconcileStripe();
      await finishRun(db, 'payments.reconcile', outboxId, nextPass);
    },

    /** At start-up: make sure a reconciler pass is scheduled when Stripe is configured. */
    async ensureReconcilerScheduled(): Promise<void> {
      if (!stripeImpl) return;
      await ensureScheduled(db, 'payments.reconcile', nextPass);
    },
  };

  // Processes starting at once schedule one pass between them (jobs/periodic.ts).
  const nextPass = () => new Date(clock.now().getTime() + config.STRIPE_RECONCILE_SECONDS * 1000);
  return service;
}
