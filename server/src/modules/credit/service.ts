/**
 * Credit (DESIGN §5 step 8, §6.7, §7; RELIABILITY J3, M4; docs/credit-model.md).
 *
 *   inputs    credit_events, one row per org × kind × subject, recorded by the module where each
 *             thing happens (recordCreditEvent, events.ts) in the same transaction; a trigger writes
 *             the `credit.recompute` outbox job with it.
 *   recompute the job: the org's inputs → the pure model (model.ts) → a new row in the append-only
 *             history (credit_scores) when the inputs or the result changed; when the score or level
 *             changed, also a feed row (credit_feed) and one delivery + `credit.deliver` job per active
 *             subscription, and `credit.changed` to the org's room — one transaction.
 *   decay     the `credit.nightly` job (02:00 Asia/Shanghai; it schedules its next run when it
 *             finishes) records licence lapses and enqueues a recompute of every org with credit.
 *   webhooks  `credit.deliver` sends one delivery (delivery-runner.ts, shared with the topic feeds);
 *             failures are retried by re-enqueuing the job with availableAt = now + base × 2^(attempt − 1)
 *             (CREDIT_WEBHOOK_BACKOFF_MS), the attempt count kept on the delivery; after
 *             CREDIT_WEBHOOK_MAX_ATTEMPTS it moves to credit_dead_letters and raises a `delivery_dead` alert.
 */
import { createCreditKit, type CreditDeps } from './kit.js';
import { createScoreReads } from './read-scores.js';
import { createSanctions } from './create-sanction.js';
import { createSubscriptions } from './subscriptions.js';
import { createRecompute } from './recompute.js';
import { createWebhookDelivery } from './deliver-webhook.js';

export { recordCreditEvent, type CreditEventInput } from './events.js';
export { backoffMs, MAX_SUBSCRIPTIONS_PER_ORG, nextNightlyRun, type CreditDeps } from './kit.js';

export type CreditService = ReturnType<typeof createCreditService>;

/** One file per use case; they share the kit (kit.ts). */
export function createCreditService(deps: CreditDeps) {
  const kit = createCreditKit(deps);
  return {
    ...createScoreReads(deps, kit),
    ...createSanctions(deps),
    ...createSubscriptions(deps, kit),
    ...createRecompute(deps, kit),
    ...createWebhookDelivery(deps, kit),
  };
}
