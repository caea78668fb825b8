import type { AppContext } from '../context.js';
import type { JobHandlers } from './definitions.js';

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
    'payments.reconcile': async (_p, meta) => {
      await ctx.payments.runReconcileJob(meta.outboxId);
    },
    'manifests.sweep': async (_p, meta) => {
      await ctx.manifests.runSweepJob(meta.outboxId);
    },
    'credit.recompute': async (p, meta) => {
      await ctx.credit.recompute(p.orgId, meta.outboxId);
    },
    'credit.nightly': async (_p, meta) => {
      await ctx.credit.runNightly(meta.outboxId);
    },
    'credit.deliver': async (p, meta) => {
      await ctx.credit.deliver(p.deliveryId, meta.outboxId);
    },
    'realtime.publish': async (p) => {
      // Delivery is best effort by design: the database is the record and clients refetch on a seq gap.
      ctx.broadcaster?.emit(p.room, p.type, { room: p.room, seq: p.seq, at: p.at, type: p.type, ...p.data });
    },
  };
}
