/**
 * Settlement (DESIGN §5.7 and the status table of §7; RELIABILITY M1). When a trade is delivered,
 * escrow releases on the accepted weight as ONE balanced ledger transfer (`trade:<id>:settle`): the
 * payee's proceeds, the platform fee, the receiving district's eco fund, and the remainder back to
 * the payer — through a Stripe refund with its own stored key when Stripe funded the trade.
 *
 * It runs as the `settlement.settle` job, written to the outbox in the transaction that makes the
 * trade `delivered`, so it is retried until done and takes effect once:
 *
 *   1. plan (transaction): lock the trade, compute the split, store the refund request and its key
 *   2. call the provider with that key                       ← crash points before and after
 *   3. post the transfer, trade → settled, outbox row done (one transaction)   ← crash point after
 *
 * A crash anywhere replays from the stored key: the provider returns the refund it made, the unique
 * operation id and the trade's status let only one transfer through.
 *
 * The manifests module moves trades through `markInTransit`, `markDelivered` and `markDisputed`
 * (exported below) inside its own transactions.
 */
import { recordAudit } from '../../db/audit.js';
import type { Logger } from 'pino';
import type { Clock, Ids } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import { inTransaction } from '../../db/tx.js';
import { eq } from 'drizzle-orm';
import { manifests } from '../../db/schema.js';
import { enqueue, markDone } from '../../jobs/outbox.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import type { TTrade } from '../../../../shared/src/schemas/trades.js';
import type { TCancelTradeRequest, TResolveTradeRequest } from '../../../../shared/src/schemas/payments.js';
import type { UserActor } from '../../http/actor.js';
import { getTradeForUpdate, getTradeRow, toTrade, transitionTrade, type TradeRow } from '../trades/index.js';
import { Accounts, escrowHeldForTrade, postTransfer, transferExists } from '../ledger/index.js';
import {
  countRefundAttempt,
  paymentOfTrade,
  prepareRefund,
  recordRefundOutcome,
  type PaymentsService,
  type RefundRow,
  providerFailure,
} from '../payments/index.js';
import { crashAt, type Crash, type CrashPoint } from './crash.js';
import { settlementEntries, settlementSplit, type SettlementSplit } from './math.js';
import { recordCreditEvent } from '../credit/index.js';

export type SettlementService = ReturnType<typeof createSettlementService>;

export interface SettlementDeps {
  db: Db;
  ids: Ids;
  clock: Clock;
  logger: Logger;
  config: Pick<Config, 'PLATFORM_FEE_BP'> & { CRASH_AT?: CrashPoint };
  payments: Pick<PaymentsService, 'providerFor' | 'stopPayment'>;
  /** Tests replace the SIGKILL; production and the crash tests use the default. */
  crash?: Crash;
}

const settleOperation = (tradeId: string) => `trade:${tradeId}:settle`;

// ── Functions the manifests module calls, in its own transaction ─────────────────────────────

/** The first load of a funded trade: funded → in_transit. Null when the trade was not funded. */
export function markInTransit(tx: DbOrTx, deps: { clock: Clock }, tradeId: string): Promise<TTrade | null> {
  return transitionTrade(tx, deps, tradeId, ['funded'], 'in_transit');
}

/**
 * Every trip received or rejected and shipments complete: funded | in_transit → delivered with the
 * sum of accepted kg (capped at the trade's quantity), and the settlement job written to the outbox
 * in the same transaction. Null when the trade was in another state (nothing is enqueued).
 */
export async function markDelivered(
  tx: DbOrTx,
  deps: { clock: Clock },
  tradeId: string,
  acceptedKg: number,
): Promise<TTrade | null> {
  const trade = await getTradeForUpdate(tx, tradeId);
  if (!trade) return null;
  const moved = await transitionTrade(tx, deps, tradeId, ['funded', 'in_transit'], 'delivered', {
    acceptedKg: capKg(acceptedKg, trade),
  });
  if (moved) await enqueue(tx, 'settlement.settle', { tradeId });
  return moved;
}

