import type { TNotificationKind, TNotificationSubject } from '../../../shared/src/schemas/notifications.js';

/**
 * Every job the system runs, with its payload type. Work that must happen after a commit is written
 * to the outbox with one of these names in the same transaction (server/src/jobs/outbox.ts); the relay
 * hands it to the job runner; server/src/jobs/handlers.ts must have a handler for each name (checked at
 * compile time by the mapped type there and again at start-up).
 */
export interface JobPayloads {
  /** Broadcast a realtime event to one room; seq was allocated with the outbox row. */
  'realtime.publish': { room: string; seq: number; type: string; at: string; data: Record<string, unknown> };
  /** Close a sealed-bid auction at its closesAt (bids module; decided once on the database clock). */
  'auction.close': { listingId: string };
  /** End a fixed-price listing whose pickup window has passed (listings module). */
  'listing.expire': { listingId: string };
  /** Settle a delivered trade: one ledger transfer, the remainder refunded; exactly once (settlement module). */
  'settlement.settle': { tradeId: string };
  /** Recompute a material's band from settled trades; enqueued with each settled trade (prices module). */
  'prices.refreshBand': { materialCode: string };
  /** Daily: recompute bands from trades not recomputed for a day; schedules the next pass (prices module). */
  'prices.refreshStale': Record<string, never>;
  /** One pass of the Stripe reconciler; it schedules the next pass when it finishes (payments module). */
  'payments.reconcile': Record<string, never>;
  /** One pass of the manifest deadline sweep (overdue receipt and disposal, stuck trips); it schedules the next pass (manifests module). */
  'manifests.sweep': Record<string, never>;
  /** Recompute one org's credit score from its inputs; written with each credit input (credit module). */
  'credit.recompute': { orgId: string };
  /** Nightly credit pass: licence lapses, decay recompute of every org; schedules the next night (credit module). */
  'credit.nightly': Record<string, never>;
  /** One attempt of one credit webhook delivery; a failure re-enqueues it with backoff (credit module). */
  'credit.deliver': { deliveryId: string };
  /** Write one notification per user of an org for something that concerns it; exactly once per (user, key) (notifications module). */
  'notifications.fanout': {
    orgId: string;
    kind: TNotificationKind;
    /** Unique per announcement: `org:<id>#<seq>` for a live event, else chosen by the announcer. */
    key: string;
    subjectType: TNotificationSubject;
    subjectId: string;
    data: Record<string, unknown>;
    at: string;
    /** Only this user of the org (a watch's owner); omitted: every user of the org. */
    userId?: string;
  };
  /**
   * Something new on a material (a listing, a market order, a print): notify each user whose watch it
   * matches, once per (watch, key) (watches module).
   */
  'watches.match': {
    /** Names the happening: `listing:<id>`, `order:<id>`, `print:<id>`. */
    key: string;
    subjectType: 'listing' | 'market';
    subjectId: string;
    materialCode: string;
    district: string | null;
    pricePerTonneFen: number;
    quantityKg: number;
    what: 'supply_listing' | 'demand_listing' | 'buy_order' | 'sell_order' | 'print';
    /** The org that made it: its own watches are not told. */
    fromOrgId: string | null;
  };
  /** Give committed topic-feed events their positions and write their webhook deliveries (feeds module, ADR 0020). */
  'feeds.sequence': Record<string, never>;
  /** One attempt of one topic webhook delivery; a failure re-enqueues it with backoff (feeds module). */
  'feeds.deliver': { deliveryId: string };
  /** One pass of the deadline reminder sweep; it schedules the next pass (notifications module). */
  'notifications.sweep': Record<string, never>;
}

export type JobName = keyof JobPayloads;

export interface JobMeta {
  /** The outbox row id: stable across redeliveries, the key for database guards. */
  outboxId: number;
  attempt: number;
}

export type JobHandler<N extends JobName> = (payload: JobPayloads[N], meta: JobMeta) => Promise<void>;
export type JobHandlers = { [N in JobName]: JobHandler<N> };
