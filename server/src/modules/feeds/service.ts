/**
 * The topic feeds (issue 14 item 2, ADR 0020): one mechanism, topics `credit`, `trades`,
 * `manifests`, `licences`, `alerts`, read by machine clients with `feeds:read:<topic>`.
 *
 *   written   feed_events rows, in the transaction of the change (server/src/realtime/topics.ts,
 *             called from publishEvent and notifyOrg), without a position;
 *   sequenced by sequence(): one sequencer at a time (it holds the feed_sequencer row) gives the
 *             committed rows without a position the next positions and their subject's next seq.
 *             A row that commits late gets a later position, so positions appear in order and a
 *             reader that saw position N has seen every row up to N (no gaps behind a cursor);
 *   read      GET /feeds/:topic?after=&limit= pages by position. `credit` reads the credit feed
 *             (credit_feed, through a port) under the same envelope.
 */
import { sql } from 'drizzle-orm';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import type { TCreditFeedPage, TCreditFeedQuery } from '../../../../shared/src/schemas/credit.js';
import type { TFeedEvent, TFeedPage, TFeedQuery, TFeedTopic } from '../../../../shared/src/schemas/clients.js';
import type { Db, DbOrTx } from '../../db/client.js';
import type { AppContext } from '../../context.js';
import { createFeedWebhooks, fanOutDeliveries } from './webhooks.js';
import type { ClientActor } from '../../http/actor.js';
import { inTransaction, rows } from '../../db/tx.js';

export interface FeedsPorts {
  /** credit's getFeed: the credit feed, which keeps its own table and paths. */
  creditFeed(q: TCreditFeedQuery): Promise<TCreditFeedPage>;
}

interface FeedRow {
  event_id: string;
  topic: TFeedTopic;
  type: string;
  schema_version: number;
  subject_type: string;
  subject_id: string;
  seq: number;
  position: string | number;
  occurred_at: Date | string;
  data: Record<string, unknown>;
}

const SEQUENCE_BATCH = 500;

function toFeedEvent(r: FeedRow): TFeedEvent {
  return {
    eventId: r.event_id,
    topic: r.topic,
    type: r.type,
    schemaVersion: 1,
    position: String(r.position),
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    seq: Number(r.seq),
    occurredAt: new Date(r.occurred_at).toISOString(),
    data: r.data as TFeedEvent['data'],
  };
}

/**
 * Gives committed, unsequenced feed rows their positions; returns how many it sequenced. With
 * `deliveries`, each sequenced event's webhook deliveries are written in the same transaction.
 */
export async function sequenceFeed(
  db: Db,
  deliveries?: (tx: DbOrTx, events: { id: number; topic: string }[]) => Promise<unknown>,
): Promise<number> {
  let total = 0;
  // Most reads find nothing new: no lock then, so readers do not queue behind each other.
  const waiting = await rows(db, sql`select 1 from feed_events where position is null limit 1`);
  if (waiting.length === 0) return 0;
  for (;;) {
    const n = await inTransaction(db, async (tx) => {
      // The lock: one sequencer at a time, and its positions commit in the order it gives them.
      const [lock] = await rows<{ position: string | number }>(
        tx,
        sql`select position from feed_sequencer where name = 'feeds' for update`,
      );
      let position = Number(lock!.position);
      const pending = await rows<{ id: string | number; topic: string; subject_id: string }>(
        tx,
        sql`select id, topic, subject_id from feed_events where position is null order by id limit ${SEQUENCE_BATCH}`,
      );
      for (const p of pending) {
        position += 1;
        await tx.execute(
          sql`update feed_events set position = ${position},
                seq = (select coalesce(max(seq), 0) + 1 from feed_events where topic = ${p.topic} and subject_id = ${p.subject_id})
              where id = ${p.id}`,
        );
      }
      if (pending.length) await tx.execute(sql`update feed_sequencer set position = ${position} where name = 'feeds'`);
      if (pending.length && deliveries)
        await deliveries(
          tx,
          pending.map((p) => ({ id: Number(p.id), topic: p.topic })),
        );
      return pending.length;
    });
    total += n;
    if (n < SEQUENCE_BATCH) return total;
  }
}

export type FeedsService = ReturnType<typeof createFeedsService>;

export function createFeedsService(ctx: Pick<AppContext, 'db' | 'ids' | 'clock' | 'logger' | 'config'>, ports: FeedsPorts) {
  const fanOut = (tx: DbOrTx, events: { id: number; topic: string }[]) =>
    fanOutDeliveries(tx, ctx.ids, ctx.config.CREDIT_WEBHOOK_MAX_ATTEMPTS, events);
  const sequence = () => sequenceFeed(ctx.db, fanOut);
  return {
    ...createFeedWebhooks(ctx),
    /** Job `feeds.sequence` (and every read): positions for committed events, with their deliveries. */
    sequence,

    /** GET /feeds/:topic: the topic's events after the cursor, for a client with feeds:read:<topic>. */
    async readTopic(actor: ClientActor, topic: TFeedTopic, q: TFeedQuery): Promise<TFeedPage> {
      const scope = `feeds:read:${topic}`;
      if (!actor.scopes.includes(scope))
        throw new AppError(ErrorCodes.INSUFFICIENT_SCOPE, `reading the ${topic} feed needs the scope ${scope}`, { scope });
      if (topic === 'credit') {
        const page = await ports.creditFeed({ after: q.after, limit: q.limit });
        return {
          items: page.items.map((e) => ({
            eventId: e.eventId,
            topic: 'credit',
            type: e.type,
            schemaVersion: 1,
            position: e.position,
            subjectType: 'org',
            subjectId: e.orgId,
            seq: e.seq,
            occurredAt: e.computedAt,
            data: e,
          })),
          after: page.after,
          hasMore: page.hasMore,
        };
      }
      const after = q.after ? Number(q.after) : 0;
      if (!Number.isSafeInteger(after))
        throw new AppError(ErrorCodes.VALIDATION_FAILED, 'invalid after', {
          fields: [{ path: 'after', message: 'the after value of a previous page' }],
        });
      // Rows committed since the last pass get their positions first, so a reader is never behind the writers.
      await sequence();
      const found = await rows<FeedRow>(
        ctx.db,
        sql`select event_id, topic, type, schema_version, subject_type, subject_id, seq, position, occurred_at, data
            from feed_events where topic = ${topic} and position is not null and position > ${after}
            order by position limit ${q.limit + 1}`,
      );
      const page = found.slice(0, q.limit);
      return {
        items: page.map(toFeedEvent),
        after: page.at(-1) ? String(page.at(-1)!.position) : String(after),
        hasMore: found.length > q.limit,
      };
    },
  };
}
