import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { one } from '../db/tx.js';
import { enqueue } from '../jobs/outbox.js';
import type { JobPayloads } from '../jobs/definitions.js';
import type { RealtimeEventData, RealtimeEventName } from '../../../shared/src/realtime.js';
import { feedEventOf, licenceFeedEvent, recordFeedEvent } from './topics.js';

/**
 * Announces a live event to rooms. The per-room seq is allocated here, in the caller's transaction,
 * so it is gap-free per room and agrees across processes (DESIGN §8); delivery happens after commit
 * through the outbox.
 */
export async function publishEvent<E extends RealtimeEventName>(
  tx: DbOrTx,
  rooms: readonly string[],
  type: E,
  /** The fields clients rely on (shared/src/realtime.ts), plus any a publisher adds. */
  data: RealtimeEventData[E] & Record<string, unknown>,
  at: Date = new Date(),
): Promise<void> {
  // The topic feeds (issue 14): the same change, once per happening whatever the rooms (ADR 0020).
  const feedEvent = feedEventOf(type, data, at);
  if (feedEvent) await recordFeedEvent(tx, feedEvent);
  // The rows come room by room, rooms sorted, so two transactions touching the same rooms lock their
  // seq rows in the same order; each room's seq is taken at its first row.
  const seqs = new Map<string, number>();
  for (const row of outboxRowsOfEvent(rooms, type, data, at)) {
    let seq = seqs.get(row.room);
    if (seq === undefined) {
      const r = await one<{ seq: string | number }>(
        tx,
        sql`insert into room_seq(room, seq) values (${row.room}, 1)
            on conflict (room) do update set seq = room_seq.seq + 1
            returning seq`,
      );
      seq = Number(r!.seq);
      seqs.set(row.room, seq);
    }
    if (row.topic === 'realtime.publish') {
      const { room, ...event } = row.payload;
      await enqueue(tx, 'realtime.publish', { room, seq, ...event });
      // A new listing may match someone's watch (watches module); announced once, with the public room.
      if (type === 'listing.created' && room === 'public:listings') await enqueueListingWatch(tx, data);
    } else {
      // Keyed by (room, seq) so the same announcement never makes two notifications
      // (server/src/modules/notifications, ADR 0017).
      const { at: when, ...n } = row.payload;
      await enqueue(tx, 'notifications.fanout', { ...n, key: `${row.room}#${seq}${row.keySuffix}`, at: when });
    }
  }
}

/** An outbox row of a live event, all but its room's seq (and, for a notification, the key made from it). */
export type EventOutboxRow =
  | { topic: 'realtime.publish'; room: string; payload: Omit<JobPayloads['realtime.publish'], 'seq'> }
  | { topic: 'notifications.fanout'; room: string; keySuffix: string; payload: Omit<JobPayloads['notifications.fanout'], 'key'> };

/**
 * The outbox rows of a live event, in the order they are written: publishEvent writes them one by
 * one, and a caller that writes them in one statement (place_resting_bid, migration 0018, ADR 0024)
 * passes them on. Either way the room's seq goes into each event and `<room>#<seq><keySuffix>` into
 * each notification's key.
 */
export function outboxRowsOfEvent<E extends RealtimeEventName>(
  rooms: readonly string[],
  type: E,
  data: RealtimeEventData[E] & Record<string, unknown>,
  at: Date,
): EventOutboxRow[] {
  const out: EventOutboxRow[] = [];
  for (const room of [...new Set(rooms)].sort()) {
    out.push({ topic: 'realtime.publish', room, payload: { room, type, at: at.toISOString(), data } });
    // The org's users get a notification for the events that concern them.
    const orgId = room.startsWith('org:') ? room.slice(4) : null;
    if (orgId)
      for (const n of notificationsOf(orgId, type, data))
        out.push({
          topic: 'notifications.fanout',
          room,
          keySuffix: n.kind === 'payment_due' ? ':due' : '',
          payload: { ...n, orgId, at: at.toISOString() },
        });
  }
  return out;
}