/** A weight gap beyond tolerance: funded | in_transit → disputed, keeping the accepted kg so far; an admin resolves it. */
export async function markDisputed(
  tx: DbOrTx,
  deps: { clock: Clock },
  tradeId: string,
  acceptedKg?: number,
): Promise<TTrade | null> {
  const trade = await getTradeForUpdate(tx, tradeId);
  if (!trade) return null;
  return transitionTrade(
    tx,
    deps,
    tradeId,
    ['funded', 'in_transit'],
    'disputed',
    acceptedKg === undefined ? {} : { acceptedKg: capKg(acceptedKg, trade) },
  );
}

/**
 * An admin's resolution of a disputed trade (the trade-level route, or the manifests module once
 * every disputed trip has its `resolve` event): disputed → delivered on `acceptedKg` (capped at the
 * quantity) with the settlement job enqueued in the caller's transaction, audited, and the lost
 * dispute counted against the side the admin decided against. The trade must be locked and disputed.
 */
export async function settleDispute(
  tx: DbOrTx,
  deps: { clock: Clock },
  actor: UserActor,
  trade: TradeRow,
  requestedKg: number,
  note: string,
  details: Record<string, unknown> = {},
): Promise<TTrade> {
  const acceptedKg = capKg(requestedKg, trade);
  const moved = await transitionTrade(tx, deps, trade.id, ['disputed'], 'delivered', { acceptedKg });
  if (!moved)
    throw new AppError(ErrorCodes.INVALID_STATE, `the trade is ${trade.status}; only a disputed trade is resolved`, {
      status: trade.status,
      allowed: ['disputed'],
    });
  await enqueue(tx, 'settlement.settle', { tradeId: trade.id });
  await audit(tx, actor, 'trade.resolved', trade.id, {
    acceptedKg,
    requestedKg,
    previousAcceptedKg: trade.acceptedKg,
    note,
    ...details,
  });
  // Credit: the dispute is lost by the shipper (generator) when the admin settles at or below what the
  // receiver accepted, by the receiver when above it.
  const loser = acceptedKg > trade.acceptedKg ? trade.receiverOrgId : trade.generatorOrgId;
  await recordCreditEvent(tx, {
    orgId: loser,
    kind: 'weight_dispute_lost',
    subjectType: 'trade',
    subjectId: trade.id,
    occurredAt: deps.clock.now(),
    details: { acceptedKg, receiverAcceptedKg: trade.acceptedKg },
  });
  return moved;
}

function capKg(kg: number, trade: Pick<TradeRow, 'quantityKg'>): number {
  if (!Number.isSafeInteger(kg) || kg < 0) throw new Error(`accepted kg ${kg} is not a non-negative integer`);
  return Math.min(kg, trade.quantityKg);
}

async function audit(
  tx: DbOrTx,
  actor: UserActor,
  action: string,
  tradeId: string,
  details: Record<string, unknown>,
): Promise<void> {
  await recordAudit(tx, actor, { action, subjectType: 'trade', subjectId: tradeId, details });
}

function isParty(actor: UserActor, t: Pick<TradeRow, 'generatorOrgId' | 'receiverOrgId'>): boolean {
  return !!actor.orgId && (actor.orgId === t.generatorOrgId || actor.orgId === t.receiverOrgId);
}

interface Plan {
  trade: TradeRow;
  split: SettlementSplit;
  entries: { accountId: string; amountFen: number }[];
  refund: RefundRow | null;
  provider: string | null;
}

