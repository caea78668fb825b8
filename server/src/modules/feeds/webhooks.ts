/**
 * Webhook subscriptions per topic (issue 14 item 2, ADR 0020), for machine clients with the topic's
 * read scope. They work as the credit webhooks do (docs/credit-model.md) and reuse their machinery
 * (the credit module's delivery runner): the URL is checked before it is stored and again at each
 * send (SSRF guard), every body is signed (X-Signature), a failed send is retried with backoff by
 * re-enqueuing `feeds.deliver`, and after the last attempt the delivery moves to feed_dead_letters
 * with a `delivery_dead` alert.
 *
 * A delivery is written when the sequencer gives an event its position (sequencer.ts), so a
 * webhook carries exactly what GET /feeds/:topic lists, with the same eventId and position.
 */
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import type { TFeedSubscription, TCreateFeedSubscriptionRequest, TFeedTopic } from '../../../../shared/src/schemas/clients.js';
import type { Clock, Ids } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Db, DbOrTx } from '../../db/client.js';
import { feedDeadLetters, feedDeliveries, feedEvents, feedSubscriptions } from '../../db/schema.js';
import { inTransaction, rows } from '../../db/tx.js';
import type { ClientActor } from '../../http/actor.js';
import { enqueue } from '../../jobs/outbox.js';
import { createDeliveryRunner, UnsafeUrlError, validateWebhookUrl } from '../credit/index.js';
import type { Logger } from 'pino';

const MAX_SUBSCRIPTIONS_PER_CLIENT = 10;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type SubscriptionRow = typeof feedSubscriptions.$inferSelect;

export interface FeedWebhookDeps {
  db: Db;
  ids: Ids;
  clock: Clock;
  logger: Logger;
  config: Pick<Config, 'WEBHOOK_ALLOW_LOOPBACK' | 'CREDIT_WEBHOOK_BACKOFF_MS' | 'CREDIT_WEBHOOK_MAX_ATTEMPTS'>;
}

function toSubscription(r: SubscriptionRow): TFeedSubscription {
  return {
    id: r.id,
    topic: r.topic as TFeedSubscription['topic'],
    url: r.url,
    status: r.deletedAt ? 'deleted' : 'active',
    createdAt: r.createdAt.toISOString(),
    deletedAt: r.deletedAt?.toISOString() ?? null,
  };
}

/** The body a delivery sends (and signs): the event as GET /feeds/:topic lists it. */
export function deliveryBody(e: typeof feedEvents.$inferSelect): string {
  return JSON.stringify({
    eventId: e.eventId,
    topic: e.topic,
    type: e.type,
    schemaVersion: e.schemaVersion,
    position: String(e.position),
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    seq: e.seq,
    occurredAt: e.occurredAt.toISOString(),
    data: e.data,
  });
}

/** Whether a topic has an active subscription (then its events need a sequencer pass after commit). */
export async function topicHasSubscribers(tx: DbOrTx, topic: string): Promise<boolean> {
  const r = await rows(tx, sql`select 1 from feed_subscriptions where topic = ${topic} and deleted_at is null limit 1`);
  return r.length > 0;
}

/** In the sequencer's transaction: one delivery and one `feeds.deliver` job per active subscription of the event's topic. */
export async function fanOutDeliveries(
  tx: DbOrTx,
  ids: Ids,
  maxAttempts: number,
  events: readonly { id: number; topic: string }[],
): Promise<number> {
  let n = 0;
  for (const e of events) {
    const subs = await tx
      .select({ id: feedSubscriptions.id })
      .from(feedSubscriptions)
      .where(and(eq(feedSubscriptions.topic, e.topic), isNull(feedSubscriptions.deletedAt)));
    for (const s of subs) {
      const id = ids.uuid();
      const inserted = await tx
        .insert(feedDeliveries)
        .values({ id, subscriptionId: s.id, feedEventId: e.id, maxAttempts })
        .onConflictDoNothing()
        .returning({ id: feedDeliveries.id });
      if (inserted.length) {
        await enqueue(tx, 'feeds.deliver', { deliveryId: id });
        n += 1;
      }
    }
  }
  return n;
}