/** The `watches.match` job for a new listing, from the listing the event carries. */
async function enqueueListingWatch(tx: DbOrTx, data: Record<string, unknown>): Promise<void> {
  const l = data.listing as
    | {
        id: string;
        orgId: string;
        side: string;
        materialCode: string;
        district: string;
        pricePerTonneFen: number;
        quantityKg: number;
      }
    | undefined;
  if (!l) return;
  await enqueue(tx, 'watches.match', {
    key: `listing:${l.id}`,
    subjectType: 'listing',
    subjectId: l.id,
    materialCode: l.materialCode,
    district: l.district,
    pricePerTonneFen: l.pricePerTonneFen,
    quantityKg: l.quantityKg,
    what: l.side === 'demand' ? 'demand_listing' : 'supply_listing',
    fromOrgId: l.orgId,
  });
}

type Announcement = Omit<JobPayloads['notifications.fanout'], 'orgId' | 'key' | 'at'>;

/**
 * Tells an org's users something that is not a live event of its own (outbid, a licence decision, a
 * sanction), in the caller's transaction; `key` names the happening so announcing it twice is harmless.
 */
export async function notifyOrg(tx: DbOrTx, orgId: string, key: string, n: Announcement, at: Date = new Date()): Promise<void> {
  const feedEvent = n.kind === 'licence_decision' ? licenceFeedEvent(key, n.data, orgId, at) : null;
  if (feedEvent) await recordFeedEvent(tx, feedEvent);
  await enqueue(tx, 'notifications.fanout', { ...n, orgId, key, at: at.toISOString() });
}

/** Which notifications a live event to `org:<orgId>` makes for that org's users (none for most). */
export function notificationsOf(orgId: string, type: RealtimeEventName, data: Record<string, unknown>): Announcement[] {
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  switch (type) {
    case 'bid.placed':
      return [
        {
          kind: 'bid_received',
          subjectType: 'listing',
          subjectId: String(data.listingId),
          data: { listingId: data.listingId, bidCount: data.bidCount },
        },
      ];
    case 'trade.created': {
      const trade = (data.trade ?? {}) as Record<string, unknown>;
      const facts = {
        tradeId: data.tradeId,
        status: data.status,
        materialCode: str(trade.materialCode),
        quantityKg: trade.quantityKg ?? null,
      };
      const out: Announcement[] = [{ kind: 'trade_created', subjectType: 'trade', subjectId: String(data.tradeId), data: facts }];
      if (data.status === 'awaiting_payment' && trade.payerOrgId === orgId)
        out.push({
          kind: 'payment_due',
          subjectType: 'trade',
          subjectId: String(data.tradeId),
          data: { ...facts, amountFen: trade.amountFen ?? null },
        });
      return out;
    }
    case 'trade.updated':
      return [
        {
          kind: data.status === 'funded' ? 'payment_received' : 'trade_updated',
          subjectType: 'trade',
          subjectId: String(data.tradeId),
          data: { tradeId: data.tradeId, status: data.status },
        },
      ];
    case 'manifest.updated':
      // A party is not told of the step it took itself (the issuer of a manifest, the carrier that loaded).
      if (data.byOrgId === orgId) return [];
      return [
        {
          kind: 'manifest_step',
          subjectType: 'manifest',
          subjectId: String(data.manifestId),
          data: {
            manifestId: data.manifestId,
            tradeId: data.tradeId,
            status: data.status,
            number: str(data.number),
            event: str(data.event),
          },
        },
      ];
    case 'credit.changed':
      // Score moves are frequent; a change of level is news.
      if (!data.previousLevel || data.previousLevel === data.level) return [];
      return [
        {
          kind: 'credit_level',
          subjectType: 'org',
          subjectId: orgId,
          data: { level: data.level, previousLevel: data.previousLevel, score: data.score },
        },
      ];
    default:
      return [];
  }
}

/** The regulator rooms that see events about the given districts (DESIGN §8). */
export function regulatorRooms(...districts: (string | null | undefined)[]): string[] {
  return ['regulator:city', ...districts.filter((d): d is string => !!d).map((d) => `regulator:${d}`)];
}
