/**
 * One attempt of one webhook delivery, for the credit feed's webhooks (`credit.deliver`) and the topic
 * feeds' (`feeds.deliver`, modules/feeds/webhooks.ts), which differ only in their tables and in what
 * their alert says: a DeliveryStore reaches those.
 *
 * The send happens outside any transaction; its outcome, the outbox row and the next attempt (or the
 * dead letter and its `delivery_dead` alert) commit together. A crash between send and commit sends
 * again later: deliveries are at-least-once.
 */
import type { Logger } from 'pino';
import type { Clock, Ids } from '../../clock.js';
import type { Db, DbOrTx } from '../../db/client.js';
import { dbNow, inTransaction } from '../../db/tx.js';
import type { JobName } from '../../jobs/definitions.js';
import { enqueue, markDone } from '../../jobs/outbox.js';
import { raiseAlert } from '../alerts/index.js';
import { backoffMs } from './kit.js';
import { sendWebhook, type SendOptions } from './webhooks.js';

export type DeliveryOutcome = 'delivered' | 'retry' | 'dead' | 'skipped';

/** What the runner reads of a delivery row. */
export interface DeliveryState {
  status: 'pending' | 'delivered' | 'dead' | 'cancelled';
  attempts: number;
  maxAttempts: number;
}

/** What the runner reads of a subscription row. */
export interface WebhookSubscription {
  id: string;
  url: string;
  secret: string;
  deletedAt: Date | null;
}

/** What an attempt writes into the delivery row. */
export interface DeliveryUpdate {
  status?: 'delivered' | 'dead' | 'cancelled';
  attempts?: number;
  lastStatusCode?: number | null;
  lastError?: string | null;
  nextAttemptAt?: Date | null;
  deliveredAt?: Date;
}

export interface DeadLetter {
  deliveryId: string;
  subscriptionId: string;
  eventId: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  /** The body that was sent, parsed. */
  body: Record<string, unknown>;
}

/** How the last attempt of a dead delivery ended. */
export interface DeadFacts {
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
}

/** One kind of webhook delivery: its tables, its job and its words. */
export interface DeliveryStore<D extends DeliveryState, S extends WebhookSubscription, E extends { eventId: string }> {
  /** The job that makes the next attempt. */
  job: Extract<JobName, 'credit.deliver' | 'feeds.deliver'>;
  /** Names the deliveries in log lines (`<logName> webhook delivered`). */
  logName: string;
  /** The alert's subject type; its subject id is the delivery's. */
  alertSubjectType: string;
  /**
   * Whether an attempt for a deleted subscription marks the delivery cancelled. The topic feeds cancel
   * pending deliveries when unsubscribing, so their attempt only lets the job go.
   */
  cancelWhenUnsubscribed: boolean;
  findDelivery(dbx: DbOrTx, id: string, forUpdate?: boolean): Promise<D | null>;
  findSubscription(dbx: DbOrTx, d: D): Promise<S | null>;
  findEvent(dbx: DbOrTx, d: D): Promise<E | null>;
  /** The exact bytes sent and signed. */
  body(e: E): string;
  updateDelivery(dbx: DbOrTx, id: string, set: DeliveryUpdate): Promise<void>;
  insertDeadLetter(dbx: DbOrTx, row: DeadLetter): Promise<void>;
  /** The feed the alert names the event's webhook after ('credit', or a topic). */
  alertFeed(e: E): string;
  alertDetails(sub: S, e: E, dead: DeadFacts): Record<string, unknown>;
}

export interface DeliveryRunnerDeps {
  db: Db;
  ids: Ids;
  clock: Clock;
  logger: Logger;
  /** The first retry's delay; each later one doubles it (backoffMs). */
  backoffBaseMs: number;
  sendOptions: SendOptions;
}

/** The handler of a delivery job: one attempt of the delivery, the outbox row marked done with its outcome. */
export function createDeliveryRunner<D extends DeliveryState, S extends WebhookSubscription, E extends { eventId: string }>(
  deps: DeliveryRunnerDeps,
  store: DeliveryStore<D, S, E>,
) {
  const { db, ids, clock, logger } = deps;
  return async function deliver(deliveryId: string, outboxId?: number): Promise<DeliveryOutcome> {
    const d = await store.findDelivery(db, deliveryId);
    const sub = d ? await store.findSubscription(db, d) : null;
    const event = d ? await store.findEvent(db, d) : null;
    const letGo = async () => {
      if (outboxId !== undefined) await inTransaction(db, (tx) => markDone(tx, outboxId));
      return 'skipped' as const;
    };
    if (!d || !sub || !event || d.status !== 'pending') return letGo();
    if (sub.deletedAt) {
      if (!store.cancelWhenUnsubscribed) return letGo();
      await inTransaction(db, async (tx) => {
        if (outboxId !== undefined && !(await markDone(tx, outboxId))) return;
        await store.updateDelivery(tx, deliveryId, { status: 'cancelled', nextAttemptAt: null });
      });
      return 'skipped';
    }

    const body = store.body(event);
    const attempt = d.attempts + 1;
    const result = await sendWebhook(
      { url: sub.url, secret: sub.secret, body, eventId: event.eventId, attempt, t: Math.floor(clock.now().getTime() / 1000) },
      deps.sendOptions,
    );
    const log = logger.child({ deliveryId, eventId: event.eventId, subscriptionId: sub.id, attempt });
    const what = `${store.logName} webhook`;

    return inTransaction(db, async (tx) => {
      if (outboxId !== undefined && !(await markDone(tx, outboxId))) return 'skipped' as const;
      const cur = await store.findDelivery(tx, deliveryId, true);
      if (!cur || cur.status !== 'pending') return 'skipped' as const;
      const attempts = cur.attempts + 1;
      const base = { attempts, lastStatusCode: result.statusCode, lastError: result.error?.slice(0, 1000) ?? null };
      if (result.ok) {
        await store.updateDelivery(tx, deliveryId, {
          ...base,
          status: 'delivered',
          deliveredAt: clock.now(),
          nextAttemptAt: null,
        });
        log.info({ statusCode: result.statusCode }, `${what} delivered`);
        return 'delivered' as const;
      }
      if (attempts >= cur.maxAttempts) {
        await store.updateDelivery(tx, deliveryId, { ...base, status: 'dead', nextAttemptAt: null });
        await store.insertDeadLetter(tx, {
          deliveryId,
          subscriptionId: sub.id,
          eventId: event.eventId,
          ...base,
          body: JSON.parse(body) as Record<string, unknown>,
        });
        await raiseAlert(tx, ids, {
          kind: 'delivery_dead',
          district: null,
          subjectType: store.alertSubjectType,
          subjectId: deliveryId,
          message: `${store.alertFeed(event)} webhook event ${event.eventId} to ${new URL(sub.url).host} failed ${attempts} times and was moved to the dead-letter table (${base.lastError ?? 'no answer'})`,
          details: store.alertDetails(sub, event, base),
        });
        log.warn({ error: result.error }, `${what} dead after its last attempt`);
        return 'dead' as const;
      }
      // The database clock decides when the retry is due (the relay compares with it).
      const next = new Date((await dbNow(tx)).getTime() + backoffMs(deps.backoffBaseMs, attempts));
      await store.updateDelivery(tx, deliveryId, { ...base, nextAttemptAt: next });
      await enqueue(tx, store.job, { deliveryId }, { availableAt: next });
      log.info({ error: result.error, next: next.toISOString() }, `${what} failed; will retry`);
      return 'retry' as const;
    });
  };
}