export function createSettlementService(deps: SettlementDeps) {
  const { db, ids, clock, logger, config } = deps;
  const crash = deps.crash ?? crashAt(config.CRASH_AT);
  // The eco rate is the trade's own, stored when it was created (ecofees module): a later change of
  // the rate table never reaches a trade already made.
  const ratesOf = (trade: Pick<TradeRow, 'ecoFenPerTonne'>) => ({
    platformFeeBp: config.PLATFORM_FEE_BP,
    ecoFeeFenPerTonne: trade.ecoFenPerTonne,
  });

  /** Phase 1: in the caller's transaction, with the trade locked. Null: nothing (more) to do. */
  async function plan(tx: Tx, trade: TradeRow): Promise<Plan | null> {
    const held = await escrowHeldForTrade(tx, trade.id);
    // A delivered trade settles; a cancelled one only returns money that arrived after it was cancelled.
    if (trade.status !== 'delivered' && !(trade.status === 'cancelled' && held > 0)) return null;
    const accepted = trade.status === 'delivered' ? trade.acceptedKg : 0;
    const rates = ratesOf(trade);
    if (!trade.payerOrgId || !trade.payeeOrgId) {
      // Price 0: no payment and no escrow; the generator still owes the eco fee on what was accepted.
      const split = settlementSplit(
        {
          pricePerTonneFen: 0,
          quantityKg: trade.quantityKg,
          ecoCompensationFen: trade.ecoCompensationFen,
          generatorIsPayer: false,
        },
        rates,
        accepted,
        0,
      );
      const entries = [
        { accountId: Accounts.payable(trade.generatorOrgId), amountFen: -split.ecoFen },
        { accountId: Accounts.fund(trade.destinationDistrict), amountFen: split.ecoFen },
      ];
      return { trade, split, entries, refund: null, provider: null };
    }
    const payment = await paymentOfTrade(tx, trade.id);
    const generatorIsPayer = trade.payerOrgId === trade.generatorOrgId;
    const split = settlementSplit(
      {
        pricePerTonneFen: trade.pricePerTonneFen,
        quantityKg: trade.quantityKg,
        ecoCompensationFen: trade.ecoCompensationFen,
        generatorIsPayer,
      },
      rates,
      accepted,
      held,
    );
    const provider = payment ? deps.payments.providerFor(payment.provider) : null;
    let refund: RefundRow | null = null;
    if (split.refundFen > 0 && payment && provider?.refundsThroughProvider) {
      refund = await prepareRefund(tx, ids, { payment, amountFen: split.refundFen });
      if (refund.amountFen !== split.refundFen)
        throw new Error(
          `trade ${trade.id}: stored refund of ${refund.amountFen} fen differs from the settlement's ${split.refundFen} fen`,
        );
    }
    const entries = settlementEntries(split, {
      payerEscrow: Accounts.escrow(trade.payerOrgId),
      payeePayable: Accounts.payable(trade.payeeOrgId),
      platformFees: Accounts.platformFees,
      fund: Accounts.fund(trade.destinationDistrict),
      // Nothing was paid in (the amount rounded to 0): anything owed back is owed, not refunded.
      refundTo: provider ? provider.refundAccount(trade.payerOrgId) : Accounts.payable(trade.payerOrgId),
    });
    return { trade, split, entries, refund, provider: payment?.provider ?? null };
  }

  const service = {
    /**
     * The `settlement.settle` job (and the direct entry point in tests). Safe to run any number of
     * times, concurrently or after a crash at any point: it settles a delivered trade once.
     */
    async runSettlement(tradeId: string, outboxId?: number): Promise<'settled' | 'returned' | 'nothing'> {
      const log = logger.child({ tradeId, outboxId });
      const planned = await inTransaction(db, async (tx) => {
        const trade = await getTradeForUpdate(tx, tradeId);
        const p =
          trade && !(await transferExists(tx, settleOperation(tradeId))) && trade.status !== 'settled'
            ? await plan(tx, trade)
            : null;
        if (!p && outboxId !== undefined) await markDone(tx, outboxId);
        return p;
      });
      if (!planned) return 'nothing';

      crash('before_refund_call');
      let outcome: { providerRef: string | null; status: RefundRow['status'] } | null = null;
      const refund = planned.refund;
      if (refund && refund.status === 'pending') {
        await countRefundAttempt(db, refund.id);
        log.info({ idempotencyKey: refund.idempotencyKey, amountFen: refund.amountFen }, 'refunding the remainder');
        try {
          outcome = await deps.payments.providerFor(refund.provider).refund(refund);
        } catch (err) {
          throw providerFailure(err);
        }
        if (outcome.status === 'failed' || outcome.status === 'canceled')
          log.error({ refund: outcome }, 'the provider refused the refund; the remainder is owed to the payer');
      }
      crash('after_refund_call_before_commit');

      const result = await inTransaction(db, async (tx) => {
        const trade = (await getTradeForUpdate(tx, tradeId))!;
        if (outcome && refund) await recordRefundOutcome(tx, refund.id, outcome);
        if (trade.status === 'settled' || (await transferExists(tx, settleOperation(tradeId)))) {
          if (outboxId !== undefined) await markDone(tx, outboxId);
          return 'nothing' as const;
        }
        const s = planned.split;
        await postTransfer(tx, ids, {
          operationId: settleOperation(tradeId),
          kind: 'settle',
          tradeId,
          description:
            trade.status === 'delivered'
              ? `settlement on ${s.acceptedKg} kg accepted of ${trade.quantityKg} kg`
              : 'money that arrived after the trade was cancelled, returned',
          details: {
            acceptedKg: s.acceptedKg,
            amountFen: s.amountFen,
            platformFeeFen: s.platformFeeFen,
            ecoFen: s.ecoFen,
            payeeFen: s.payeeFen,
            refundFen: s.refundFen,
            escrowFen: s.escrowFen,
            provider: planned.provider,
            refundRef: outcome?.providerRef ?? refund?.providerRef ?? null,
            platformFeeBp: config.PLATFORM_FEE_BP,
            ecoFeeFenPerTonne: trade.ecoFenPerTonne,
            ecoRateId: trade.ecoRateId,
          },
          entries: planned.entries,
        });
        let r: 'settled' | 'returned' = 'returned';
        if (trade.status === 'delivered') {
          await transitionTrade(tx, { clock }, tradeId, ['delivered'], 'settled', { settledAt: clock.now() });
          r = 'settled';
          // The material's band from trades is precomputed; refreshed after this commit (DESIGN §6.3).
          await enqueue(tx, 'prices.refreshBand', { materialCode: trade.materialCode });
          // Credit: a completed trade counts for both parties.
          for (const orgId of [trade.generatorOrgId, trade.receiverOrgId])
            await recordCreditEvent(tx, {
              orgId,
              kind: 'trade_completed',
              subjectType: 'trade',
              subjectId: tradeId,
              occurredAt: clock.now(),
              details: { acceptedKg: s.acceptedKg },
            });
        }
        if (outboxId !== undefined) await markDone(tx, outboxId);
        return r;
      });
      if (result !== 'nothing')
        log.info({ split: planned.split }, result === 'settled' ? 'trade settled' : 'late payment returned');
      crash('after_commit_before_ack');
      return result;
    },

    /** POST /trades/:id/cancel: a party, before funding. No ledger: no money moved. */
    async cancelTrade(actor: UserActor, tradeId: string, body: TCancelTradeRequest): Promise<TTrade> {
      const before = await getTradeRow(db, tradeId);
      if (!before || !isParty(actor, before)) throw new AppError(ErrorCodes.NOT_FOUND, 'no such trade');
      if (before.status !== 'awaiting_payment')
        throw new AppError(
          ErrorCodes.INVALID_STATE,
          `the trade is ${before.status}; only a trade awaiting payment can be cancelled`,
          {
            status: before.status,
            allowed: ['awaiting_payment'],
          },
        );
      // A payment under way is stopped first, at the provider; if the money got there first, the trade is funded.
      const stopped = await deps.payments.stopPayment(tradeId);
      if (stopped === 'succeeded')
        throw new AppError(ErrorCodes.INVALID_STATE, 'the payment arrived first; the trade is funded', {
          status: 'funded',
          allowed: ['awaiting_payment'],
        });
      return inTransaction(db, async (tx) => {
        const moved = await transitionTrade(tx, { clock }, tradeId, ['awaiting_payment'], 'cancelled');
        if (!moved) {
          const now = (await getTradeRow(tx, tradeId))!;
          throw new AppError(ErrorCodes.INVALID_STATE, `the trade is ${now.status}`, {
            status: now.status,
            allowed: ['awaiting_payment'],
          });
        }
        await audit(tx, actor, 'trade.cancelled', tradeId, { reason: body.reason ?? null, payment: stopped });
        // Credit: the cancelling party's input.
        await recordCreditEvent(tx, {
          orgId: actor.orgId!,
          kind: 'trade_cancelled',
          subjectType: 'trade',
          subjectId: tradeId,
          occurredAt: clock.now(),
          details: { reason: body.reason ?? null },
        });
        return moved;
      });
    },

    /**
     * POST /trades/:id/resolve (admin, audited): settles a disputed trade on the weight the admin
     * decides. The trade becomes delivered with that weight and the settlement job takes it on.
     */
    async resolveTrade(actor: UserActor, tradeId: string, body: TResolveTradeRequest): Promise<TTrade> {
      if (!actor.roles.includes('admin')) throw new AppError(ErrorCodes.FORBIDDEN_ROLE, 'admins only');
      return inTransaction(db, async (tx) => {
        const trade = await getTradeForUpdate(tx, tradeId);
        if (!trade) throw new AppError(ErrorCodes.NOT_FOUND, 'no such trade');
        if (trade.status !== 'disputed')
          throw new AppError(ErrorCodes.INVALID_STATE, `the trade is ${trade.status}; only a disputed trade is resolved`, {
            status: trade.status,
            allowed: ['disputed'],
          });
        // A trade with trips is resolved trip by trip (POST /manifests/:id/resolve), so its accepted
        // total is always the sum over the manifests' chains; a trade-level figure would disagree.
        const trips = await tx.select({ id: manifests.id }).from(manifests).where(eq(manifests.tradeId, tradeId));
        if (trips.length > 0)
          throw new AppError(
            ErrorCodes.INVALID_STATE,
            'this trade has trips: resolve each disputed trip (POST /manifests/:id/resolve); the trade follows',
            {
              status: trade.status,
              allowed: trips.map((t) => `POST /manifests/${t.id}/resolve`),
            },
          );
        return settleDispute(tx, { clock }, actor, trade, body.acceptedKg, body.note);
      });
    },

    /**
     * An admin decision that a funded trade will not ship (both parties agree, or the carrier never
     * came): settled on 0 kg, so the whole escrow goes back to the payer through the settlement job.
     */
    async refundTrade(actor: UserActor, tradeId: string, note: string): Promise<TTrade> {
      if (!actor.roles.includes('admin')) throw new AppError(ErrorCodes.FORBIDDEN_ROLE, 'admins only');
      return inTransaction(db, async (tx) => {
        const trade = await getTradeForUpdate(tx, tradeId);
        if (!trade) throw new AppError(ErrorCodes.NOT_FOUND, 'no such trade');
        const moved = await transitionTrade(tx, { clock }, tradeId, ['funded', 'in_transit'], 'delivered', { acceptedKg: 0 });
        if (!moved)
          throw new AppError(ErrorCodes.INVALID_STATE, `the trade is ${trade.status}; only a funded trade is refunded`, {
            status: trade.status,
            allowed: ['funded', 'in_transit'],
          });
        await enqueue(tx, 'settlement.settle', { tradeId });
        await audit(tx, actor, 'trade.refunded', tradeId, { note });
        return moved;
      });
    },

    /** The trade as its API shape (tests and the manifests module). */
    async tradeView(tradeId: string): Promise<TTrade | null> {
      const row = await getTradeRow(db, tradeId);
      return row ? toTrade(row) : null;
    },
  };
  return service;
}
