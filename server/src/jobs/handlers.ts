import type { AppContext } from '../context.js';
import type { JobHandlers } from './definitions.js';
import { handedOn, liveFrame } from '../realtime/live.js';

/**
 * One handler per job name; the mapped type makes a missing handler a compile error and
 * createJobSystem checks again at start-up.
 */
export function createJobHandlers(ctx: AppContext): JobHandlers {
  return {
    'auction.close': async (p, meta) => {
      await ctx.bids.closeAuction(p.listingId, meta.outboxId);
    },
    'listing.expire': async (p) => {
      await ctx.listings.expireListing(p.listingId);
    },
    'settlement.settle': async (p, meta) => {
      await ctx.settlement.runSettlement(p.tradeId, meta.outboxId);
    },
    'prices.refreshBand': async (p) => {
      await ctx.prices.refreshBand(p.materialCode);
    },
    'prices.refreshStale': async (_p, meta) => {
      await ctx.prices.runDailyRefresh(meta.outboxId);
    },
    'payments.reconcile': async (_p, meta) => {
      await ctx.payments.runReconcileJob(meta.outboxId);
    },
    'manifests.sweep': async (_p, meta) => {
      await ctx.manifests.runSweepJob(meta.outboxId);
      // Fallback requests share the deadline sweep (issue 18): overdue answers raise an alert once.
      await ctx.fallback.sweepOverdue();
    },
    'credit.recompute': async (p, meta) => {
      await ctx.credit.recompute(p.orgId, meta.outboxId);
    },
    'credit.nightly': async (_p, meta) => {
      await ctx.credit.runNightly(meta.outboxId);
    },
    'feeds.sequence': async () => {
      await ctx.feeds.sequence();
    },
    'feeds.deliver': async (p, meta) => {
      await ctx.feeds.deliver(p.deliveryId, meta.outboxId);
    },
    'credit.deliver': async (p, meta) => {
      await ctx.credit.deliver(p.deliveryId, meta.outboxId);
    },
    'notifications.fanout': async (p, meta) => {
      await ctx.notifications.fanout(p, meta);
    },
    'watches.match': async (p, meta) => {
      await ctx.watches.matchWatches(p, meta);
    },
    'notifications.sweep': async (_p, meta) => {
      await ctx.notifications.runSweepJob(meta.outboxId);
    },
    'realtime.publish': async (p) => {
      // The row stays pending until the event is handed on: a publish that fails (Redis down) throws,
      // the job retries and the sweeper re-sends it, so events announced during a Redis outage arrive
      // after it (at least once; clients dedupe on room + seq). A process without a live feed (scripts,
      // a worker not yet attached) has no broadcaster and nobody to tell.
      // The API process's relay publishes these itself (realtime/live.ts); this path serves the rows
      // a worker's relay took.
      const receivers = await ctx.broadcaster?.emit(p.room, p.type, liveFrame(p));
      // No adapter subscribed: the API processes' Redis connections are still coming back (or none
      // runs). Retried while the event is recent; after that a client reconnecting refetches anyway.
      if (!handedOn(receivers ?? undefined, p.at, ctx.clock.now()))
        throw new Error('no API process is subscribed to the live feed yet; the event is sent again');
    },
  };
}