export function createFeedWebhooks(deps: FeedWebhookDeps) {
  const { db, ids, clock, logger, config } = deps;
  const urlPolicy = { allowLoopback: config.WEBHOOK_ALLOW_LOOPBACK };
  const deliver = createDeliveryRunner(
    { db, ids, clock, logger, backoffBaseMs: config.CREDIT_WEBHOOK_BACKOFF_MS, sendOptions: urlPolicy },
    {
      job: 'feeds.deliver',
      logName: 'feed',
      alertSubjectType: 'feed_delivery',
      cancelWhenUnsubscribed: false,
      async findDelivery(dbx, id, forUpdate = false) {
        const q = dbx.select().from(feedDeliveries).where(eq(feedDeliveries.id, id));
        const [d] = forUpdate ? await q.for('update') : await q;
        return d ?? null;
      },
      async findSubscription(dbx, d) {
        const [s] = await dbx.select().from(feedSubscriptions).where(eq(feedSubscriptions.id, d.subscriptionId));
        return s ?? null;
      },
      async findEvent(dbx, d) {
        const [e] = await dbx.select().from(feedEvents).where(eq(feedEvents.id, d.feedEventId));
        return e ?? null;
      },
      body: deliveryBody,
      async updateDelivery(dbx, id, set) {
        await dbx.update(feedDeliveries).set(set).where(eq(feedDeliveries.id, id));
      },
      async insertDeadLetter(dbx, row) {
        await dbx.insert(feedDeadLetters).values(row);
      },
      alertFeed: (e) => e.topic,
      alertDetails: (sub, e, dead) => ({
        subscriptionId: sub.id,
        clientId: sub.clientId,
        eventId: e.eventId,
        attempts: dead.attempts,
      }),
    },
  );

  async function ownSubscription(client: ClientActor, topic: TFeedTopic, id: string): Promise<SubscriptionRow> {
    const [s] = UUID_RE.test(id) ? await db.select().from(feedSubscriptions).where(eq(feedSubscriptions.id, id)) : [];
    // Another client's subscription, or one of another topic, does not exist for this caller.
    if (!s || s.clientId !== client.clientId || s.topic !== topic)
      throw new AppError(ErrorCodes.NOT_FOUND, 'no such subscription');
    return s;
  }

  function assertTopic(client: ClientActor, topic: TFeedTopic): asserts topic is Exclude<TFeedTopic, 'credit'> {
    const scope = `feeds:read:${topic}`;
    if (!client.scopes.includes(scope))
      throw new AppError(ErrorCodes.INSUFFICIENT_SCOPE, `subscribing to the ${topic} feed needs the scope ${scope}`, { scope });
    if (topic === 'credit')
      throw new AppError(
        ErrorCodes.VALIDATION_FAILED,
        'the credit topic is pulled here; its webhooks are the credit feed’s own',
        {
          fields: [{ path: 'topic', message: 'webhooks are for trades, manifests, licences and alerts' }],
        },
      );
  }

  return {
    /** POST /feeds/:topic/subscriptions: the URL is checked before anything is stored. */
    async subscribe(client: ClientActor, topic: TFeedTopic, body: TCreateFeedSubscriptionRequest): Promise<TFeedSubscription> {
      assertTopic(client, topic);
      try {
        await validateWebhookUrl(body.url, urlPolicy);
      } catch (err) {
        if (err instanceof UnsafeUrlError)
          throw new AppError(ErrorCodes.VALIDATION_FAILED, `invalid request: url`, {
            fields: [{ path: 'url', message: err.message }],
          });
        throw err;
      }
      return inTransaction(db, async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext('feed-subscriptions'), hashtext(${client.clientId}))`);
        const active = await rows(
          tx,
          sql`select 1 from feed_subscriptions where client_id = ${client.clientId} and deleted_at is null`,
        );
        if (active.length >= MAX_SUBSCRIPTIONS_PER_CLIENT)
          throw new AppError(
            ErrorCodes.CONFLICT,
            `at most ${MAX_SUBSCRIPTIONS_PER_CLIENT} active subscriptions per client; delete one first`,
          );
        const [s] = await tx
          .insert(feedSubscriptions)
          .values({
            id: ids.uuid(),
            clientId: client.clientId,
            topic,
            url: body.url,
            secret: body.secret,
            createdAt: clock.now(),
          })
          .returning();
        return toSubscription(s!);
      });
    },

    /** GET /feeds/:topic/subscriptions: the client's own, newest first. */
    async listSubscriptions(client: ClientActor, topic: TFeedTopic): Promise<{ items: TFeedSubscription[] }> {
      assertTopic(client, topic);
      const list = await db
        .select()
        .from(feedSubscriptions)
        .where(and(eq(feedSubscriptions.clientId, client.clientId), eq(feedSubscriptions.topic, topic)))
        .orderBy(asc(feedSubscriptions.createdAt));
      return { items: list.reverse().map(toSubscription) };
    },

    /** DELETE /feeds/:topic/subscriptions/:id: stops it; deliveries not made yet are cancelled. */
    async unsubscribe(client: ClientActor, topic: TFeedTopic, id: string): Promise<TFeedSubscription> {
      assertTopic(client, topic);
      const s = await ownSubscription(client, topic, id);
      if (s.deletedAt) return toSubscription(s);
      return inTransaction(db, async (tx) => {
        const [r] = await tx
          .update(feedSubscriptions)
          .set({ deletedAt: clock.now() })
          .where(eq(feedSubscriptions.id, id))
          .returning();
        await tx
          .update(feedDeliveries)
          .set({ status: 'cancelled', nextAttemptAt: null })
          .where(and(eq(feedDeliveries.subscriptionId, id), eq(feedDeliveries.status, 'pending')));
        return toSubscription(r!);
      });
    },

    /** Job `feeds.deliver`: one attempt of one delivery (delivery-runner.ts in the credit module). At least once. */
    deliver,
  };
}
