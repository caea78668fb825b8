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
import { createPaymentsKit, type PaymentsDeps } from './kit.js';
import { createPay } from './pay.js';
import { createBankTransfers } from './bank-transfers.js';
import { createStripeWebhook } from './stripe-webhook.js';
import { createReconcile } from './reconcile.js';

export { IdempotencyKeys, type PaymentProvider } from './providers.js';
export {
  countRefundAttempt,
  enabledProviders,
  paymentOfTrade,
  prepareRefund,
  recordRefundOutcome,
  refundOfTrade,
  SIMULATED_NOTICE,
  toPayment,
  type PaymentRow,
  type PaymentsDeps,
  type RefundRow,
} from './kit.js';

export type PaymentsService = ReturnType<typeof createPaymentsService>;

/** One file per use case; they share the kit (kit.ts). */
export function createPaymentsService(deps: PaymentsDeps) {
  const kit = createPaymentsKit(deps);
  return {
    providerFor: kit.providerFor,
    applyFunding: kit.applyFunding,
    ...createPay(deps, kit),
    ...createBankTransfers(deps, kit),
    ...createStripeWebhook(deps, kit),
    ...createReconcile(deps, kit),
  };
}
