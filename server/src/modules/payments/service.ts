/**
 * Payments into escrow (DESIGN §5.5, §7): POST /trades/:id/pay through a provider, bank-transfer
 * confirmation by an admin, Stripe webhooks and the reconciler. Funding is one ledger transfer
 * (`trade:<id>:fund`, payer's provider clearing → payer's escrow) and the trade moving to `funded`,
 * in one transaction; whichever path learns of the money first (the pay call, a webhook, the
 * reconciler, an admin) applies it, and every other path finds it applied.
 *
 * Calls to a provider happen outside any transaction, after the request and its idempotency key are
 * committed (RELIABILITY M2): a crash, a lost answer or a retry resends the same key and request.
 */
import type { Logger } from 'pino';
import { sql } from 'drizzle-orm';
import type { Clock, Ids } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import { advisoryXactLock, inTransaction, one } from '../../db/tx.js';
import { enqueue, markDone } from '../../jobs/outbox.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import { cursorInstant, cursorUuid, decodeCursor, encodeCursor, type TPage } from '../../../../shared/src/schemas/common.js';
import {
  STRIPE_MAX_AMOUNT_FEN,
  owedAtFunding,
  type TBankTransfer,
  type TBankTransfersQuery,
  type TConfirmBankTransferRequest,
  type TPayRequest,
  type TPayResponse,
  type TPayment,
  type TPaymentProvider,
  type TTradePayment,
} from '../../../../shared/src/schemas/payments.js';
import type { Actor } from '../auth/tokens.js';
import { canSeeTrade, getTradeForUpdate, getTradeRow, transitionTrade, type TradeRow } from '../trades/service.js';
import { Accounts, postTransfer } from '../ledger/service.js';
import { notThePayer, providerFailure, tradeNotFound, tradeState } from './errors.js';
import {
  IdempotencyKeys,
  bankTransferProvider,
  intentState,
  simulatedProvider,
  stripeProvider,
  type PaymentProvider,
  type ProviderPaymentState,
} from './providers.js';
import { bankReference } from './reference.js';
import { recordCreditEvent } from '../credit/events.js';
import * as repo from './repo.js';
import { STRIPE_WEBHOOK_TOLERANCE_SECONDS, isStripeSignatureError, type StripeClient } from './stripe.js';

export type PaymentRow = repo.PaymentRow;
export type RefundRow = repo.RefundRow;
export type PaymentsService = ReturnType<typeof createPaymentsService>;
export { IdempotencyKeys, type PaymentProvider } from './providers.js';

export interface PaymentsDeps {
  db: Db;
  ids: Ids;
  clock: Clock;
  logger: Logger;
  config: Pick<Config, 'PAYMENT_PROVIDER' | 'STRIPE_WEBHOOK_SECRET' | 'STRIPE_RECONCILE_SECONDS'>;
  /** null unless STRIPE_SECRET_KEY is set. */
  stripe: StripeClient | null;
}

/** The simulated provider's label, wherever its payments show (DESIGN §4: "labelled as a demo"). */
export const SIMULATED_NOTICE = 'Demo payment (simulated provider): no money moved. The embedded deployment funds escrow at once.';

/** Providers a payer may choose in this deployment: its own, and bank transfer for any amount. */
export function enabledProviders(configured: TPaymentProvider): TPaymentProvider[] {
  return configured === 'bank_transfer' ? ['bank_transfer'] : [configured, 'bank_transfer'];
}

export function toPayment(p: PaymentRow, refund: RefundRow | null): TPayment {
  return {
    tradeId: p.tradeId,
    provider: p.provider,
    status: p.status,
    amountFen: p.amountFen,
    currency: 'cny',
    reference: p.reference,
    paymentIntentId: p.provider === 'stripe' ? p.providerRef : null,
    demo: p.provider === 'simulated',
    createdAt: p.createdAt.toISOString(),
    confirmedAt: p.confirmedAt?.toISOString() ?? null,
    refund: refund ? { amountFen: refund.amountFen, status: refund.status } : null,
  };
}

// ── Functions settlement uses (it never reaches this module's repo) ─────────────────────────

export function paymentOfTrade(dbx: DbOrTx, tradeId: string): Promise<PaymentRow | null> {
  return repo.paymentOfTrade(dbx, tradeId);
}

export function refundOfTrade(dbx: DbOrTx, tradeId: string): Promise<RefundRow | null> {
  return repo.refundOfTrade(dbx, tradeId);
}

