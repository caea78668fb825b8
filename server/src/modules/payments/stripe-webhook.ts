/** Use case: a verified Stripe webhook moves a payment on (its ids only are trusted). */
import type { Tx } from '../../db/client.js';
import { inTransaction } from '../../db/tx.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import { intentState } from './providers.js';
import { recordCreditEvent } from '../credit/index.js';
import * as repo from './repo.js';
import { STRIPE_WEBHOOK_TOLERANCE_SECONDS, isStripeSignatureError } from './stripe.js';
import { type PaymentsDeps, type PaymentsKit } from './kit.js';

export function createStripeWebhook(deps: PaymentsDeps, kit: PaymentsKit) {
  const { db, clock, logger, config, stripe } = deps;
  const { applyProviderState, paymentForIntent, readStripe } = kit;
  const useCases = {
    /**
     * POST /payments/stripe/webhook. The signature is checked with the SDK (300 s tolerance) before
     * anything is read; the event is trusted for ids only: the PaymentIntent (or refund) is read back
     * from Stripe and that answer is applied. The event id is stored in the transaction of its
     * effect, so a repeat (or five at once) applies nothing more. Out-of-order events cannot move a
     * state back: statuses only advance, and each event applies Stripe's current state.
     */
    async handleStripeWebhook(
      rawBody: Buffer,
      signature: string | undefined,
    ): Promise<{ received: true; duplicate: boolean; outcome: string }> {
      if (!stripe || !config.STRIPE_WEBHOOK_SECRET)
        throw new AppError(ErrorCodes.NOT_FOUND, 'Stripe webhooks are not configured here');
      let event;
      try {
        event = stripe.webhooks.constructEvent(
          rawBody,
          signature ?? '',
          config.STRIPE_WEBHOOK_SECRET,
          STRIPE_WEBHOOK_TOLERANCE_SECONDS,
        );
      } catch (err) {
        if (!isStripeSignatureError(err) && !(err instanceof SyntaxError))
          logger.warn({ err }, 'stripe webhook could not be verified');
        throw new AppError(
          ErrorCodes.VALIDATION_FAILED,
          'the Stripe-Signature header is missing, wrong or too old, or the body was changed',
          {
            fields: [{ path: 'Stripe-Signature', message: 'signature verification failed' }],
          },
        );
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
          return inTransaction(db, async (tx) => ({
            received: true as const,
            duplicate: !(await record(tx)),
            outcome: 'unknown_intent',
          }));
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
            await recordCreditEvent(tx, {
              orgId: payment.payerOrgId,
              kind: 'payment_failed',
              subjectType: 'payment',
              subjectId: payment.id,
              occurredAt: clock.now(),
              details: { tradeId: payment.tradeId, provider: payment.provider },
            });
          return { received: true as const, duplicate: false, outcome: await applyProviderState(tx, payment, state) };
        });
      }
      if (event.type.startsWith('refund.') && objectId) {
        const refund = await readStripe(() => stripe.refunds.retrieve(objectId));
        return inTransaction(db, async (tx) => {
          if (!(await record(tx))) return { received: true as const, duplicate: true, outcome: 'duplicate' };
          const ours = await repo.refundByProviderRef(tx, refund.id);
          if (!ours) return { received: true as const, duplicate: false, outcome: 'unknown_refund' };
          const status =
            refund.status === 'succeeded'
              ? 'succeeded'
              : refund.status === 'failed'
                ? 'failed'
                : refund.status === 'canceled'
                  ? 'canceled'
                  : 'pending';
          await repo.recordRefundResult(tx, ours.id, { status });
          if (status === 'failed')
            logger.error(
              { tradeId: ours.tradeId, refundId: refund.id },
              'a Stripe refund failed; the remainder is still owed to the payer',
            );
          return { received: true as const, duplicate: false, outcome: `refund_${status}` };
        });
      }
      return inTransaction(db, async (tx) => ({ received: true as const, duplicate: !(await record(tx)), outcome: 'ignored' }));
    },
  };

  return useCases;
}
