import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { rows } from '../db/tx.js';
import { enqueue } from '../jobs/outbox.js';
import type { RealtimeEventName } from '../../../shared/src/realtime.js';

/**
 * The topic feeds (issue 14 item 2, ADR 0020) are written here, next to the live events and the
 * notifications: every change that announces itself (publishEvent, notifyOrg) also becomes a feed
 * event, in the same transaction, so the feed has exactly the committed changes and no module has to
 * know the feeds exist. The row has no position yet; the feeds module's sequencer gives it one after
 * commit (server/src/modules/feeds/sequencer.ts).
 */
export type FeedTopic = 'trades' | 'manifests' | 'licences' | 'alerts';

export interface FeedEventInput {
  topic: FeedTopic;
  type: string;
  subjectType: string;
  subjectId: string;
  /** Names the happening: the same key twice (a replayed step, two rooms) records one event. */
  dedupeKey: string;
  data: Record<string, unknown>;
  occurredAt: Date;
}

/** Records a feed event in the caller's transaction; false when the same happening was recorded before. */
export async function recordFeedEvent(tx: DbOrTx, e: FeedEventInput): Promise<boolean> {
  const inserted = await rows(
    tx,
    sql`insert into feed_events (event_id, topic, type, subject_type, subject_id, dedupe_key, data, occurred_at)
        values (${randomUUID()}, ${e.topic}, ${e.type}, ${e.subjectType}, ${e.subjectId}, ${e.dedupeKey},
                ${JSON.stringify(e.data)}::jsonb, ${e.occurredAt.toISOString()}::timestamptz)
        on conflict (topic, dedupe_key) do nothing
        returning id`,
  );
  if (inserted.length === 0) return false;
  // Webhooks wait for the sequencer; a pass after this commit gives the event its position and deliveries.
  const subscribed = await rows(
    tx,
    sql`select 1 from feed_subscriptions where topic = ${e.topic} and deleted_at is null limit 1`,
  );
  if (subscribed.length > 0) await enqueue(tx, 'feeds.sequence', {});
  return true;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The feed event a live event makes, or null (listings, bids, prices and notifications are not in a feed). */
export function feedEventOf(type: RealtimeEventName, data: Record<string, unknown>, at: Date): FeedEventInput | null {
  switch (type) {
    case 'trade.created':
    case 'trade.updated': {
      const tradeId = str(data.tradeId);
      const status = str(data.status);
      if (!tradeId || !status) return null;
      return {
        topic: 'trades',
        type,
        subjectType: 'trade',
        subjectId: tradeId,
        dedupeKey: `${tradeId}:${status}`,
        data: { tradeId, status },
        occurredAt: at,
      };
    }
    case 'manifest.updated': {
      const manifestId = str(data.manifestId);
      const status = str(data.status);
      if (!manifestId || !status) return null;
      return {
        topic: 'manifests',
        type,
        subjectType: 'manifest',
        subjectId: manifestId,
        // One manifest.updated per step; two announcements of the same step and instant are one event.
        dedupeKey: `${manifestId}:${str(data.event) ?? ''}:${status}:${at.toISOString()}`,
        data: { manifestId, tradeId: str(data.tradeId), status, event: str(data.event) },
        occurredAt: at,
      };
    }
    case 'alert.raised': {
      const alertId = str(data.alertId);
      if (!alertId) return null;
      return {
        topic: 'alerts',
        type,
        subjectType: 'alert',
        subjectId: alertId,
        dedupeKey: alertId,
        data: { alertId, kind: str(data.kind), district: str(data.district) },
        occurredAt: at,
      };
    }
    default:
      return null;
  }
}

/** A licence decision (announced to the holder through notifyOrg) as a `licences` feed event. */
export function licenceFeedEvent(key: string, data: Record<string, unknown>, orgId: string, at: Date): FeedEventInput | null {
  const licenceId = str(data.licenceId);
  if (!licenceId) return null;
  return {
    topic: 'licences',
    type: 'licence.decided',
    subjectType: 'licence',
    subjectId: licenceId,
    dedupeKey: key,
    data: {
      licenceId,
      orgId,
      number: str(data.number),
      decision: str(data.decision),
      status: str(data.status),
      source: str(data.source) ?? 'regulator',
    },
    occurredAt: at,
  };
}