/**
 * Stores the refund of a trade's remainder through the provider that funded it, with its key and the
 * exact request, before any call; returns the stored one when it exists (a retry after a crash).
 */
export function prepareRefund(tx: DbOrTx, ids: Ids, p: { payment: PaymentRow; amountFen: number }): Promise<RefundRow> {
  const tradeId = p.payment.tradeId;
  return repo.ensureRefund(tx, {
    id: ids.uuid(),
    tradeId,
    paymentId: p.payment.id,
    provider: p.payment.provider,
    amountFen: p.amountFen,
    idempotencyKey: IdempotencyKeys.refund(tradeId),
    request:
      p.payment.provider === 'stripe'
        ? { payment_intent: p.payment.providerRef, amount: p.amountFen, reason: 'requested_by_customer', metadata: { trade_id: tradeId, step: 'settlement' } }
        : { amountFen: p.amountFen },
    status: 'pending',
  });
}

export function countRefundAttempt(dbx: DbOrTx, refundId: string): Promise<void> {
  return repo.countRefundAttempt(dbx, refundId);
}

export function recordRefundOutcome(dbx: DbOrTx, refundId: string, outcome: { providerRef?: string | null; status: RefundRow['status'] }): Promise<void> {
  return repo.recordRefundResult(dbx, refundId, outcome);
}

function isParty(actor: Actor, t: Pick<TradeRow, 'generatorOrgId' | 'receiverOrgId'>): boolean {
  return !!actor.orgId && (actor.orgId === t.generatorOrgId || actor.orgId === t.receiverOrgId);
}

