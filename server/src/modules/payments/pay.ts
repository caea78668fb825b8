/** Use cases of paying for a trade: the payer pays, the parties read the payment, settlement stops it. */
import { inTransaction } from '../../db/tx.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import {
  owedAtFunding,
  type TPayRequest,
  type TPayResponse,
  type TTradePayment,
} from '../../../../shared/src/schemas/payments.js';
import type { UserActor } from '../../http/actor.js';
import { canSeeTrade, getTradeForUpdate, getTradeRow, transitionTrade } from '../trades/index.js';
import { notThePayer, tradeNotFound, tradeState } from './errors.js';
import { IdempotencyKeys } from './providers.js';
import { bankReference } from './reference.js';
import * as repo from './repo.js';
import {
  type PaymentRow,
  type PaymentsDeps,
  SIMULATED_NOTICE,
  receivingAccount,
  toPayment,
  isParty,
  type PaymentsKit,
} from './kit.js';

export function createPay(deps: PaymentsDeps, kit: PaymentsKit) {
  const { db, ids, clock } = deps;
  const { providerFor, chooseProvider, applyFunding, applyProviderState, readStripe } = kit;
  const useCases = {
    /** POST /trades/:id/pay (payer only, awaiting_payment). */
    async pay(actor: UserActor, tradeId: string, body: TPayRequest): Promise<TPayResponse> {
      const step = await inTransaction(db, async (tx): Promise<{ done: TPayResponse } | { payment: PaymentRow }> => {
        const trade = await getTradeForUpdate(tx, tradeId);
        if (!trade || !isParty(actor, trade)) throw tradeNotFound();
        if (trade.payerOrgId !== actor.orgId) throw notThePayer(trade.payerOrgId);
        const existing = await repo.paymentOfTrade(tx, tradeId, true);
        if (trade.status !== 'awaiting_payment')
          throw tradeState(
            trade.status,
            ['awaiting_payment'],
            trade.status === 'cancelled' ? 'the trade is cancelled' : 'the trade is paid already',
          );
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
            throw new AppError(ErrorCodes.INVALID_STATE, `this trade is being paid by ${payment.provider}`, {
              allowed: [payment.provider],
            });
          if (payment.status === 'canceled')
            throw new AppError(
              ErrorCodes.INVALID_STATE,
              'the payment for this trade was cancelled; the trade can only be cancelled now',
              {
                status: trade.status,
                allowed: ['cancel'],
              },
            );
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
          return {
            done: { provider: 'simulated', status: 'funded', amountFen: payment.amountFen, demo: true, notice: SIMULATED_NOTICE },
          };
        }
        if (payment.provider === 'bank_transfer')
          return {
            done: {
              provider: 'bank_transfer',
              reference: payment.reference!,
              amountFen: payment.amountFen,
              status: payment.status,
              account: receivingAccount(deps.config),
            },
          };
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
    async getPayment(actor: UserActor, tradeId: string): Promise<TTradePayment> {
      const trade = await getTradeRow(db, tradeId);
      if (!trade || !canSeeTrade(actor, trade)) throw tradeNotFound();
      const payment = await repo.paymentOfTrade(db, tradeId);
      return {
        payment: payment ? toPayment(payment, await repo.refundOfTrade(db, tradeId), receivingAccount(deps.config)) : null,
      };
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
  };

  return useCases;
}
