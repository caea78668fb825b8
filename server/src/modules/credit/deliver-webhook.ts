/** Use case: the `credit.deliver` job delivers one feed entry to one subscription, with retries (delivery-runner.ts). */
import { createDeliveryRunner } from './delivery-runner.js';
import { deliveryBody } from './feed.js';
import * as repo from './repo.js';
import type { CreditDeps, CreditKit } from './kit.js';

export function createWebhookDelivery(deps: CreditDeps, kit: CreditKit) {
  const deliver = createDeliveryRunner(
    {
      ...deps,
      backoffBaseMs: deps.config.CREDIT_WEBHOOK_BACKOFF_MS,
      sendOptions: { ...kit.urlPolicy, ...(deps.webhookTimeoutMs ? { timeoutMs: deps.webhookTimeoutMs } : {}) },
    },
    {
      job: 'credit.deliver',
      logName: 'credit',
      alertSubjectType: 'credit_delivery',
      // Deleting a subscription leaves its deliveries pending (subscriptions.ts): each is cancelled here.
      cancelWhenUnsubscribed: true,
      findDelivery: repo.findDelivery,
      findSubscription: (dbx, d) => repo.findSubscription(dbx, d.subscriptionId),
      findEvent: (dbx, d) => repo.feedById(dbx, d.feedId),
      body: deliveryBody,
      updateDelivery: repo.updateDelivery,
      insertDeadLetter: repo.insertDeadLetter,
      alertFeed: () => 'credit',
      alertDetails: (sub, e, dead) => ({ subscriptionId: sub.id, agencyOrgId: sub.orgId, eventId: e.eventId, ...dead }),
    },
  );
  return { deliver };
}