export function createPaymentsService(deps: PaymentsDeps) {
  const { db, ids, clock, logger, config, stripe } = deps;
  const stripeImpl = stripe ? stripeProvider(stripe) : null;

  function providerFor(name: TPaymentProvider): PaymentProvider {
    if (name === 'simulated') return simulatedProvider;
    if (name === 'bank_transfer') return bankTransferProvider;
    if (!stripeImpl) throw new AppError(ErrorCodes.UNAVAILABLE, 'Stripe is not configured on this server');
    return stripeImpl;
  }

  function chooseProvider(requested: TPaymentProvider | undefined, owedFen: number): TPaymentProvider {
    const enabled = enabledProviders(config.PAYMENT_PROVIDER);
    if (requested && !enabled.includes(requested))
      throw new AppError(ErrorCodes.INVALID_STATE, `payment provider ${requested} is not enabled here`, { allowed: enabled });
    const chosen = requested ?? config.PAYMENT_PROVIDER;
    if (chosen === 'stripe' && owedFen > STRIPE_MAX_AMOUNT_FEN) {
      if (requested)
        throw new AppError(
          ErrorCodes.INVALID_STATE,
          `a Stripe payment is at most ${STRIPE_MAX_AMOUNT_FEN} fen; this trade owes ${owedFen} fen: pay by bank transfer`,
          { allowed: ['bank_transfer'], maxStripeFen: STRIPE_MAX_AMOUNT_FEN, owedFen },
        );
      return 'bank_transfer';
    }
    return chosen;
  }

  /**
   * Applies money received for a trade, in the caller's transaction: the payment succeeds, the fund
   * transfer posts once, and the trade moves to funded. Locks the trade, then the payment (the order
   * every path uses). Money that arrives for a trade cancelled meanwhile is recorded all the same and
   * handed to settlement, which returns it.
   */
  async function applyFunding(tx: Tx, tradeId: string, o: { confirmedBy?: string | null } = {}): Promise<'funded' | 'already' | 'returned'> {
    const trade = await getTradeForUpdate(tx, tradeId);
    if (!trade) throw new Error(`trade ${tradeId} not found while funding`);
    const payment = await repo.paymentOfTrade(tx, tradeId, true);
    if (!payment) throw new Error(`trade ${tradeId} has no payment to fund`);
    await repo.advancePayment(tx, payment.id, 'succeeded', o.confirmedBy ? { confirmedBy: o.confirmedBy, confirmedAt: clock.now() } : {});
    const posted = await postTransfer(tx, ids, {
      operationId: `trade:${tradeId}:fund`,
      kind: 'fund',
      tradeId,
      description: `payment into escrow by ${payment.provider === 'simulated' ? 'the simulated provider (demo)' : payment.provider}`,
      details: { provider: payment.provider, paymentId: payment.id, providerRef: payment.providerRef, reference: payment.reference },
      createdBy: o.confirmedBy ?? null,
      entries: [
        { accountId: Accounts.clearing(payment.provider), amountFen: -payment.amountFen },
        { accountId: Accounts.escrow(payment.payerOrgId), amountFen: payment.amountFen },
      ],
    });
    if (trade.status === 'awaiting_payment') {
      await transitionTrade(tx, { clock }, tradeId, ['awaiting_payment'], 'funded');
      logger.info({ tradeId, provider: payment.provider, amountFen: payment.amountFen }, 'trade funded');
      return 'funded';
    }
    if (trade.status === 'cancelled' && posted?.created) {
      logger.warn({ tradeId, provider: payment.provider }, 'money arrived for a cancelled trade; settlement returns it');
      await enqueue(tx, 'settlement.settle', { tradeId });
      return 'returned';
    }
    return 'already';
  }

  /** What the provider says, applied in the caller's transaction. Never trusts anything but ids and the provider's own answer. */
  async function applyProviderState(tx: Tx, payment: PaymentRow, state: ProviderPaymentState): Promise<string> {
    if (state.currency.toLowerCase() !== payment.currency || state.amountFen !== payment.amountFen) {
      logger.error({ tradeId: payment.tradeId, paymentId: payment.id, state }, 'provider payment does not match the stored request; not applied');
      return 'mismatch';
    }
    if (!payment.providerRef) await repo.setPaymentProviderRef(tx, payment.id, state.providerRef);
    switch (state.status) {
      case 'succeeded':
        if (state.amountReceivedFen !== payment.amountFen) {
          logger.error({ tradeId: payment.tradeId, paymentId: payment.id, state }, 'captured amount differs from the payment; not applied');
          return 'mismatch';
        }
        return applyFunding(tx, payment.tradeId);
      case 'processing':
      case 'canceled':
        return (await repo.advancePayment(tx, payment.id, state.status)) ? state.status : 'unchanged';
      default:
        return 'unchanged';
    }
  }

  async function paymentForIntent(dbx: DbOrTx, intentId: string, paymentId: string | null): Promise<PaymentRow | null> {
    return (await repo.paymentByProviderRef(dbx, intentId)) ?? (paymentId ? await repo.paymentById(dbx, paymentId) : null);
  }

  async function readStripe<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw providerFailure(err);
    }
  }

  const service = {
    providerFor,
    applyFunding,

    /** POST /trades/:id/pay (payer only, awaiting_payment). */
    async pay(actor: Actor, tradeId: string, body: TPayRequest): Promise<TPayResponse> {
      const step = await inTransaction(db, async (tx): Promise<{ done: TPayResponse } | { payment: PaymentRow }> => {
        const trade = await getTradeForUpdate(tx, tradeId);
        if (!trade || !isParty(actor, trade)) throw tradeNotFound();
        if (trade.payerOrgId !== actor.orgId) throw notThePayer(trade.payerOrgId);
        const existing = await repo.paymentOfTrade(tx, tradeId, true);
        if (trade.status !== 'awaiting_payment')
          throw tradeState(trade.status, ['awaiting_payment'], trade.status === 'cancelled' ? 'the trade is cancelled' : 'the trade is paid already');
        const owed = owedAtFunding(trade);
        if (owed === 0) {
          // The amount rounds to 0 fen and no eco fee is due: nothing to collect.
          await transitionTrade(tx, { clock }, tradeId, ['awaiting_payment'], 'funded');
          return { done: { provider: 'none', status: 'funded', amountFen: 0 } };
        }
        let payment = existing;
        if (payment) {
          // One payment per trade: a repeat resumes it (same reference, same PaymentIntent).
          if (body.provider && body.provider !== payment.provider)
            throw new AppError(ErrorCodes.INVALID_STATE, `this trade is being paid by ${payment.provider}`, { allowed: [payment.provider] });
          if (payment.status === 'canceled')
            throw new AppError(ErrorCodes.INVALID_STATE, 'the payment for this trade was cancelled; the trade can only be cancelled now', {
              status: trade.status,
              allowed: ['cancel'],
            });
        } else {
          const name = chooseProvider(body.provider, owed);
          const provider = providerFor(name);
          const id = ids.uuid();
          payment = await repo.insertPayment(tx, {
            id,
            tradeId,
            provider: name,
            payerOrgId: trade.payerOrgId!,
            amountFen: owed,
            currency: 'cny',
            status: 'pending',
            idempotencyKey: IdempotencyKeys.fund(tradeId),
            request: provider.buildRequest({ paymentId: id, tradeId, amountFen: owed }),
            reference: name === 'bank_transfer' ? bankReference(trade.seq) : null,
          });
        }
        if (payment.provider === 'simulated') {
          await applyFunding(tx, tradeId);
          return { done: { provider: 'simulated', status: 'funded', amountFen: payment.amountFen, demo: true, notice: SIMULATED_NOTICE } };
        }
        if (payment.provider === 'bank_transfer')
          return { done: { provider: 'bank_transfer', reference: payment.reference!, amountFen: payment.amountFen, status: payment.status } };
        return { payment };
      });
      if ('done' in step) return step.done;

      // Stripe: the request and its key are committed; now the call (or its replay).
      const payment = step.payment;
      const started = await readStripe(() => providerFor('stripe').start(payment));
      const state = started.state!;
      await inTransaction(db, (tx) => applyProviderState(tx, payment, state));
      return {
        provider: 'stripe',
        paymentIntentId: state.providerRef,
        clientSecret: started.clientSecret ?? '',
        amountFen: payment.amountFen,
        currency: 'cny',
        status: state.status,
      };
    },

    /** GET /trades/:id/payment: parties and overseers in scope. */
    async getPayment(actor: Actor, tradeId: string): Promise<TTradePayment> {
      const trade = await getTradeRow(db, tradeId);
      if (!trade || !canSeeTrade(actor, trade)) throw tradeNotFound();
      const payment = await repo.paymentOfTrade(db, tradeId);
      return { payment: payment ? toPayment(payment, await repo.refundOfTrade(db, tradeId)) : null };
    },

    /**
     * Stops the trade's payment before a cancellation: a pending Stripe intent is cancelled at Stripe
     * (with its own key), a bank-transfer reference voided. Returns 'succeeded' when the money arrived
     * first: the trade is then funded and cannot be cancelled.
     */
    async stopPayment(tradeId: string): Promise<'none' | 'canceled' | 'succeeded'> {
      const payment = await repo.paymentOfTrade(db, tradeId);
      if (!payment) return 'none';
      if (payment.status === 'succeeded') return 'succeeded';
      if (payment.status === 'canceled') return 'canceled';
      const provider = providerFor(payment.provider);
      const status = await readStripe(() => provider.cancel(payment));
      return inTransaction(db, async (tx) => {
        if (status === 'succeeded') {
          const state = await readStripe(() => provider.read(payment));
          if (state) await applyProviderState(tx, payment, state);
          return 'succeeded';
        }
        await repo.advancePayment(tx, payment.id, 'canceled');
        return 'canceled';
      });
    },

    /** GET /payments/bank-transfers (admin): transfers to confirm, newest first. */
    async listBankTransfers(actor: Actor, q: TBankTransfersQuery): Promise<TPage<TBankTransfer>> {
      if (!actor.roles.includes('admin')) throw new AppError(ErrorCodes.FORBIDDEN_ROLE, 'admins only');
      let before: { createdAt: Date; id: string } | undefined;
      if (q.cursor) {
        const c = decodeCursor(q.cursor);
        const at = cursorInstant(c?.[0]);
        const id = cursorUuid(c?.[1]);
        if (at === null || id === null)
          throw new AppError(ErrorCodes.VALIDATION_FAILED, 'invalid cursor', { fields: [{ path: 'cursor', message: 'invalid cursor' }] });
        before = { createdAt: new Date(at), id };
      }
      const found = await repo.bankTransfers(db, { status: q.status, before, limit: q.limit + 1 });
      const page = found.slice(0, q.limit);
      const last = page.at(-1)?.payment;
      return {
        items: page.map((r) => ({
          reference: r.payment.reference!,
          tradeId: r.payment.tradeId,
          payerOrgId: r.payment.payerOrgId,
          payerName: r.payerName,
          amountFen: r.payment.amountFen,
          status: r.payment.status,
          tradeStatus: r.tradeStatus,
          createdAt: r.payment.createdAt.toISOString(),
          confirmedAt: r.payment.confirmedAt?.toISOString() ?? null,
        })),
        nextCursor: found.length > q.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
      };
    },

    /** POST /payments/bank-transfers/:reference/confirm (admin, audited): the money is in; fund the trade. */
    async confirmBankTransfer(actor: Actor, reference: string, body: TConfirmBankTransferRequest): Promise<TPayment> {
      if (!actor.roles.includes('admin')) throw new AppError(ErrorCodes.FORBIDDEN_ROLE, 'admins only');
      return inTransaction(db, async (tx) => {
        const found = await repo.paymentByReference(tx, reference);
        if (!found || found.provider !== 'bank_transfer') throw new AppError(ErrorCodes.NOT_FOUND, 'no bank transfer with this reference');
        const trade = (await getTradeForUpdate(tx, found.tradeId))!;
        const payment = (await repo.paymentById(tx, found.id, true))!;
        if (payment.status === 'succeeded')
          throw new AppError(ErrorCodes.INVALID_STATE, 'this bank transfer was confirmed already', { status: payment.status, allowed: ['pending'] });
        if (payment.status === 'canceled' || trade.status !== 'awaiting_payment')
          throw tradeState(trade.status, ['awaiting_payment'], `the trade is ${trade.status}; return the money to the payer instead`);
        if (body.amountFen !== payment.amountFen)
          throw new AppError(ErrorCodes.VALIDATION_FAILED, `the payer owes ${payment.amountFen} fen; confirm only the full amount`, {
            fields: [{ path: 'amountFen', message: `expected ${payment.amountFen}` }],
          });
        await applyFunding(tx, trade.id, { confirmedBy: actor.userId });
        await repo.insertAudit(tx, {
          actorUserId: actor.userId,
          actorOrgId: actor.orgId,
          action: 'payment.bank_transfer.confirmed',
          subjectType: 'trade',
          subjectId: trade.id,
          details: { reference, amountFen: payment.amountFen, payerOrgId: payment.payerOrgId, note: body.note ?? null },
        });
        const after = (await repo.paymentById(tx, payment.id))!;
        return toPayment(after, null);
      });
    },

    /**
     * POST /payments/stripe/webhook. The signature is checked with the SDK (300 s tolerance) before
     * anything is read; the event is trusted for ids only: the PaymentIntent (or refund) is read back
     * from Stripe and that answer is applied. The event id is stored in the transaction of its
     * effect, so a repeat (or five at once) applies nothing more. Out-of-order events cannot move a
     * state back: statuses only advance, and each event applies Stripe's current state.
     */
    async handleStripeWebhook(rawBody: Buffer, signature: string | undefined): Promise<{ received: true; duplicate: boolean; outcome: string }> {
      if (!stripe || !config.STRIPE_WEBHOOK_SECRET) throw new AppError(ErrorCodes.NOT_FOUND, 'Stripe webhooks are not configured here');
      let event;
      try {
        event = stripe.webhooks.constructEvent(rawBody, signature ?? '', config.STRIPE_WEBHOOK_SECRET, STRIPE_WEBHOOK_TOLERANCE_SECONDS);
      } catch (err) {
        if (!isStripeSignatureError(err) && !(err instanceof SyntaxError)) logger.warn({ err }, 'stripe webhook could not be verified');
        throw new AppError(ErrorCodes.VALIDATION_FAILED, 'the Stripe-Signature header is missing, wrong or too old, or the body was changed', {
          fields: [{ path: 'Stripe-Signature', message: 'signature verification failed' }],
        });
      }
      const object = (event.data?.object ?? {}) as { id?: unknown };
      const objectId = typeof object.id === 'string' ? object.id : null;
      const record = (tx: Tx) => repo.recordStripeEvent(tx, { id: event.id, type: event.type, objectId });

      if (event.type.startsWith('payment_intent.') && objectId) {
        const intent = await readStripe(() => stripe.paymentIntents.retrieve(objectId)).catch((err: unknown) => {
          // An intent Stripe does not know (another account's, or a test event): acknowledge, never retry.
          if ((err as { statusCode?: number })?.statusCode === 404) return null;
          throw err;
        });
        if (!intent)
          return inTransaction(db, async (tx) => ({ received: true as const, duplicate: !(await record(tx)), outcome: 'unknown_intent' }));
        const state = intentState(intent);
        return inTransaction(db, async (tx) => {
          if (!(await record(tx))) return { received: true as const, duplicate: true, outcome: 'duplicate' };
          const payment = await paymentForIntent(tx, intent.id, state.paymentId);
          if (!payment) {
            logger.warn({ eventId: event.id, intentId: intent.id }, 'stripe event for an intent we did not create; ignored');
            return { received: true as const, duplicate: false, outcome: 'unknown_intent' };
          }
          // Credit: a failed payment counts against the payer (once per payment).
          if (event.type === 'payment_intent.payment_failed')
            await recordCreditEvent(tx, { orgId: payment.payerOrgId, kind: 'payment_failed', subjectType: 'payment', subjectId: payment.id, occurredAt: clock.now(), details: { tradeId: payment.tradeId, provider: payment.provider } });
          return { received: true as const, duplicate: false, outcome: await applyProviderState(tx, payment, state) };
        });
      }
      if (event.type.startsWith('refund.') && objectId) {
        const refund = await readStripe(() => stripe.refunds.retrieve(objectId));
        return inTransaction(db, async (tx) => {
          if (!(await record(tx))) return { received: true as const, duplicate: true, outcome: 'duplicate' };
          const ours = await repo.refundByProviderRef(tx, refund.id);
          if (!ours) return { received: true as const, duplicate: false, outcome: 'unknown_refund' };
          const status = refund.status === 'succeeded' ? 'succeeded' : refund.status === 'failed' ? 'failed' : refund.status === 'canceled' ? 'canceled' : 'pending';
          await repo.recordRefundResult(tx, ours.id, { status });
          if (status === 'failed') logger.error({ tradeId: ours.tradeId, refundId: refund.id }, 'a Stripe refund failed; the remainder is still owed to the payer');
          return { received: true as const, duplicate: false, outcome: `refund_${status}` };
        });
      }
      return inTransaction(db, async (tx) => ({ received: true as const, duplicate: !(await record(tx)), outcome: 'ignored' }));
    },

    /**
     * One reconciler pass: every open Stripe payment is read back and applied (a missed or lost
     * webhook is repaired here), a payment whose create call never answered is replayed with its
     * stored key, and open refunds are read back.
     */
    async reconcileStripe(): Promise<{ checked: number; changed: number; failed: number }> {
      if (!stripeImpl) return { checked: 0, changed: 0, failed: 0 };
      let checked = 0;
      let changed = 0;
      let failed = 0;
      for (const p of await repo.openPayments(db, 'stripe', 200)) {
        checked++;
        try {
          const state = await stripeImpl.read(p);
          if (!state) continue;
          const outcome = await inTransaction(db, (tx) => applyProviderState(tx, p, state));
          if (outcome !== 'unchanged' && outcome !== 'already') changed++;
        } catch (err) {
          failed++;
          logger.warn({ err, tradeId: p.tradeId, paymentId: p.id }, 'reconciler could not read a Stripe payment');
        }
      }
      for (const r of await repo.openRefunds(db, 'stripe', 200)) {
        try {
          const outcome = await stripeImpl.readRefund(r);
          if (outcome && outcome.status !== 'pending') {
            await repo.recordRefundResult(db, r.id, outcome);
            changed++;
          }
        } catch (err) {
          failed++;
          logger.warn({ err, tradeId: r.tradeId }, 'reconciler could not read a Stripe refund');
        }
      }
      if (changed || failed) logger.info({ checked, changed, failed }, 'stripe reconciler pass');
      return { checked, changed, failed };
    },

    /**
     * The `payments.reconcile` job: a pass, then the next pass scheduled in the same transaction that
     * marks this one done, so exactly one future pass is pending whatever crashes where.
     */
    async runReconcileJob(outboxId: number): Promise<void> {
      await service.reconcileStripe();
      await inTransaction(db, async (tx) => {
        await markDone(tx, outboxId);
        await scheduleReconcile(tx, outboxId);
      });
    },

    /** At start-up: make sure a reconciler pass is scheduled when Stripe is configured. */
    async ensureReconcilerScheduled(): Promise<void> {
      if (!stripeImpl) return;
      await inTransaction(db, (tx) => scheduleReconcile(tx, null));
    },
  };

  async function scheduleReconcile(tx: Tx, currentOutboxId: number | null): Promise<void> {
    // Serialises processes starting at once, so they schedule one pass between them.
    await advisoryXactLock(tx, 'payments', 'reconcile');
    const pending = await one<{ n: number }>(
      tx,
      sql`select count(*)::int as n from outbox where topic = 'payments.reconcile' and done_at is null
          and id <> ${currentOutboxId ?? -1}`,
    );
    if ((pending?.n ?? 0) > 0) return;
    await enqueue(tx, 'payments.reconcile', {}, { availableAt: new Date(clock.now().getTime() + config.STRIPE_RECONCILE_SECONDS * 1000) });
  }

  return service;
}
