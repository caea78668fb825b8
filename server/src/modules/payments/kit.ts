/** What the payments use cases share: the deps, the API projection, the provider choice, funding a trade from a provider's state, and the functions settlement uses. */
import type { Logger } from 'pino';
import type { Clock, Ids } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import { enqueue } from '../../jobs/outbox.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import {
  STRIPE_MAX_AMOUNT_FEN,
  type TBankAccount,
  type TPayment,
  type TPaymentProvider,
} from '../../../../shared/src/schemas/payments.js';
import type { UserActor } from '../../http/actor.js';
import { getTradeForUpdate, transitionTrade, type TradeRow } from '../trades/index.js';
import { Accounts, postTransfer } from '../ledger/index.js';
import { providerFailure } from './errors.js';
import {
  IdempotencyKeys,
  bankTransferProvider,
  simulatedProvider,
  stripeProvider,
  type PaymentProvider,
  type ProviderPaymentState,
} from './providers.js';
import * as repo from './repo.js';
import { type StripeClient } from './stripe.js';

export type PaymentRow = repo.PaymentRow;
export type RefundRow = repo.RefundRow;

export interface PaymentsDeps {
  db: Db;
  ids: Ids;
  clock: Clock;
  logger: Logger;
  config: Pick<
    Config,
    | 'PAYMENT_PROVIDER'
    | 'STRIPE_WEBHOOK_SECRET'
    | 'STRIPE_RECONCILE_SECONDS'
    | 'BANK_ACCOUNT_NAME'
    | 'BANK_ACCOUNT_NUMBER'
    | 'BANK_NAME'
  >;
  /** null unless STRIPE_SECRET_KEY is set. */
  stripe: StripeClient | null;
}

/** The simulated provider's label, wherever its payments show (DESIGN §4: "labelled as a demo"). */
export const SIMULATED_NOTICE =
  'Demo payment (simulated provider): no money moved. The embedded deployment funds escrow at once.';

/** Providers a payer may choose in this deployment: its own, and bank transfer for any amount. */
export function enabledProviders(configured: TPaymentProvider): TPaymentProvider[] {
  return configured === 'bank_transfer' ? ['bank_transfer'] : [configured, 'bank_transfer'];
}

/** The platform's receiving account, or null when not configured (config.ts allows all three or none). */
export function receivingAccount(config: PaymentsDeps['config']): TBankAccount | null {
  const { BANK_ACCOUNT_NAME: name, BANK_ACCOUNT_NUMBER: number, BANK_NAME: bank } = config;
  return name && number && bank ? { name, number, bank } : null;
}

/** The API projection; `account` is shown with a bank transfer's reference. */
export function toPayment(p: PaymentRow, refund: RefundRow | null, account: TBankAccount | null): TPayment {
  return {
    tradeId: p.tradeId,
    provider: p.provider,
    status: p.status,
    amountFen: p.amountFen,
    currency: 'cny',
    reference: p.reference,
    bankAccount: p.provider === 'bank_transfer' ? account : null,
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
        ? {
            payment_intent: p.payment.providerRef,
            amount: p.amountFen,
            reason: 'requested_by_customer',
            metadata: { trade_id: tradeId, step: 'settlement' },
          }
        : { amountFen: p.amountFen },
    status: 'pending',
  });
}

export function countRefundAttempt(dbx: DbOrTx, refundId: string): Promise<void> {
  return repo.countRefundAttempt(dbx, refundId);
}

export function recordRefundOutcome(
  dbx: DbOrTx,
  refundId: string,
  outcome: { providerRef?: string | null; status: RefundRow['status'] },
): Promise<void> {
  return repo.recordRefundResult(dbx, refundId, outcome);
}

export function isParty(actor: UserActor, t: Pick<TradeRow, 'generatorOrgId' | 'receiverOrgId'>): boolean {
  return !!actor.orgId && (actor.orgId === t.generatorOrgId || actor.orgId === t.receiverOrgId);
}

/** The payments module's pieces the use cases share, built once per service from its deps. */
export function createPaymentsKit(deps: PaymentsDeps) {
  const { ids, clock, logger, config, stripe } = deps;
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
  async function applyFunding(
    tx: Tx,
    tradeId: string,
    o: { confirmedBy?: string | null } = {},
  ): Promise<'funded' | 'already' | 'returned'> {
    const trade = await getTradeForUpdate(tx, tradeId);
    if (!trade) throw new Error(`trade ${tradeId} not found while funding`);
    const payment = await repo.paymentOfTrade(tx, tradeId, true);
    if (!payment) throw new Error(`trade ${tradeId} has no payment to fund`);
    await repo.advancePayment(
      tx,
      payment.id,
      'succeeded',
      o.confirmedBy ? { confirmedBy: o.confirmedBy, confirmedAt: clock.now() } : {},
    );
    const posted = await postTransfer(tx, ids, {
      operationId: `trade:${tradeId}:fund`,
      kind: 'fund',
      tradeId,
      description: `payment into escrow by ${payment.provider === 'simulated' ? 'the simulated provider (demo)' : payment.provider}`,
      details: {
        provider: payment.provider,
        paymentId: payment.id,
        providerRef: payment.providerRef,
        reference: payment.reference,
      },
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
      logger.error(
        { tradeId: payment.tradeId, paymentId: payment.id, state },
        'provider payment does not match the stored request; not applied',
      );
      return 'mismatch';
    }
    if (!payment.providerRef) await repo.setPaymentProviderRef(tx, payment.id, state.providerRef);
    switch (state.status) {
      case 'succeeded':
        if (state.amountReceivedFen !== payment.amountFen) {
          logger.error(
            { tradeId: payment.tradeId, paymentId: payment.id, state },
            'captured amount differs from the payment; not applied',
          );
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

  return { stripeImpl, providerFor, chooseProvider, applyFunding, applyProviderState, paymentForIntent, readStripe };
}

export type PaymentsKit = ReturnType<typeof createPaymentsKit>;
