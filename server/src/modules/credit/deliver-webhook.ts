/** Use case: the `credit.webhook` job delivers one feed entry to one subscription, with retries. */
import { dbNow, inTransaction } from '../../db/tx.js';
import { enqueue, markDone } from '../../jobs/outbox.js';
import { raiseAlert } from '../alerts/index.js';
import { deliveryBody } from './feed.js';
import { sendWebhook } from './webhooks.js';
import * as repo from './repo.js';
import { type CreditDeps, backoffMs, type CreditKit } from './kit.js';

export function createWebhookDelivery(deps: CreditDeps, kit: CreditKit) {
  const { db, ids, clock, logger, config } = deps;
  const { urlPolicy } = kit;
  const useCases = {
    /**
     * Job `credit.deliver`: one attempt of one delivery. The send happens outside any transaction;
     * its outcome, the outbox row and the next attempt (or the dead letter) commit together.
     * A crash between send and commit sends again later: deliveries are at-least-once.
     */
    async deliver(deliveryId: string, outboxId?: number): Promise<'delivered' | 'retry' | 'dead' | 'skipped'> {
      const d = await repo.findDelivery(db, deliveryId);
      const sub = d ? await repo.findSubscription(db, d.subscriptionId) : null;
      const feed = d ? await repo.feedById(db, d.feedId) : null;
      const finishWith = async (result: 'skipped') => {
        if (outboxId !== undefined) await inTransaction(db, (tx) => markDone(tx, outboxId));
        return result;
      };
      if (!d || !sub || !feed || d.status !== 'pending') return finishWith('skipped');
      if (sub.deletedAt) {
        await inTransaction(db, async (tx) => {
          if (outboxId !== undefined && !(await markDone(tx, outboxId))) return;
          await repo.updateDelivery(tx, d.id, { status: 'cancelled', nextAttemptAt: null });
        });
        return 'skipped';
      }

      const body = deliveryBody(feed);
      const attempt = d.attempts + 1;
      const result = await sendWebhook(
        { url: sub.url, secret: sub.secret, body, eventId: feed.eventId, attempt, t: Math.floor(clock.now().getTime() / 1000) },
        { ...urlPolicy, ...(deps.webhookTimeoutMs ? { timeoutMs: deps.webhookTimeoutMs } : {}) },
      );
      const log = logger.child({ deliveryId, eventId: feed.eventId, subscriptionId: sub.id, attempt });

      return inTransaction(db, async (tx) => {
        if (outboxId !== undefined && !(await markDone(tx, outboxId))) return 'skipped' as const;
        const cur = await repo.findDelivery(tx, deliveryId, true);
        if (!cur || cur.status !== 'pending') return 'skipped' as const;
        const attempts = cur.attempts + 1;
        const base = { attempts, lastStatusCode: result.statusCode, lastError: result.error?.slice(0, 1000) ?? null };
        if (result.ok) {
          await repo.updateDelivery(tx, deliveryId, {
            ...base,
            status: 'delivered',
            deliveredAt: clock.now(),
            nextAttemptAt: null,
          });
          log.info({ statusCode: result.statusCode }, 'credit webhook delivered');
          return 'delivered' as const;
        }
        if (attempts >= cur.maxAttempts) {
          await repo.updateDelivery(tx, deliveryId, { ...base, status: 'dead', nextAttemptAt: null });
          await repo.insertDeadLetter(tx, {
            deliveryId,
            subscriptionId: sub.id,
            eventId: feed.eventId,
            attempts,
            lastStatusCode: result.statusCode,
            lastError: base.lastError,
            body: JSON.parse(body) as Record<string, unknown>,
          });
          await raiseAlert(tx, ids, {
            kind: 'delivery_dead',
            district: null,
            subjectType: 'credit_delivery',
            subjectId: deliveryId,
            message: `credit webhook event ${feed.eventId} to ${new URL(sub.url).host} failed ${attempts} times and was moved to the dead-letter table (${base.lastError ?? 'no answer'})`,
            details: {
              subscriptionId: sub.id,
              agencyOrgId: sub.orgId,
              eventId: feed.eventId,
              attempts,
              lastStatusCode: result.statusCode,
              lastError: base.lastError,
            },
          });
          log.warn({ error: result.error }, 'credit webhook dead after its last attempt');
          return 'dead' as const;
        }
        // The database clock decides when the retry is due (the relay compares with it).
        const next = new Date((await dbNow(tx)).getTime() + backoffMs(config.CREDIT_WEBHOOK_BACKOFF_MS, attempts));
        await repo.updateDelivery(tx, deliveryId, { ...base, nextAttemptAt: next });
        await enqueue(tx, 'credit.deliver', { deliveryId }, { availableAt: next });
        log.info({ error: result.error, next: next.toISOString() }, 'credit webhook failed; will retry');
        return 'retry' as const;
      });
    },
  };

  return useCases;
}
